"""Signing in and out, passwords, invitations, and an organisation's members."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from planner.accounts import operations
from planner.accounts.forms import (
    AcceptInvitationForm,
    AddMemberForm,
    ConfirmForm,
    InviteForm,
    LoginForm,
    PasswordChangeForm,
    RoleForm,
    role_choices,
)
from planner.accounts.login import (
    limit_password_attempts,
    sign_in_account_key,
    sign_out,
    stay_signed_in,
)
from planner.accounts.mail import mail_configured, send_mail
from planner.accounts.models import Invitation
from planner.accounts.permissions import can_manage_members, can_see_members, is_admin
from planner.db import ValidationError, now_utc
from planner.extensions import db, limiter
from planner.organisations.models import Membership, Organisation, Role
from planner.urls import absolute_url

bp = Blueprint("accounts", __name__)


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


def form_errors_from(form, error: ValidationError) -> None:
    """Show a domain ValidationError beside the form field it names."""
    field = getattr(form, error.field, None) or getattr(form, f"{error.field}_en", None)
    message = str(error.message)
    if field is None:
        form.form_errors.append(message)
    else:
        field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


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
    failed = False
    if form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            db.session.commit()
            return redirect(next_path or url_for("manage.dashboard"))
        failed = True
    elif request.method == "POST":
        failed = True
    if failed:
        request.environ[_FAILED_FLAG] = True
        db.session.rollback()
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
            db.session.rollback()
            form_errors_from(form, error)
        else:
            db.session.commit()
            stay_signed_in()
            flash(_("Your password has been changed."), "info")
            return redirect(url_for("manage.dashboard"))
    return render_template("accounts/password.html", form=form)


@bp.errorhandler(429)
def too_many_attempts(error):
    # Flask-Limiter adds Retry-After to this response after the request.
    return render_template("accounts/too_many_attempts.html", detail=error.description), 429


class InvitationUnusable(Exception):
    """The invitation exists but was used or has expired."""


@bp.errorhandler(InvitationUnusable)
def invitation_unusable(_error):
    return render_template("accounts/invitation_unusable.html"), 410


def _usable_invitation(token: str) -> Invitation:
    invitation = operations.find_invitation(token)
    if invitation is None:
        abort(404)
    if not invitation.is_usable(now_utc()):
        raise InvitationUnusable()
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
        # The address already has an account: its owner signs in, then joins.
        signed_in_as_invitee = current_user.is_authenticated and current_user.id == existing.id
        form = ConfirmForm()
        if signed_in_as_invitee and form.validate_on_submit():
            operations.accept_as_existing_user(invitation, existing)
            db.session.commit()
            flash(_("Welcome! You have joined the organisation."), "info")
            return redirect(url_for("manage.dashboard"))
        return render_template(
            "accounts/accept_existing.html",
            invitation=invitation,
            form=form,
            signed_in_as_invitee=signed_in_as_invitee,
            token=token,
        )
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = operations.accept_as_new_user(
                invitation, form.display_name.data, form.password.data
            )
        except ValidationError as error:
            db.session.rollback()
            form_errors_from(form, error)
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            login_user(user)
            flash(_("Welcome! Your account is ready."), "info")
            return redirect(url_for("manage.dashboard"))
    return render_template("accounts/accept.html", invitation=invitation, form=form)


# --- An organisation's members -------------------------------------------------------------


def _organisation_for_members(slug: str) -> Organisation:
    organisation = db.first_or_404(select(Organisation).where(Organisation.slug == slug))
    if not can_see_members(current_user, organisation):
        abort(403)
    return organisation


def _managed_organisation(slug: str) -> Organisation:
    organisation = db.first_or_404(select(Organisation).where(Organisation.slug == slug))
    if not can_manage_members(current_user, organisation):
        abort(403)
    return organisation


def _membership_of(organisation: Organisation, membership_id: int) -> Membership:
    # The membership must belong to the organisation in the URL, whatever the form says.
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id:
        abort(404)
    return membership


def _render_members(organisation: Organisation, invite_form=None, add_form=None, status=200):
    memberships = (
        db.session.execute(
            select(Membership)
            .where(Membership.organisation_id == organisation.id)
            .options(selectinload(Membership.user))
        )
        .scalars()
        .all()
    )
    memberships.sort(key=lambda m: (m.role != Role.OWNER, m.user.name.lower()))
    pending = (
        db.session.execute(
            select(Invitation)
            .where(
                Invitation.organisation_id == organisation.id,
                Invitation.used_at.is_(None),
                Invitation.expires_at > now_utc(),
            )
            .order_by(Invitation.created_at)
        )
        .scalars()
        .all()
    )
    manage = can_manage_members(current_user, organisation)
    return (
        render_template(
            "accounts/members.html",
            organisation=organisation,
            memberships=memberships,
            pending=pending,
            can_manage=manage,
            can_add_existing=is_admin(current_user),
            invite_form=invite_form or InviteForm(formdata=None),
            add_form=add_form or AddMemberForm(formdata=None, prefix="add"),
            role_choices=role_choices(),
            new_link=None,
        ),
        status,
    )


@bp.get("/manage/organisations/<slug>/members")
@login_required
def members(slug: str):
    return _render_members(_organisation_for_members(slug))


def _send_invitation(invitation: Invitation, link: str) -> bool:
    """E-mail the link when a mail server is configured; True when sent."""
    if not mail_configured():
        return False
    organisation = invitation.organisation
    if organisation is not None:
        body = _(
            "You are invited to plan remembrance events for %(organisation)s on %(site)s.\n\n"
            "Open this link to choose your password (it works once, until %(until)s):\n%(link)s\n",
            organisation=organisation.display_name(),
            site=current_app.config["SITE_NAME"],
            until=invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
            link=link,
        )
    else:
        body = _(
            "You are invited to help administer %(site)s.\n\n"
            "Open this link to choose your password (it works once, until %(until)s):\n%(link)s\n",
            site=current_app.config["SITE_NAME"],
            until=invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
            link=link,
        )
    try:
        send_mail(
            invitation.email,
            _("Your invitation to %(site)s", site=current_app.config["SITE_NAME"]),
            body,
        )
    except OSError:
        current_app.logger.exception("could not send the invitation e-mail")
        return False
    return True


def invitation_sent_page(invitation: Invitation, token: str, back_url: str):
    """Show the inviter the link to pass on (it is shown only this once)."""
    link = absolute_url("accounts.accept_invitation", token=token)  # SITE_URL, not Host
    mailed = _send_invitation(invitation, link)
    return render_template(
        "accounts/invitation_sent.html",
        invitation=invitation,
        link=link,
        mailed=mailed,
        back_url=back_url,
    )


@bp.post("/manage/organisations/<slug>/members/invite")
@login_required
def invite(slug: str):
    organisation = _managed_organisation(slug)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation, token = operations.invite(
                current_user, form.email.data, organisation=organisation, role=Role(form.role.data)
            )
        except ValidationError as error:
            db.session.rollback()
            form_errors_from(form, error)
        else:
            db.session.commit()
            return invitation_sent_page(
                invitation, token, url_for("accounts.members", slug=organisation.slug)
            )
    return _render_members(organisation, invite_form=form, status=422)


@bp.post("/manage/organisations/<slug>/members/add")
@login_required
def add_member(slug: str):
    organisation = db.first_or_404(select(Organisation).where(Organisation.slug == slug))
    if not is_admin(current_user):
        abort(403)
    form = AddMemberForm(prefix="add")
    if form.validate_on_submit():
        user = operations.find_user_by_email(form.email.data)
        if user is None:
            form.email.errors = [_("There is no account with this address; invite them instead.")]
        else:
            try:
                operations.add_member(current_user, organisation, user, Role(form.role.data))
            except ValidationError as error:
                db.session.rollback()
                form_errors_from(form, error)
            else:
                db.session.commit()
                flash(_("%(name)s has been added.", name=user.name), "info")
                return redirect(url_for("accounts.members", slug=organisation.slug))
    return _render_members(organisation, add_form=form, status=422)


@bp.post("/manage/organisations/<slug>/members/<int:membership_id>/role")
@login_required
def change_role(slug: str, membership_id: int):
    organisation = _managed_organisation(slug)
    membership = _membership_of(organisation, membership_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            operations.change_role(current_user, membership, Role(form.role.data))
        except ValidationError as error:
            db.session.rollback()
            flash(_("The role was not changed: %(reason)s.", reason=str(error.message)), "error")
        else:
            db.session.commit()
            flash(_("The role has been changed."), "info")
    else:
        flash(_("Choose a role from the list."), "error")
    return redirect(url_for("accounts.members", slug=organisation.slug))


@bp.post("/manage/organisations/<slug>/members/<int:membership_id>/remove")
@login_required
def remove_member(slug: str, membership_id: int):
    organisation = _managed_organisation(slug)
    membership = _membership_of(organisation, membership_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = membership.user.name
        try:
            operations.remove_member(current_user, membership)
        except ValidationError as error:
            db.session.rollback()
            flash(
                _("%(name)s was not removed: %(reason)s.", name=name, reason=str(error.message)),
                "error",
            )
        else:
            db.session.commit()
            flash(_("%(name)s has been removed.", name=name), "info")
    return redirect(url_for("accounts.members", slug=organisation.slug))
