"""Flask-Login set-up: loading the signed-in user."""

from flask import Flask
from flask_babel import lazy_gettext

from planner.extensions import db, login_manager


def init_login(app: Flask) -> None:
    from planner.accounts.models import User

    login_manager.init_app(app)
    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.session_protection = "strong"
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.active else None
