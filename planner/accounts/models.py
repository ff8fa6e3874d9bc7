"""Accounts: users, their passwords, and invitations to join an organisation."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from planner.db import UTCDateTime, ValidationError, now_utc
from planner.extensions import db
from planner.organisations.models import Membership, Role, normalise_email

if TYPE_CHECKING:
    from planner.organisations.models import Organisation

# argon2id, memory-hard; parameters are argon2-cffi's RFC 9106 low-memory profile.
password_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def check_password_strength(password: str, field: str = "password") -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(field, _l("use at least %(num)d characters", num=MIN_PASSWORD_LENGTH))
    if len(password) > 1024:
        raise ValidationError(field, _l("is too long"))
    return password


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    """Someone who signs in: an organiser, or a site administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept in the signed session cookie and checked on every request; a new one (on signing
    # out, on a password change) ends every session that holds the old one.
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: new_session_token())

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @validates("email")
    def _check_email(self, _key: str, value: str) -> str:
        return normalise_email(value, required=True)

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    def get_id(self) -> str:
        """What the session remembers: the account and its current session token."""
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """End every session of this account: the cookies that hold the old token stop working."""
        self.session_token = new_session_token()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def name(self) -> str:
        return self.display_name or self.email

    def set_password(self, password: str) -> None:
        """A new password; every session signed in with the old one ends."""
        self.password_hash = password_hasher.hash(check_password_strength(password))
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return False
        try:
            password_hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if password_hasher.check_needs_rehash(self.password_hash):
            self.password_hash = password_hasher.hash(password)
        return True

    def role_in(self, organisation: Organisation | int) -> Role | None:
        organisation_id = organisation if isinstance(organisation, int) else organisation.id
        for membership in self.memberships:
            if membership.organisation_id == organisation_id:
                return membership.role
        return None

    @property
    def organisation_ids(self) -> set[int]:
        return {membership.organisation_id for membership in self.memberships}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(db.Model):
    """A single-use, expiring link that lets a new user join (only its hash is stored)."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    role: Mapped[Role | None] = mapped_column(
        Enum(Role, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e])
    )
    make_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @validates("email")
    def _check_email(self, _key: str, value: str) -> str:
        return normalise_email(value, required=True)

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    def is_usable(self, at: datetime | None = None) -> bool:
        return (
            self.used_at is None and self.revoked_at is None and (at or now_utc()) < self.expires_at
        )
