"""Membership operations: adding members, changing roles, removing them.

Every change takes the organisation's lock first, so the last-owner rule holds when two
owners act at the same moment. They flush; the request commits.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import InvalidRequestError

from planner.accounts.models import User
from planner.audit.operations import record
from planner.db import ValidationError
from planner.extensions import db
from planner.organisations.models import Membership, Organisation, Role


def lock_memberships(organisation: Organisation) -> None:
    """Serialise changes to one organisation's members until the request commits.

    On PostgreSQL the organisation's row is locked (SELECT ... FOR UPDATE), so two owners
    demoting each other at the same moment take turns and the second sees the first's change;
    SQLite lets one writer at a time.
    """
    db.session.execute(
        select(Organisation.id).where(Organisation.id == organisation.id).with_for_update()
    )


def _fresh(membership: Membership) -> Membership:
    """The membership as stored now (another request may have changed or removed it)."""
    lock_memberships(membership.organisation)
    try:
        db.session.refresh(membership)
    except InvalidRequestError:
        raise ValidationError("membership", _l("this person is no longer a member")) from None
    return membership


def owner_count(organisation: Organisation) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(Membership)
        .where(Membership.organisation_id == organisation.id, Membership.role == Role.OWNER)
    ).scalar_one()


def add_member(
    actor: User | None, organisation: Organisation, user: User, role: Role
) -> Membership:
    """Make `user` a member of `organisation` with `role`."""
    lock_memberships(organisation)
    if user.role_in(organisation) is not None:
        raise ValidationError("email", _l("this person is already a member"))
    membership = Membership(organisation=organisation, user=user, role=role)
    db.session.add(membership)
    record(
        "add_member",
        membership,
        actor,
        label=user.email,
        organisation_id=organisation.id,
        changes={"role": [None, role.value]},
    )
    return membership


def _keep_an_owner(membership: Membership) -> None:
    if membership.role == Role.OWNER and owner_count(membership.organisation) <= 1:
        raise ValidationError("role", _l("an organisation needs at least one owner"))


def change_role(actor: User | None, membership: Membership, role: Role) -> None:
    """Change a member's role; the last owner stays an owner."""
    membership = _fresh(membership)
    if membership.role == role:
        return
    _keep_an_owner(membership)
    old = membership.role
    membership.role = role
    record(
        "change_role",
        membership,
        actor,
        label=membership.user.email,
        organisation_id=membership.organisation_id,
        changes={"role": [old.value, role.value]},
    )


def grant_role(actor: User | None, user: User, organisation: Organisation, role: Role) -> None:
    """Give `user` `role` in `organisation`: a new membership, or a changed one."""
    membership = next((m for m in user.memberships if m.organisation_id == organisation.id), None)
    if membership is None:
        add_member(actor, organisation, user, role)
    else:
        change_role(actor, membership, role)


def remove_member(actor: User | None, membership: Membership) -> None:
    """Remove a member; the last owner cannot be removed."""
    membership = _fresh(membership)
    _keep_an_owner(membership)
    record(
        "remove_member",
        membership,
        actor,
        label=membership.user.email,
        organisation_id=membership.organisation_id,
        changes={"role": [membership.role.value, None]},
    )
    db.session.delete(membership)
