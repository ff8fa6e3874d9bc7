"""Events: vigils, flower-layings and services, with their organisers and lifecycle."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    DDL,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from planner.commemorations.models import Commemoration
from planner.countries import validate_timezone
from planner.db import JSONType, UTCDateTime, ValidationError, now_utc, postgresql_only
from planner.extensions import db
from planner.i18n import clean_texts, country_languages, pick
from planner.organisations.models import Organisation
from planner.slugs import validate_slug
from planner.venues.models import Venue


def _enum(cls: type[enum.Enum], length: int) -> Enum:
    # Stored as plain strings (no native PostgreSQL enum), so adding a value needs no DDL.
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"


PUBLIC_STATUSES = (EventStatus.SCHEDULED, EventStatus.POSTPONED, EventStatus.CANCELLED)


class EventKind(enum.StrEnum):
    VIGIL = "vigil"
    FLOWER_LAYING = "flower-laying"
    CANDLE_LIGHTING = "candle-lighting"
    MEMORIAL_SERVICE = "memorial-service"
    READING_OF_NAMES = "reading-of-names"
    PROCESSION = "procession"
    EXHIBITION_OPENING = "exhibition-opening"
    SCREENING = "screening"
    LECTURE = "lecture"
    OTHER = "other"


class HostRole(enum.StrEnum):
    HOST = "host"
    COHOST = "co-host"


class Event(db.Model):
    """One event at one venue, organised by one or more organisations."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        # The upcoming listings and the feeds select by end and order by start; the listing
        # pages skip earlier pages in the second index alone (it holds what they filter on).
        Index("ix_events_ends_at_starts_at", "ends_at", "starts_at"),
        Index("ix_events_starts_at_id", "starts_at", "id", "ends_at", "status"),
        # The text filter looks for a piece of text anywhere in `search_text`: on PostgreSQL
        # trigrams (pg_trgm) find the few events holding it instead of reading every event.
        postgresql_only(
            Index(
                "ix_events_search_text_trgm",
                "search_text",
                postgresql_using="gin",
                postgresql_ops={"search_text": "gin_trgm_ops"},
            )
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    # The iCalendar UID: set once at creation, never changed, never reused.
    uid: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[dict[str, str]] = mapped_column(JSONType)
    # Markdown per language, sanitised when rendered.
    description: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    # Titles and descriptions in every language, case-folded: what the text filter searches.
    # Never read in Python: not loaded with the event (as long as the rest of the row).
    search_text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind, 30), default=EventKind.VIGIL)
    commemoration_id: Mapped[int | None] = mapped_column(
        ForeignKey("commemorations.id", ondelete="SET NULL"), index=True
    )
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The IANA zone the event is held in (from its venue when planned).
    timezone: Mapped[str] = mapped_column(String(64))
    # Local calendar dates of the start and end, kept in step on every write: date filters
    # compare with the day as people at the venue see it.
    local_start_date: Mapped[date] = mapped_column(Date, index=True)
    local_end_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[EventStatus] = mapped_column(
        _enum(EventStatus, 12), default=EventStatus.DRAFT, index=True
    )
    # Shown to the public with a postponement or a cancellation.
    status_note: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    # When postponed to a new time: the start it had before (schema.org previousStartDate).
    previous_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # iCalendar SEQUENCE: 0 when first published, +1 for each published change of time,
    # place or status.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: SQLAlchemy refuses an UPDATE whose version is stale.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __mapper_args__ = {"version_id_col": version}

    commemoration: Mapped[Commemoration | None] = relationship()
    venue: Mapped[Venue] = relationship()
    hosts: Mapped[list[EventOrganisation]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="EventOrganisation.position",
    )
    updated_by = relationship("User", foreign_keys=[updated_by_id])

    def __init__(self, **kwargs):
        kwargs.setdefault("uid", f"{uuid.uuid4()}@remembrance-planner")
        super().__init__(**kwargs)

    @validates("slug")
    def _check_slug(self, _key: str, value: str) -> str:
        return validate_slug(value)

    @validates("uid")
    def _check_uid(self, _key: str, value: str) -> str:
        if self.uid is not None and value != self.uid:
            raise ValidationError("uid", "an event's UID never changes")
        return value

    @validates("title")
    def _check_title(self, _key: str, value: dict[str, str]) -> dict[str, str]:
        cleaned = clean_texts("title", value, required=True)
        self._refresh_search_text(cleaned, self.description)
        return cleaned

    @validates("description")
    def _check_description(self, _key: str, value: dict[str, str]) -> dict[str, str]:
        cleaned = clean_texts("description", value, required=False)
        self._refresh_search_text(self.title, cleaned)
        return cleaned

    def _refresh_search_text(self, title: dict | None, description: dict | None) -> None:
        texts = [*(title or {}).values(), *(description or {}).values()]
        self.search_text = "\n".join(texts).casefold()

    @validates("status_note")
    def _check_note(self, _key: str, value: dict[str, str]) -> dict[str, str]:
        return clean_texts("status_note", value, required=False)

    @validates("timezone")
    def _check_timezone(self, _key: str, value: str) -> str:
        return validate_timezone(value)

    @validates("starts_at", "ends_at", "previous_starts_at")
    def _check_instant(self, key: str, value: datetime | None) -> datetime | None:
        if value is None:
            if key == "previous_starts_at":
                return None
            raise ValidationError(key, "is required")
        if value.tzinfo is None:
            raise ValidationError(key, "must be time-zone-aware")
        other = {"starts_at": self.ends_at, "ends_at": self.starts_at}.get(key)
        if other is not None and not self.__dict__.get("_setting_times"):
            start, end = (value, other) if key == "starts_at" else (other, value)
            if end < start:
                raise ValidationError("ends_at", _l("the end must not be before the start"))
        return value

    def set_times(self, starts_at: datetime, ends_at: datetime) -> None:
        """Move the event; the pair is checked together, not each against the old other."""
        if starts_at is None or ends_at is None:
            raise ValidationError("starts_at", _l("a start and an end are required"))
        if ends_at < starts_at:
            raise ValidationError("ends_at", _l("the end must not be before the start"))
        self.__dict__["_setting_times"] = True
        try:
            self.starts_at, self.ends_at = starts_at, ends_at
        finally:
            self.__dict__.pop("_setting_times", None)

    def __repr__(self) -> str:
        return f"<Event {self.slug} {self.status}>"

    def original_languages(self) -> tuple[str, ...]:
        """The languages the event's texts were most likely written in: its venue's country's."""
        return country_languages([self.venue.country]) if self.venue is not None else ()

    def display_title(self, lang: str | None = None) -> str:
        return pick(self.title, lang, self.original_languages())

    def display_description(self, lang: str | None = None) -> str:
        return pick(self.description, lang, self.original_languages())

    def display_note(self, lang: str | None = None) -> str:
        return pick(self.status_note, lang, self.original_languages())

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
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_rescheduled(self) -> bool:
        """Postponed to a known new time (as opposed to postponed with no new time yet)."""
        return self.status == EventStatus.POSTPONED and self.previous_starts_at is not None

    @property
    def organisations(self) -> list[Organisation]:
        return [host.organisation for host in self.hosts]

    @property
    def anniversary(self) -> int | None:
        if self.commemoration is None:
            return None
        return self.commemoration.anniversary(self.local_start.date())


# The trigram index's operator class comes with pg_trgm (a trusted extension: the database's
# owner may create it); the migration that made the index creates it too.
event.listen(
    Event.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)


@event.listens_for(Event, "before_insert")
@event.listens_for(Event, "before_update")
def _keep_local_dates(_mapper, _connection, target: Event) -> None:
    target.local_start_date = target.local_start.date()
    target.local_end_date = target.local_end.date()


class EventOrganisation(db.Model):
    """An organisation organising an event, as its host or a co-host."""

    __tablename__ = "event_organisations"
    __table_args__ = (UniqueConstraint("event_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[HostRole] = mapped_column(_enum(HostRole, 10), default=HostRole.HOST)
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="hosts")
    organisation: Mapped[Organisation] = relationship()
