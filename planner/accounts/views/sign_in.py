"""Signing in and out, and changing one's password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user

from planner.accounts import operations
from planner.accounts.forms import LoginForm, PasswordChangeForm
from planner.accounts.login import (
    limit_password_attempts,
    sign_in_account_key,
    sign_out,
    stay_signed_in,
)
from planner.accounts.views import bp
from planner.db import ValidationError
from planner.extensions import limiter
from planner.forms import form_errors_from, form_status


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _address_key() -> str:
    return "login-address:" + (get_remote_address() or "unknown")


def _account_key() -> str:
    return sign_in_account_key(request.form.get("email"))


# Kept on the request itself: the app context (and `g`) can outlive one request.
_FAILED_FLAG = "planner.sign_in_failed"


def _sign_in_failed(_response) -> bool:
    return bool(request.environ.get(_FAILED_FLAG))


def _too_many_sign_ins() -> str:
    return _(
        "There were too many unsuccessful sign-in attempts. For your safety, please wait a "
        "while before you try again."
    )


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site (never another host, never `//host`)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(char.isspace() or not char.isprintable() for char in target):
        return None  # CR/LF would split the Location header; no path needs a space unencoded
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limit,
    key_func=_address_key,
    methods=["POST"],
    deduct_when=_sign_in_failed,
    error_message=_too_many_sign_ins,
    scope="login-address",
)
@limiter.limit(
    _login_limit,
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_sign_in_failed,
    error_message=_too_many_sign_ins,
    scope="login-account",
)
def login():
    next_path = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or url_for("manage.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(next_path or url_for("manage.dashboard"))
    failed = request.method == "POST"
    if failed:
        request.environ[_FAILED_FLAG] = True
    return render_template("accounts/login.html", form=form, failed=failed, next_path=next_path)


@bp.post("/logout")
def logout():
    sign_out()  # CSRFProtect has already checked the form's token
    flash(_("You have signed out."), "info")
    return redirect(url_for("public.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@limit_password_attempts
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            operations.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            stay_signed_in()
            flash(_("Your password has been changed."), "info")
            return redirect(url_for("manage.dashboard"))
    return render_template("accounts/password.html", form=form), form_status(form)


@bp.errorhandler(429)
def too_many_attempts(error):
    # Flask-Limiter adds Retry-After to this response after the request.
    return render_template("accounts/too_many_attempts.html", detail=error.description), 429
