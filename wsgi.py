"""Entry point for gunicorn (`gunicorn wsgi:app`) and the flask CLI."""

import gc

from planner import create_app

app = create_app()
# What start-up made (modules, the app, catalogues) lives as long as the worker: frozen, it is
# left out of the collector's full passes, which walked it every time (~0.1 s at 50,000 events,
# a pause in whatever request it fell into; 4-9 ms frozen).
gc.freeze()
