"""An organisation's members: who belongs, inviting, roles, removing, revoking invitations."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from planner.accounts import memberships, operations
from planner.accounts.forms import AddMemberForm, ConfirmForm, InviteForm, RoleForm, role_choices
from planner.accounts.models import Invitation
from planner.accounts.pages import invitation_sent_page
from planner.accounts.permissions import can_manage_members, can_see_members, is_admin
from planner.accounts.views import bp
from planner.db import ValidationError
from planner.extensions import db
from planner.forms import form_errors_from
from planner.organisations.models import Membership, Organisation, Role
from planner.web import one_by_slug_or_404


def _organisation_for_members(slug: str) -> Organisation:
    organisation = one_by_slug_or_404(Organisation, slug)
    if not can_see_members(current_user, organisation):
        abort(403)
    return organisation


def _managed_organisation(slug: str) -> Organisation:
    organisation = one_by_slug_or_404(Organisation, slug)
    if not can_manage_members(current_user, organisation):
        abort(403)
    return organisation


def _membership_of(organisation: Organisation, membership_id: int) -> Membership:
    # The membership must belong to the organisation in the URL, whatever the form says.
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id:
        abort(404)
    return membership


def _members_url(organisation: Organisation) -> str:
    return url_for("accounts.members", slug=organisation.slug)


def _render_members(organisation: Organisation, invite_form=None, add_form=None, status=200):
    members = (
        db.session.execute(
            select(Membership)
            .where(Membership.organisation_id == organisation.id)
            .options(selectinload(Membership.user))
        )
        .scalars()
        .all()
    )
    members.sort(key=lambda m: (m.role != Role.OWNER, m.user.name.lower()))
    manage = can_manage_members(current_user, organisation)
    return (
        render_template(
            "accounts/members.html",
            organisation=organisation,
            memberships=members,
            pending=operations.pending_invitations(organisation) if manage else [],
            can_manage=manage,
            can_add_existing=is_admin(current_user),
            invite_form=invite_form or InviteForm(formdata=None),
            add_form=add_form or AddMemberForm(formdata=None, prefix="add"),
            role_choices=role_choices(),
        ),
        status,
    )


@bp.get("/manage/organisations/<slug>/members")
@login_required
def members(slug: str):
    return _render_members(_organisation_for_members(slug))


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
            form_errors_from(form, error)
        else:
            return invitation_sent_page(invitation, token, _members_url(organisation))
    return _render_members(organisation, invite_form=form, status=422)


@bp.post("/manage/organisations/<slug>/members/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(slug: str, invitation_id: int):
    organisation = _managed_organisation(slug)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        abort(404)
    try:
        operations.revoke_invitation(current_user, invitation)
    except ValidationError as error:
        flash(str(error.message), "error")
    else:
        flash(_("The invitation for %(email)s has been revoked.", email=invitation.email), "info")
    return redirect(_members_url(organisation))


@bp.post("/manage/organisations/<slug>/members/add")
@login_required
def add_member(slug: str):
    organisation = one_by_slug_or_404(Organisation, slug)
    if not is_admin(current_user):
        abort(403)
    form = AddMemberForm(prefix="add")
    if form.validate_on_submit():
        user = operations.find_user_by_email(form.email.data)
        if user is None:
            form.email.errors = [_("There is no account with this address; invite them instead.")]
        else:
            try:
                memberships.add_member(current_user, organisation, user, Role(form.role.data))
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                flash(_("%(name)s has been added.", name=user.name), "info")
                return redirect(_members_url(organisation))
    return _render_members(organisation, add_form=form, status=422)


@bp.post("/manage/organisations/<slug>/members/<int:membership_id>/role")
@login_required
def change_role(slug: str, membership_id: int):
    organisation = _managed_organisation(slug)
    membership = _membership_of(organisation, membership_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            memberships.change_role(current_user, membership, Role(form.role.data))
        except ValidationError as error:
            flash(_("The role was not changed: %(reason)s.", reason=str(error.message)), "error")
        else:
            flash(_("The role has been changed."), "info")
    else:
        flash(_("Choose a role from the list."), "error")
    return redirect(_members_url(organisation))


@bp.post("/manage/organisations/<slug>/members/<int:membership_id>/remove")
@login_required
def remove_member(slug: str, membership_id: int):
    organisation = _managed_organisation(slug)
    membership = _membership_of(organisation, membership_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = membership.user.name
        try:
            memberships.remove_member(current_user, membership)
        except ValidationError as error:
            flash(
                _("%(name)s was not removed: %(reason)s.", name=name, reason=str(error.message)),
                "error",
            )
        else:
            flash(_("%(name)s has been removed.", name=name), "info")
    return redirect(_members_url(organisation))
