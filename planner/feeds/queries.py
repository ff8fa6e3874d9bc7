"""Which events a feed holds: public ones that ended within the window, and every future one."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select

from planner.events.filters import EventFilters
from planner.events.models import PUBLIC_STATUSES, Event
from planner.events.queries import with_details


def window_start(today: date, past_days: int) -> datetime:
    """The earliest end an event in a feed may have: midnight UTC, `past_days` before today.

    Counted from the start of the day, so a feed changes with the date, not with every
    second, and can be cached for the day.
    """
    return datetime.combine(today - timedelta(days=past_days), time(), UTC)


def public_selection() -> Select[tuple[Event]]:
    """Every public event (never drafts), without loading anything beside the rows."""
    return select(Event).where(Event.status.in_(PUBLIC_STATUSES))


def feed_selection(
    filters: EventFilters | None, today: date, past_days: int
) -> Select[tuple[Event]]:
    """Public events in the feed window, narrowed by the listing filters, in feed order.

    Cancelled events stay in, marked cancelled, until they leave the window like any other.
    With `when=past`, only those already over (before today) remain.
    """
    query = public_selection().where(Event.ends_at >= window_start(today, past_days))
    if filters is not None:
        query = filters.apply(query)
        if filters.past:
            query = query.where(Event.ends_at < datetime.combine(today, time(), UTC))
    return query.order_by(Event.starts_at, Event.uid)


def feed_events(filters: EventFilters | None, today: date, past_days: int) -> Select[tuple[Event]]:
    """The same events as ORM objects with what a VEVENT shows (a build from scratch)."""
    return with_details(feed_selection(filters, today, past_days))
