"""Per-event fragments: each public event's VEVENT, serialised and folded, per language.

A fragment is stored in the database (shared by every worker and host) under a key made of
what it depends on: the event's own version and the last changes of its venue, its
commemoration and its organisations, plus the rendering context (base URL, catalogues, cache
epoch). A feed reads the keys and bytes of its events in one query; only the fragments whose
key no longer matches are rebuilt from ORM objects, so one edit rebuilds one event's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import ForeignKey, LargeBinary, Select, String, and_, func, select
from sqlalchemy.orm import Mapped, mapped_column

from planner.commemorations.models import Commemoration
from planner.events.models import Event, EventOrganisation
from planner.events.queries import with_details
from planner.extensions import db
from planner.feeds.storage import upsert
from planner.organisations.models import Organisation
from planner.venues.models import Venue

# Rebuilt in batches of this many events: bounded memory however large the feed.
BATCH = 500


class FeedFragment(db.Model):
    """One event's VEVENT in one language, as the bytes a feed holds."""

    __tablename__ = "feed_fragments"
    # A cache, rebuilt on demand: never in a backup.
    __table_args__ = {"info": {"backup": False}}

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    # A digest of everything the bytes depend on; a mismatch means the fragment is stale.
    dependencies: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)


@dataclass(frozen=True)
class Entry:
    """What a feed needs of one event without loading it: its place, zone and fragment."""

    event_id: int
    uid: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    dependencies: str
    body: bytes | None


def _organisations_changed():
    return (
        select(func.max(Organisation.updated_at))
        .join(EventOrganisation, EventOrganisation.organisation_id == Organisation.id)
        .where(EventOrganisation.event_id == Event.id)
        .correlate(Event)
        .scalar_subquery()
    )


def _digest(context: str, row) -> str:
    moments = (row.venue_changed, row.commemoration_changed, row.organisations_changed)
    parts = [context, str(row.id), str(row.version)]
    parts += [moment.isoformat() if moment else "-" for moment in moments]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def entries(selection: Select, lang: str, context: str) -> list[Entry]:
    """The feed's events in feed order, each with its fragment when that is current.

    `selection` is a select of events (its conditions are kept, its columns replaced): one
    query, no ORM objects.
    """
    query = (
        selection.with_only_columns(
            Event.id,
            Event.uid,
            Event.starts_at,
            Event.ends_at,
            Event.timezone,
            Event.version,
            Venue.updated_at.label("venue_changed"),
            Commemoration.updated_at.label("commemoration_changed"),
            _organisations_changed().label("organisations_changed"),
            FeedFragment.dependencies,
            FeedFragment.body,
        )
        .join(Venue, Venue.id == Event.venue_id)
        .outerjoin(Commemoration, Commemoration.id == Event.commemoration_id)
        .outerjoin(FeedFragment, and_(FeedFragment.event_id == Event.id, FeedFragment.lang == lang))
    )
    found = []
    for row in db.session.execute(query.execution_options(yield_per=BATCH)):
        digest = _digest(context, row)
        current = row.body if row.dependencies == digest else None
        found.append(
            Entry(row.id, row.uid, row.starts_at, row.ends_at, row.timezone, digest, current)
        )
    # Python's order, as a full build sorts: the database's collation may order UIDs otherwise.
    found.sort(key=lambda entry: (entry.starts_at, entry.uid))
    return found


def complete(found: Sequence[Entry], lang: str, render) -> list[bytes]:
    """Every entry's fragment: the stored ones, and the missing ones rendered and stored.

    `render(event, lang)` gives a VEVENT's bytes; it is called in the feed's locale.
    """
    missing = {entry.event_id: entry for entry in found if entry.body is None}
    built: dict[int, bytes] = {}
    ids = list(missing)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        events = db.session.execute(with_details(select(Event)).where(Event.id.in_(chunk)))
        rows = []
        with force_locale(lang):
            for event in events.scalars():
                body = render(event, lang)
                built[event.id] = body
                rows.append(
                    {
                        "event_id": event.id,
                        "lang": lang,
                        "dependencies": missing[event.id].dependencies,
                        "body": body,
                    }
                )
        # In one order everywhere, so that two workers storing the same rows never deadlock.
        rows.sort(key=lambda row: row["event_id"])
        upsert(FeedFragment, rows, ("event_id", "lang"), ("dependencies", "body"))
    return [entry.body if entry.body is not None else built[entry.event_id] for entry in found]


def fragments_built(found: Iterable[Entry]) -> int:
    """How many of `found` had no current fragment (for tests and the bench)."""
    return sum(1 for entry in found if entry.body is None)
