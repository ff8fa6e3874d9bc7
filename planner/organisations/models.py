"""Organisations: the groups that organise events, and their members."""

from __future__ import annotations

import enum
import re
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from planner.countries import normalise_country
from planner.db import JSONType, UTCDateTime, ValidationError, now_utc
from planner.extensions import db
from planner.i18n import clean_texts, country_languages, pick
from planner.slugs import validate_slug

if TYPE_CHECKING:
    from planner.accounts.models import User


class Role(enum.StrEnum):
    OWNER = "owner"
    EDITOR = "editor"


# RFC 3986: what a URI may hold (the API describes `website` as `format: uri`).
_URI_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def validate_website(value: str | None, field: str = "website") -> str | None:
    """A web address (http or https) holding only characters a URI may hold, or None."""
    if not value:
        return None
    value = value.strip()
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or len(value) > 300
        or not _URI_CHARACTERS.fullmatch(value)
        or _BAD_PERCENT.search(value)
    ):
        raise ValidationError(
            field,
            _l(
                "must be a web address starting with https://, without spaces or characters "
                "a web address cannot hold (copy it from the browser's address bar)"
            ),
        )
    return value


def normalise_email(
    value: str | None, field: str = "email", *, required: bool = False
) -> str | None:
    if not value:
        if required:
            raise ValidationError(field, "an e-mail address is required")
        return None
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValidationError(field, str(error)) from None


class Organisation(db.Model):
    """A group that organises events: a museum, an institute, a civic group."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[dict[str, str]] = mapped_column(JSONType)
    description: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    website: Mapped[str | None] = mapped_column(String(300))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    country: Mapped[str] = mapped_column(String(2), index=True)
    city: Mapped[str] = mapped_column(String(120), default="")
    founded: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @validates("slug")
    def _check_slug(self, _key: str, value: str) -> str:
        return validate_slug(value)

    @validates("name")
    def _check_name(self, _key: str, value: dict[str, str]) -> dict[str, str]:
        return clean_texts("name", value, required=True)

    @validates("description")
    def _check_description(self, _key: str, value: dict[str, str]) -> dict[str, str]:
        return clean_texts("description", value, required=False)

    @validates("country")
    def _check_country(self, _key: str, value: str) -> str:
        return normalise_country(value)

    @validates("website")
    def _check_website(self, _key: str, value: str | None) -> str | None:
        return validate_website(value)

    @validates("contact_email")
    def _check_email(self, _key: str, value: str | None) -> str | None:
        return normalise_email(value, "contact_email")

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"

    def display_name(self, lang: str | None = None) -> str:
        return pick(self.name, lang, country_languages([self.country]))

    def display_description(self, lang: str | None = None) -> str:
        return pick(self.description, lang, country_languages([self.country]))


class Membership(db.Model):
    """A user's place in an organisation: owner (manages members) or editor (plans events)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e])
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
