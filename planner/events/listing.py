"""One page of the public listing of events (upcoming, or the archive), in the same order and
with the same events as counting from the start would give, at the cost of page 1 however deep.

The page index (planner/pagination.py) is remembered per data version, filter set and
"period": the listing's rows change with a write (the data version) and when an event's end
passes (it leaves the upcoming listing and joins the archive), so the next end still to come
names the period. All three are read in one query.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select

from planner.dataversion import DataVersion
from planner.db import now_utc
from planner.events.filters import EventFilters
from planner.events.models import Event
from planner.events.queries import past_events, upcoming_events
from planner.extensions import db
from planner.pagination import Ordering, paginate_by_key

# The orders of upcoming_events() and past_events().
UPCOMING = Ordering(((Event.starts_at, False), (Event.id, False)))
PAST = Ordering(((Event.starts_at, True), (Event.id, False)))


def _filter_key(filters: EventFilters) -> str:
    """The filters as a short key: by ids, so that filters fixed by the path count too."""
    parts = (
        "past" if filters.past else "upcoming",
        filters.country or "",
        filters.commemoration.id if filters.commemoration is not None else "",
        filters.organisation.id if filters.organisation is not None else "",
        filters.venue.id if filters.venue is not None else "",
        filters.date_from.isoformat() if filters.date_from else "",
        filters.date_to.isoformat() if filters.date_to else "",
        filters.text or "",
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _period_and_version(now: datetime) -> str:
    next_end = select(func.min(Event.ends_at)).where(Event.ends_at >= now).scalar_subquery()
    row = db.session.execute(
        select(
            next_end,
            select(DataVersion.version).scalar_subquery(),
            select(DataVersion.epoch).scalar_subquery(),
        )
    ).one()
    moment, version, epoch = row
    return f"{epoch or 'none'}:{version or 0}:{moment or 'none'}"


def listing_page(
    filters: EventFilters, page: int, per_page: int, now: datetime | None = None
) -> Pagination:
    """Page `page` of the public events `filters` choose: upcoming soonest first, or the
    archive (filters.past) most recent first."""
    now = now or now_utc()
    query = filters.apply(past_events(now) if filters.past else upcoming_events(now))
    return paginate_by_key(
        query,
        page,
        per_page,
        ordering=PAST if filters.past else UPCOMING,
        cache_key=f"events:{_period_and_version(now)}:{_filter_key(filters)}",
    )
