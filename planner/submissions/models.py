"""Public submissions: events proposed by groups without an account, and their moderators."""

from __future__ import annotations

import enum
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import (
    CheckConstraint,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from planner.accounts.models import User
from planner.commemorations.models import Commemoration
from planner.countries import normalise_country, validate_timezone
from planner.db import UTCDateTime, ValidationError, now_utc
from planner.events.models import Event, EventKind
from planner.extensions import db
from planner.i18n import LANGUAGES
from planner.organisations.models import normalise_email
from planner.venues.models import Venue

# The same limits as an organiser's event and the admin's venue and organisation forms.
TITLE_MAX = 200
DESCRIPTION_MAX = 20000
NAME_MAX = 200
ADDRESS_MAX = 300
CITY_MAX = 120
MESSAGE_MAX = 2000


class SubmissionStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for a moderator
    RETURNED = "returned"  # sent back to the submitter with a message
    APPROVED = "approved"  # published as an event
    REJECTED = "rejected"  # refused, with a reason


def _enum(cls: type[enum.Enum], length: int) -> Enum:
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class Submission(db.Model):
    """An event proposed through /submit. Public nowhere until a moderator approves it.

    The submitter follows it through a private link; only the hash of its token is stored.
    """

    __tablename__ = "submissions"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # Either an existing venue or the name of a proposed one.
        CheckConstraint("venue_id IS NOT NULL OR venue_name <> ''", name="has_venue"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[SubmissionStatus] = mapped_column(
        _enum(SubmissionStatus, 10), default=SubmissionStatus.PENDING, index=True
    )
    # The language the submitter writes the title and description in.
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    # Markdown, sanitised when rendered (as an organiser's description is).
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind, 30), default=EventKind.VIGIL)
    commemoration_id: Mapped[int | None] = mapped_column(
        ForeignKey("commemorations.id", ondelete="SET NULL")
    )
    # An existing venue, or (venue_id empty) a proposed one described by the fields below.
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"))
    venue_name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    venue_address: Mapped[str] = mapped_column(String(ADDRESS_MAX), default="")
    venue_city: Mapped[str] = mapped_column(String(CITY_MAX), default="")
    # The venue's country: whose moderators see the submission.
    country: Mapped[str] = mapped_column(String(2), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    group_name: Mapped[str] = mapped_column(String(NAME_MAX))
    # Never published: only moderators see it, and mail to the submitter goes there.
    contact_email: Mapped[str] = mapped_column(String(254))
    # The moderator's message when returned, or the reason when rejected.
    moderator_message: Mapped[str] = mapped_column(Text, default="")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: two moderators deciding at once cannot both win.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    commemoration: Mapped[Commemoration | None] = relationship()
    venue: Mapped[Venue | None] = relationship()
    event: Mapped[Event | None] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @validates("language")
    def _check_language(self, _key: str, value: str) -> str:
        if value not in LANGUAGES:
            raise ValidationError("language", f"unknown language code {value!r}")
        return value

    @validates("country")
    def _check_country(self, _key: str, value: str) -> str:
        return normalise_country(value)

    @validates("timezone")
    def _check_timezone(self, _key: str, value: str) -> str:
        return validate_timezone(value)

    @validates("contact_email")
    def _check_email(self, _key: str, value: str) -> str:
        return normalise_email(value, "contact_email", required=True)

    @validates("title", "group_name")
    def _check_required(self, key: str, value: str) -> str:
        if not value or not value.strip():
            raise ValidationError(key, "is required")
        return value.strip()

    def __repr__(self) -> str:
        return f"<Submission {self.id} {self.status}>"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def proposes_venue(self) -> bool:
        """Whether the submitter proposed a new venue rather than choosing one."""
        return self.venue_id is None

    @property
    def venue_line(self) -> str:
        """The venue as the submitter gave it: the chosen one's name, or the proposed one."""
        if self.venue is not None:
            return self.venue.location_line()
        parts = [self.venue_name, self.venue_address]
        if self.venue_city and self.venue_city not in self.venue_address:
            parts.append(self.venue_city)
        return ", ".join(part for part in parts if part)

    @property
    def is_open(self) -> bool:
        """Waiting for a moderator (pending) or for the submitter (returned)."""
        return self.status in (SubmissionStatus.PENDING, SubmissionStatus.RETURNED)


class Moderator(db.Model):
    """A user an administrator named to moderate the submissions of one country."""

    __tablename__ = "moderators"
    __table_args__ = (UniqueConstraint("user_id", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    named_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @validates("country")
    def _check_country(self, _key: str, value: str) -> str:
        return normalise_country(value)
