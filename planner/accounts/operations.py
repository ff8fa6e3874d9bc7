"""Account operations: signing in, passwords, invitations, account flags. They flush; the request
commits once (memberships are in planner.accounts.memberships)."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta
from functools import cache

from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from planner.accounts.memberships import lock_memberships
from planner.accounts.models import (
    Invitation,
    User,
    check_password_strength,
    hash_token,
    password_hasher,
)
from planner.audit.operations import record
from planner.db import ValidationError, now_utc
from planner.extensions import db
from planner.organisations.models import Membership, Organisation, Role, normalise_email


@cache
def _dummy_hash() -> str:
    return password_hasher.hash("a password that no account has")


def find_user_by_email(email: str | None) -> User | None:
    try:
        normalised = normalise_email(email)
    except ValidationError:
        return None
    if normalised is None:
        return None
    return db.session.execute(select(User).where(User.email == normalised)).scalar_one_or_none()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail address and password, or None.

    An unknown address costs the same argon2 work as a wrong password, so the answer time
    does not tell which accounts exist.
    """
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        with suppress(VerificationError, InvalidHashError):
            password_hasher.verify(_dummy_hash(), password or "")
        return None
    if not user.check_password(password or "") or not user.active:
        return None
    user.last_login_at = now_utc()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one (ValidationError names the field).

    Every session of the account ends (User.set_password); the caller keeps its own going.
    """
    if not user.check_password(current):
        raise ValidationError("current_password", _l("this is not your current password"))
    try:
        user.set_password(new)
    except ValidationError as error:
        raise ValidationError("new_password", error.message) from None
    record("change_password", user, user, label=user.email)


def invite(
    inviter: User,
    email: str,
    *,
    organisation: Organisation | None = None,
    role: Role | None = None,
    make_admin: bool = False,
) -> tuple[Invitation, str]:
    """A new single-use invitation; returns it with the token (only its hash is stored)."""
    if organisation is not None and role is None:
        raise ValidationError("role", _l("choose a role"))
    if organisation is None and not make_admin:
        raise ValidationError(
            "organisation", _l("choose an organisation, or invite an administrator")
        )
    existing = find_user_by_email(email)
    if organisation is not None and existing is not None and existing.role_in(organisation):
        raise ValidationError("email", _l("this person is already a member"))
    token = Invitation.new_token()
    invitation = Invitation(
        token_hash=hash_token(token),
        email=email,
        organisation=organisation,
        role=role if organisation is not None else None,
        make_admin=make_admin,
        invited_by_id=inviter.id,
        expires_at=now_utc() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    record(
        "invite",
        invitation,
        inviter,
        label=invitation.email,
        organisation_id=organisation.id if organisation is not None else None,
        changes={
            "email": [None, invitation.email],
            "role": [None, invitation.role.value if invitation.role else None],
            "make_admin": [None, make_admin],
        },
    )
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    if not token or len(token) > 200:
        return None
    return db.session.execute(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    ).scalar_one_or_none()


class InvitationUnusable(Exception):
    """The invitation was used, revoked or has expired (perhaps a moment ago, elsewhere)."""

    def __init__(self, invitation: Invitation):
        super().__init__(f"invitation {invitation.id} cannot be used")
        self.invitation = invitation


def _claim(invitation: Invitation) -> None:
    """Mark the invitation used, once: a second accept, even at the same moment, is refused.

    The conditional UPDATE waits for a concurrent accept of the same row to end (a row lock on
    PostgreSQL, the write lock on SQLite), then finds the invitation used and changes nothing.
    """
    now = now_utc()
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(invitation)
    if claimed != 1:
        raise InvitationUnusable(invitation)


def _join(invitation: Invitation, user: User) -> None:
    if invitation.organisation is not None and user.role_in(invitation.organisation) is None:
        membership = Membership(organisation=invitation.organisation, role=invitation.role)
        user.memberships.append(membership)
    if invitation.make_admin:
        user.is_admin = True


def _record_acceptance(invitation: Invitation, user: User) -> None:
    record(
        "accept_invitation",
        user,
        user,
        label=user.email,
        organisation_id=invitation.organisation_id,
        changes={"role": [None, invitation.role.value if invitation.role else None]},
    )


def accept_as_new_user(invitation: Invitation, display_name: str, password: str) -> User:
    """Create the invited account with its password, and join the organisation.

    The password is checked before anything changes; InvitationUnusable when the invitation
    was used or revoked in the meantime.
    """
    check_password_strength(password)
    _claim(invitation)
    user = User(email=invitation.email, display_name=display_name.strip()[:120])
    user.set_password(password)
    db.session.add(user)
    _join(invitation, user)
    db.session.flush()
    _record_acceptance(invitation, user)
    return user


def accept_as_existing_user(invitation: Invitation, user: User) -> None:
    """Add the invited membership to the signed-in account the invitation was for."""
    _claim(invitation)
    if invitation.organisation is not None:
        # An administrator may be adding the same account at this moment.
        lock_memberships(invitation.organisation)
        db.session.refresh(user, ["memberships"])
    _join(invitation, user)
    _record_acceptance(invitation, user)


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    """Make a pending invitation's link unusable; its page then says it is no longer valid."""
    if not invitation.is_usable(now_utc()):
        raise ValidationError("invitation", _l("this invitation was already used or has expired"))
    invitation.revoked_at = now_utc()
    record(
        "revoke_invitation",
        invitation,
        actor,
        label=invitation.email,
        organisation_id=invitation.organisation_id,
        changes={
            "email": [invitation.email, None],
            "role": [invitation.role.value if invitation.role else None, None],
        },
    )


def pending_invitations(organisation: Organisation | None) -> list[Invitation]:
    """The invitations that can still be accepted, oldest first: to join `organisation`, or
    (for None) to become a site administrator without joining an organisation."""
    where = (
        Invitation.organisation_id == organisation.id
        if organisation is not None
        else Invitation.organisation_id.is_(None)
    )
    return list(
        db.session.execute(
            select(Invitation)
            .where(
                where,
                Invitation.used_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now_utc(),
            )
            .order_by(Invitation.created_at, Invitation.id)
        ).scalars()
    )


def set_admin(actor: User, user: User, is_admin: bool) -> None:
    if user.is_admin == is_admin:
        return
    if not is_admin and user.id == actor.id:
        raise ValidationError("is_admin", _l("you cannot take away your own administrator rights"))
    record(
        "set_admin", user, actor, label=user.email, changes={"is_admin": [user.is_admin, is_admin]}
    )
    user.is_admin = is_admin


def set_active(actor: User, user: User, active: bool) -> None:
    if user.active == active:
        return
    if not active and user.id == actor.id:
        raise ValidationError("active", _l("you cannot deactivate your own account"))
    record("set_active", user, actor, label=user.email, changes={"active": [user.active, active]})
    user.active = active
