"""Flask-Login set-up: loading the signed-in user, and ending sessions on the server."""

import hmac

from flask import Flask
from flask_babel import lazy_gettext
from flask_login import current_user, login_user, logout_user

from planner.extensions import db, login_manager


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.session_protection = "strong"
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)


def load_user(user_id: str):
    """The active user the session names, if the session's token is still the account's."""
    from planner.accounts.models import User

    account, _, token = user_id.partition(":")
    if not account.isdigit() or not token:
        return None
    user = db.session.get(User, int(account))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


def sign_out() -> None:
    """Sign out here and end the account's sessions everywhere (a copied cookie included)."""
    if current_user.is_authenticated:
        current_user.end_sessions()
    logout_user()


def stay_signed_in() -> None:
    """After the account's sessions were ended (a new password), keep this one going."""
    login_user(current_user._get_current_object())
