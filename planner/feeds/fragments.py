"""Per-event fragments: each public event's VEVENT, serialised and folded, per language.

A fragment is stored in the database (shared by every worker and host) under a key made of
what it depends on: the event's own version and the last changes of its venue, its
commemoration and its organisations, plus the rendering context (base URL, catalogues, cache
epoch). A feed reads the keys of its events in one query; only the fragments whose key no longer
matches are rebuilt from ORM objects, so one edit rebuilds one event's. The bodies are then
streamed in feed order by one more query, never all held at once.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import datetime

from flask_babel import force_locale
from icalendar import Timezone
from sqlalchemy import (
    ForeignKey,
    LargeBinary,
    Select,
    String,
    and_,
    cast,
    event,
    func,
    literal,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.functions import FunctionElement

from planner.commemorations.models import Commemoration
from planner.events.models import Event, EventOrganisation
from planner.events.queries import with_details
from planner.extensions import db
from planner.feeds.storage import upsert
from planner.feeds.timezones import timezones_for_spans
from planner.organisations.models import Organisation
from planner.venues.models import Venue

# Rebuilt in batches of this many events: bounded memory however large the feed.
BATCH = 500
# Fragments are read back this many at a time (a round trip each): about 1.5 MB.
STREAM_BATCH = 2000


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


def _organisations_changed():
    return (
        select(func.max(Organisation.updated_at))
        .join(EventOrganisation, EventOrganisation.organisation_id == Organisation.id)
        .where(EventOrganisation.event_id == Event.id)
        .correlate(Event)
        .scalar_subquery()
    )


def _as_text(column):
    """A moment as the database writes it, unconverted: only compared, so never read as a
    datetime (a feed of 50,000 events would otherwise convert 150,000 of them)."""
    return func.coalesce(cast(column, String), "-")


class sha256_hex(FunctionElement):
    """The SHA-256 of a text, in hexadecimal, computed by the database."""

    type = String()
    inherit_cache = True


@compiles(sha256_hex, "postgresql")
def _sha256_on_postgresql(element, compiler, **kw) -> str:
    return f"encode(sha256(convert_to({compiler.process(element.clauses, **kw)}, 'UTF8')), 'hex')"


@compiles(sha256_hex)
def _sha256_elsewhere(element, compiler, **kw) -> str:
    return f"sha256_hex({compiler.process(element.clauses, **kw)})"


@event.listens_for(Engine, "connect")
def _add_sha256_to_sqlite(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(
            "sha256_hex",
            1,
            lambda text: None if text is None else hashlib.sha256(text.encode()).hexdigest(),
            deterministic=True,
        )


def _dependencies(context: str):
    """The digest of what an event's fragment depends on, as SQL: the rendering context and
    the event's version and the moments its venue, commemoration and organisations last
    changed. Computed and compared by the database, so a feed reads back only the events
    whose fragment is stale, not a row for each of its events."""
    parts = [
        literal(context, String),
        cast(Event.id, String),
        cast(Event.version, String),
        _as_text(Venue.updated_at),
        _as_text(Commemoration.updated_at),
        _as_text(_organisations_changed()),
    ]
    text = parts[0]
    for part in parts[1:]:
        text = text + literal("|", String) + part
    return sha256_hex(text)


def stale(selection: Select, lang: str, context: str) -> dict[int, str]:
    """The selected events whose stored fragment is missing or stale, each with the digest
    of what a new one depends on.

    `selection` is a select of events (its conditions are kept, its columns and order
    replaced). The database compares the digests: one query, which returns no row for the
    events whose fragment is current, and a second only when some are stale (asking for the
    digest in the same query would make the database compute it twice for every event).
    """
    query = (
        selection.join(Venue, Venue.id == Event.venue_id)
        .outerjoin(Commemoration, Commemoration.id == Event.commemoration_id)
        .outerjoin(FeedFragment, _fragment_of(lang))
        .where(FeedFragment.dependencies.is_distinct_from(_dependencies(context)))
        .order_by(None)
    )
    found = db.session.execute(query.with_only_columns(Event.id)).scalars().all()
    if not found:
        return {}
    digests = (
        selection.with_only_columns(Event.id, _dependencies(context))
        .join(Venue, Venue.id == Event.venue_id)
        .outerjoin(Commemoration, Commemoration.id == Event.commemoration_id)
        .order_by(None)
    )
    wanted = {}
    for start in range(0, len(found), STREAM_BATCH):
        chunk = found[start : start + STREAM_BATCH]
        rows = db.session.execute(digests.where(Event.id.in_(chunk)))
        wanted.update({event_id: digest for event_id, digest in rows})
    return wanted


def _fragment_of(lang: str):
    return and_(FeedFragment.event_id == Event.id, FeedFragment.lang == lang)


def feed_order() -> tuple:
    """By start, then UID in code point order, as a full build sorts them in Python:
    PostgreSQL compares UIDs by their bytes only in the C collation (SQLite always does)."""
    uid = Event.uid
    if db.session.get_bind().dialect.name == "postgresql":
        uid = uid.collate("C")
    return (Event.starts_at, uid)


def timezones(selection: Select) -> list[Timezone]:
    """The VTIMEZONEs of the selected events, from each zone's earliest and latest time (one
    query); a zone whose earliest or latest time falls in a repeated hour reads all of its."""
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


def complete(missing: dict[int, str], lang: str, render) -> None:
    """Render and store the fragments of `missing` (event id: digest), a batch at a time.

    `render(event, lang)` gives a VEVENT's bytes; it is called in the feed's locale. The
    fragments are not kept: `bodies` reads them back in feed order.
    """
    ids = list(missing)
    # Venues, organisations and commemorations are shared by many events: held across the
    # batches, they are loaded once, not again for each batch.
    shared: set = set()
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
        if body is None:  # stored as stale ("-"), so that the next build renders it again
            body = _render_and_store({event_id: "-"}, lang, render).get(event_id)
        if body is not None:  # else the event itself is gone
            yield body


def _render_and_store(
    digests: dict[int, str], lang: str, render, shared: set | None = None
) -> dict[int, bytes]:
    """Render the events of `digests` (id: dependencies) and store their fragments; the
    venues, organisations and commemorations they show are added to `shared`."""
    built: dict[int, bytes] = {}
    events = db.session.execute(with_details(select(Event)).where(Event.id.in_(list(digests))))
    rows = []
    with force_locale(lang):
        for event in events.scalars():
            body = render(event, lang)
            built[event.id] = body
            if shared is not None:
                shared.add(event.venue)
                shared.add(event.commemoration)
                shared.update(link.organisation for link in event.hosts)
            rows.append(
                {
                    "event_id": event.id,
                    "lang": lang,
                    "dependencies": digests[event.id],
                    "body": body,
                }
            )
    # In one order everywhere, so that two workers storing the same rows never deadlock.
    rows.sort(key=lambda row: row["event_id"])
    upsert(FeedFragment, rows, ("event_id", "lang"), ("dependencies", "body"))
    return built
