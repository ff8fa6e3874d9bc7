"""Per-event fragments: each public event's VEVENT, serialised and folded, per language.

A fragment is stored in the database (shared by every worker and host) beside what it was
rendered from: the event's own version and the last changes of its venue, its commemoration
and its organisations, and the rendering context (base URL, catalogues, format, cache epoch).
A feed asks the database, in one query, for the events whose fragment is missing or differs in
any of these; only those are rendered from ORM objects (a write renders its own events'
already: planner.feeds.written). The bodies are then streamed in feed order by one more query,
never all held at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from sqlalchemy import ForeignKey, LargeBinary, Select, String, and_, func, not_, select
from sqlalchemy.orm import Mapped, mapped_column, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from planner.commemorations.models import Commemoration
from planner.db import UTCDateTime
from planner.events.models import Event, EventOrganisation
from planner.extensions import db
from planner.feeds.storage import upsert
from planner.feeds.timezones import timezones_for_spans
from planner.organisations.models import Organisation
from planner.venues.models import Venue

# Rebuilt in batches of this many events: bounded memory however large the feed.
BATCH = 500
# Fragments are read back this many at a time (a round trip each): about 1.5 MB.
STREAM_BATCH = 2000
# The venues, commemorations and organisations loaded for a feed's events, by model and id.
Shared = dict[type, dict[int, Any]]


class FeedFragment(db.Model):
    """One event's VEVENT in one language, as the bytes a feed holds."""

    __tablename__ = "feed_fragments"
    # A cache, rebuilt on demand: never in a backup.
    __table_args__ = {"info": {"backup": False}}

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    # What the bytes were rendered from: the rendering context (a digest of the base URL,
    # catalogues, format and cache epoch), the event's version and the last changes of its
    # venue, commemoration and organisations. A fragment that differs in any is stale.
    context: Mapped[str] = mapped_column(String(64))
    event_version: Mapped[int]
    venue_changed: Mapped[datetime | None] = mapped_column(UTCDateTime)
    commemoration_changed: Mapped[datetime | None] = mapped_column(UTCDateTime)
    organisations_changed: Mapped[datetime | None] = mapped_column(UTCDateTime)
    body: Mapped[bytes] = mapped_column(LargeBinary)


# What a fragment whose dependencies are unknown holds: stale for every feed.
UNKNOWN = {
    "context": "-",
    "event_version": -1,
    "venue_changed": None,
    "commemoration_changed": None,
    "organisations_changed": None,
}
DEPENDENCIES = tuple(UNKNOWN)


def _organisations_changed():
    return (
        select(func.max(Organisation.updated_at))
        .join(EventOrganisation, EventOrganisation.organisation_id == Organisation.id)
        .where(EventOrganisation.event_id == Event.id)
        .correlate(Event)
        .scalar_subquery()
    )


def context_key(context: str) -> str:
    return hashlib.sha256(context.encode()).hexdigest()


def stale(selection: Select, lang: str, context: str) -> dict[int, dict]:
    """The selected events whose stored fragment is missing or stale, each with what a new
    one depends on (the columns of `DEPENDENCIES`).

    `selection` is a select of events (its conditions are kept, its columns and order
    replaced). The database compares each fragment's dependencies with the event's, column
    by column: one query, which returns no row for the events whose fragment is current.
    """
    organisations_changed = _organisations_changed()
    key = context_key(context)
    current = and_(
        FeedFragment.context.is_not_distinct_from(key),
        FeedFragment.event_version.is_not_distinct_from(Event.version),
        FeedFragment.venue_changed.is_not_distinct_from(Venue.updated_at),
        FeedFragment.commemoration_changed.is_not_distinct_from(Commemoration.updated_at),
        FeedFragment.organisations_changed.is_not_distinct_from(organisations_changed),
    )
    query = (
        selection.with_only_columns(
            Event.id,
            Event.version,
            Venue.updated_at,
            Commemoration.updated_at,
            organisations_changed,
        )
        .join(Venue, Venue.id == Event.venue_id)
        .outerjoin(Commemoration, Commemoration.id == Event.commemoration_id)
        .outerjoin(FeedFragment, _fragment_of(lang))
        .where(not_(current))
        .order_by(None)
    )
    found = {}
    for event_id, version, venue, commemoration, organisations in db.session.execute(
        query.execution_options(yield_per=BATCH)
    ):
        found[event_id] = {
            "context": key,
            "event_version": version,
            "venue_changed": venue,
            "commemoration_changed": commemoration,
            "organisations_changed": organisations,
        }
    return found


def _fragment_of(lang: str):
    return and_(FeedFragment.event_id == Event.id, FeedFragment.lang == lang)


def feed_order() -> tuple:
    """By start, then UID in code point order, as a full build sorts them in Python:
    PostgreSQL compares UIDs by their bytes only in the C collation (SQLite always does)."""
    uid = Event.uid
    if db.session.get_bind().dialect.name == "postgresql":
        uid = uid.collate("C")
    return (Event.starts_at, uid)


def timezones(selection: Select) -> list[bytes]:
    """The VTIMEZONEs of the selected events, as bytes, from each zone's earliest and latest
    time (one query); a zone whose earliest or latest time falls in a repeated hour reads all
    of its."""
    spans = db.session.execute(
        selection.with_only_columns(
            Event.timezone,
            func.min(Event.starts_at),
            func.max(Event.starts_at),
            func.min(Event.ends_at),
            func.max(Event.ends_at),
        )
        .group_by(Event.timezone)
        .order_by(None)
    ).all()

    def moments_of(zone_name: str) -> list[datetime]:
        rows = db.session.execute(
            selection.with_only_columns(Event.starts_at, Event.ends_at)
            .where(Event.timezone == zone_name)
            .order_by(None)
        )
        return [moment for row in rows for moment in row]

    return timezones_for_spans(
        [
            (zone, min(first_start, first_end), max(last_start, last_end))
            for zone, first_start, last_start, first_end, last_end in spans
        ],
        moments_of,
    )


def complete(missing: dict[int, dict], lang: str, render) -> None:
    """Render and store the fragments of `missing` (event id: dependencies), a batch at a
    time.

    `render(event, lang)` gives a VEVENT's bytes; it is called in the feed's locale. The
    fragments are not kept: `bodies` reads them back in feed order.
    """
    ids = list(missing)
    # Venues, organisations and commemorations are shared by many events: held across the
    # batches, each is loaded once, not again for every batch that shows it.
    shared: Shared = {}
    for start in range(0, len(ids), BATCH):
        chunk = {key: missing[key] for key in ids[start : start + BATCH]}
        _render_and_store(chunk, lang, render, shared)


def bodies(selection: Select, lang: str, render) -> Iterator[bytes]:
    """The selected events' fragments in feed order, streamed by one query (bounded memory
    however large the feed). One missing here (deleted by another worker since `complete`)
    is rendered again."""
    query = (
        selection.with_only_columns(Event.id, FeedFragment.body)
        .outerjoin(FeedFragment, _fragment_of(lang))
        .order_by(None)
        .order_by(*feed_order())
    )
    for event_id, body in db.session.execute(query.execution_options(yield_per=STREAM_BATCH)):
        if body is None:  # stored as stale, so that the next build renders it again
            body = _render_and_store({event_id: UNKNOWN}, lang, render).get(event_id)
        if body is not None:  # else the event itself is gone
            yield body


def _render_and_store(
    dependencies: dict[int, dict], lang: str, render, shared: Shared | None = None
) -> dict[int, bytes]:
    """Render the events of `dependencies` (id: dependencies) and store their fragments."""
    built: dict[int, bytes] = {}
    events = (
        db.session.execute(
            select(Event).where(Event.id.in_(list(dependencies))).options(selectinload(Event.hosts))
        )
        .scalars()
        .all()
    )
    _load_related(events, {} if shared is None else shared)
    rows = []
    with force_locale(lang):
        for event in events:
            body = render(event, lang)
            built[event.id] = body
            rows.append(
                {"event_id": event.id, "lang": lang, **dependencies[event.id], "body": body}
            )
    # In one order everywhere, so that two workers storing the same rows never deadlock.
    rows.sort(key=lambda row: row["event_id"])
    upsert(FeedFragment, rows, ("event_id", "lang"), (*DEPENDENCIES, "body"))
    return built


def _load_related(events: list[Event], shared: Shared) -> None:
    """Load the venues, commemorations and organisations `events` show that `shared` does not
    hold yet, one query for each kind, hold them there, and set them on the events as loaded.

    Set, not left to each attribute's lazy loader: it would find the same object in the
    session's identity map, at a cost of a tenth of a render at 25,000 events."""
    needed = {
        Venue: {event.venue_id for event in events},
        Commemoration: {event.commemoration_id for event in events} - {None},
        Organisation: {link.organisation_id for event in events for link in event.hosts},
    }
    for model, ids in needed.items():
        held = shared.setdefault(model, {})
        new = ids - held.keys()
        if new:
            for item in db.session.execute(select(model).where(model.id.in_(new))).scalars():
                held[item.id] = item
    venues, commemorations = shared[Venue], shared[Commemoration]
    organisations = shared[Organisation]
    for event in events:
        set_committed_value(event, "venue", venues[event.venue_id])
        set_committed_value(event, "commemoration", commemorations.get(event.commemoration_id))
        for link in event.hosts:
            set_committed_value(link, "organisation", organisations[link.organisation_id])
