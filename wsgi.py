"""Entry point for gunicorn (`gunicorn wsgi:app`) and the flask CLI."""

from planner import create_app

app = create_app()
