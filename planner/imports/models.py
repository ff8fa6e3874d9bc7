"""Which event an imported calendar entry became, per organisation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import UTCDateTime, now_utc
from planner.events.models import Event
from planner.extensions import db


class ImportedEvent(db.Model):
    """A source entry (its UID, and the occurrence of a recurring one) and the event it made."""

    __tablename__ = "imported_events"
    __table_args__ = (UniqueConstraint("organisation_id", "source_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    # sha256 of the source UID and the occurrence's start (empty for a single event): UIDs
    # from other calendars may be of any length.
    source_key: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    event: Mapped[Event] = relationship()
