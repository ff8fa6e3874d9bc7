"""Accepting an invitation (the link's page), for a new account or an existing one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from planner.accounts import operations
from planner.accounts.forms import AcceptInvitationForm, ConfirmForm
from planner.accounts.models import Invitation, User
from planner.accounts.operations import InvitationUnusable
from planner.accounts.views import bp
from planner.db import ValidationError, now_utc
from planner.extensions import limiter
from planner.forms import form_errors_from, form_status


@bp.errorhandler(InvitationUnusable)
def invitation_unusable(error: InvitationUnusable):
    return render_template("accounts/invitation_unusable.html", invitation=error.invitation), 410


def _usable_invitation(token: str) -> Invitation:
    invitation = operations.find_invitation(token)
    if invitation is None:
        abort(404)
    if not invitation.is_usable(now_utc()):
        raise InvitationUnusable(invitation)
    return invitation


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit(
    "30 per 15 minutes",
    key_func=lambda: "invitation-address:" + (get_remote_address() or "unknown"),
    deduct_when=lambda response: response.status_code == 404,
    error_message=lambda: _("Too many invitation links that do not exist were opened."),
    scope="invitation",
)
def accept_invitation(token: str):
    invitation = _usable_invitation(token)
    existing = operations.find_user_by_email(invitation.email)
    if existing is not None:
        return _accept_as_existing_user(invitation, existing, token)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = operations.accept_as_new_user(
                invitation, form.display_name.data, form.password.data
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            if current_user.is_authenticated:
                logout_user()
            login_user(user)
            flash(_("Welcome! Your account is ready."), "info")
            return redirect(url_for("manage.dashboard"))
    status = form_status(form)
    return render_template("accounts/accept.html", invitation=invitation, form=form), status


def _accept_as_existing_user(invitation: Invitation, existing: User, token: str):
    """The address already has an account: its owner signs in, then joins."""
    signed_in_as_invitee = current_user.is_authenticated and current_user.id == existing.id
    form = ConfirmForm()
    if signed_in_as_invitee and form.validate_on_submit():
        operations.accept_as_existing_user(invitation, existing)
        flash(_("Welcome! You have joined the organisation."), "info")
        return redirect(url_for("manage.dashboard"))
    return render_template(
        "accounts/accept_existing.html",
        invitation=invitation,
        form=form,
        signed_in_as_invitee=signed_in_as_invitee,
        token=token,
    )
