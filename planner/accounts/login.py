"""Flask-Login set-up: loading the signed-in user, and ending sessions on the server."""

import hmac

from flask import Flask, current_app, request
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_user, logout_user

from planner.db import ValidationError
from planner.extensions import db, limiter, login_manager
from planner.organisations.models import normalise_email


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


def sign_in_account_key(email: str | None) -> str:
    """The per-account sign-in counter: the address as authentication reads it.

    So `eda@ｐrobe-example.org` (a full-width letter) counts against the account it signs
    in to, not against a counter of its own.
    """
    try:
        normalised = normalise_email(email)
    except ValidationError:
        normalised = None
    return "login-account:" + (normalised or (email or "").strip().lower()[:254] or "(blank)")


def _password_attempts_key() -> str:
    account = current_user.get_id().partition(":")[0] if current_user.is_authenticated else ""
    return "password-account:" + (account or "anonymous")


def _password_attempt_failed(response) -> bool:
    # Any sent password form that did not end in the redirect of success counts.
    return request.method == "POST" and response.status_code != 302


# Wrong current passwords are limited per account, as sign-ins are.
limit_password_attempts = limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    key_func=_password_attempts_key,
    methods=["POST"],
    deduct_when=_password_attempt_failed,
    error_message=lambda: gettext(
        "There were too many unsuccessful attempts to change the password. For your safety, "
        "please wait a while before you try again."
    ),
    scope="password-account",
)
