"""Which events a feed holds: public ones that ended within the window, and every future one."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select

from planner.events.filters import EventFilters
from planner.events.models import Event
from planner.events.queries import public_events


def window_start(today: date, past_days: int) -> datetime:
    """The earliest end an event in a feed may have: midnight UTC, `past_days` before today.

    Counted from the start of the day, so a feed changes with the date, not with every
    second, and can be cached for the day.
    """
    return datetime.combine(today - timedelta(days=past_days), time(), UTC)


def feed_events(filters: EventFilters | None, today: date, past_days: int) -> Select[tuple[Event]]:
    """Public events (never drafts) in the feed window, narrowed by the listing filters.

    Cancelled events stay in, marked cancelled, until they leave the window like any other.
    With `when=past`, only those already over (before today) remain.
    """
    query = public_events().where(Event.ends_at >= window_start(today, past_days))
    if filters is not None:
        query = filters.apply(query)
        if filters.past:
            query = query.where(Event.ends_at < datetime.combine(today, time(), UTC))
    return query.order_by(Event.starts_at, Event.uid)
