"""Reading events: the public selection, upcoming and past, clashes at a venue."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from planner.db import now_utc
from planner.events.models import PUBLIC_STATUSES, Event, EventOrganisation, EventStatus


def with_details(query: Select) -> Select:
    """Eager-load what every listing shows, so a page costs a fixed number of queries."""
    return query.options(
        selectinload(Event.venue),
        selectinload(Event.commemoration),
        selectinload(Event.hosts).selectinload(EventOrganisation.organisation),
    )


def with_page_details(query: Select) -> Select:
    """What a public page shows of each event, in two queries whatever the page's length: the
    venue and day of remembrance joined to the events (one each), the hosts and their
    organisations in a second query. Each further query costs a page more than its rows."""
    return query.options(
        joinedload(Event.venue),
        joinedload(Event.commemoration),
        selectinload(Event.hosts).joinedload(EventOrganisation.organisation),
    )


def public_events() -> Select[tuple[Event]]:
    """Every event the public may see: scheduled, postponed and cancelled; never drafts."""
    return with_page_details(select(Event).where(Event.status.in_(PUBLIC_STATUSES)))


def upcoming_events(now: datetime | None = None) -> Select[tuple[Event]]:
    """Public events not yet over, soonest first.

    The earliest start among them (read from the (ends_at, starts_at) index alone) bounds the
    start too, so the walk in start order begins there instead of at the oldest past event.
    """
    now = now or now_utc()
    earliest = select(func.min(Event.starts_at)).where(Event.ends_at >= now).scalar_subquery()
    return (
        public_events()
        .where(Event.ends_at >= now, Event.starts_at >= earliest)
        .order_by(Event.starts_at, Event.id)
    )


def past_events(now: datetime | None = None) -> Select[tuple[Event]]:
    """Public events that are over, most recent first."""
    now = now or now_utc()
    return public_events().where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id)


def overlapping(event: Any, starts_at: Any, ends_at: Any) -> ColumnElement[bool]:
    """`event`'s time overlaps [starts_at, ends_at); two events starting together always do
    (even one of no length)."""
    return and_(
        event.starts_at < ends_at, or_(event.ends_at > starts_at, event.starts_at == starts_at)
    )


def clashes(
    venue_id: int, starts_at: datetime, ends_at: datetime, exclude_event_id: int | None = None
) -> Select[tuple[Event]]:
    """Scheduled or postponed events at the venue whose time overlaps [starts_at, ends_at)."""
    query = with_details(
        select(Event).where(
            Event.venue_id == venue_id,
            Event.status.in_((EventStatus.SCHEDULED, EventStatus.POSTPONED)),
            overlapping(Event, starts_at, ends_at),
        )
    ).order_by(Event.starts_at)
    if exclude_event_id is not None:
        query = query.where(Event.id != exclude_event_id)
    return query


def clashing_pairs(event_ids: Select, now: datetime | None = None) -> Select[tuple[Event, Event]]:
    """(event, other) pairs: each not-yet-over, not-cancelled event among `event_ids` with a
    scheduled or postponed other event at the same venue at an overlapping time."""
    now = now or now_utc()
    other = aliased(Event, name="other_event")
    return (
        select(Event, other)
        .join(
            other,
            and_(
                other.venue_id == Event.venue_id,
                other.id != Event.id,
                other.status.in_((EventStatus.SCHEDULED, EventStatus.POSTPONED)),
                overlapping(other, Event.starts_at, Event.ends_at),
            ),
        )
        .where(
            Event.id.in_(event_ids),
            Event.status != EventStatus.CANCELLED,
            Event.ends_at >= now,
        )
        .options(
            selectinload(Event.venue),
            selectinload(Event.hosts).selectinload(EventOrganisation.organisation),
            selectinload(other.hosts).selectinload(EventOrganisation.organisation),
        )
        .order_by(Event.starts_at, Event.id, other.starts_at, other.id)
    )


def events_on_day(day: date, also_visible: Select | None = None) -> Select[tuple[Event]]:
    """Events held on `day` (a local date at their venue): the public ones, plus the drafts
    among `also_visible` (the ids the reader may edit)."""
    visible = Event.status.in_(PUBLIC_STATUSES)
    if also_visible is not None:
        visible = or_(visible, Event.id.in_(also_visible))
    return (
        with_details(select(Event))
        .where(Event.local_start_date <= day, Event.local_end_date >= day, visible)
        .order_by(Event.starts_at, Event.id)
    )
