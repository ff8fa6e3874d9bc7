"""Reading events: the public selection, upcoming and past, clashes at a venue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from planner.db import now_utc
from planner.events.models import PUBLIC_STATUSES, Event, EventOrganisation, EventStatus


def with_details(query: Select) -> Select:
    """Eager-load what every listing shows, so a page costs a fixed number of queries."""
    return query.options(
        selectinload(Event.venue),
        selectinload(Event.commemoration),
        selectinload(Event.hosts).selectinload(EventOrganisation.organisation),
    )


def public_events() -> Select[tuple[Event]]:
    """Every event the public may see: scheduled, postponed and cancelled; never drafts."""
    return with_details(select(Event).where(Event.status.in_(PUBLIC_STATUSES)))


def upcoming_events(now: datetime | None = None) -> Select[tuple[Event]]:
    """Public events not yet over, soonest first."""
    now = now or now_utc()
    return public_events().where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)


def past_events(now: datetime | None = None) -> Select[tuple[Event]]:
    """Public events that are over, most recent first."""
    now = now or now_utc()
    return public_events().where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id)


def clashes(
    venue_id: int, starts_at: datetime, ends_at: datetime, exclude_event_id: int | None = None
) -> Select[tuple[Event]]:
    """Scheduled or postponed events at the venue whose time overlaps [starts_at, ends_at)."""
    query = with_details(
        select(Event).where(
            Event.venue_id == venue_id,
            Event.status.in_((EventStatus.SCHEDULED, EventStatus.POSTPONED)),
            Event.starts_at < ends_at,
            or_(Event.ends_at > starts_at, Event.starts_at == starts_at),
        )
    ).order_by(Event.starts_at)
    if exclude_event_id is not None:
        query = query.where(Event.id != exclude_event_id)
    return query
