"""An organiser's dashboard: their events by state, clashes, the next day of remembrance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from planner.accounts.permissions import editable_events, plannable_organisations
from planner.commemorations.models import Commemoration
from planner.commemorations.queries import by_next_day
from planner.db import now_utc
from planner.events.models import Event, EventStatus
from planner.events.queries import clashing_pairs, events_on_day, with_details
from planner.extensions import db
from planner.organisations.models import Organisation


@dataclass
class Dashboard:
    organisations: list[Organisation]
    drafts: list[Event]
    upcoming: list[Event]
    past: list[Event]
    clashes: list[tuple[Event, Event]]
    next_day: date | None = None
    next_commemorations: list[Commemoration] = field(default_factory=list)
    next_day_events: list[Event] = field(default_factory=list)
    editable_ids: set[int] = field(default_factory=set)


def next_commemoration_day(today: date | None = None) -> tuple[date | None, list[Commemoration]]:
    """The soonest coming day of remembrance, and every commemoration held on it."""
    commemorations = db.session.execute(select(Commemoration)).scalars()
    pairs = by_next_day(commemorations, today)
    day = pairs[0][0] if pairs else None
    if day is None:
        return None, []
    return day, [item for on, item in pairs if on == day]


def build_dashboard(user: Any, now: datetime | None = None) -> Dashboard:
    """Everything the signed-in organiser's dashboard shows, in a fixed number of queries.

    Every event the user may edit is in exactly one of drafts, upcoming and past.
    """
    now = now or now_utc()
    mine = editable_events(user).with_only_columns(Event.id)
    events = db.session.execute(
        with_details(select(Event).where(Event.id.in_(mine))).order_by(Event.starts_at, Event.id)
    ).scalars()
    drafts, upcoming, past = [], [], []
    for event in events:
        if event.status == EventStatus.DRAFT:
            drafts.append(event)
        elif event.ends_at >= now:
            upcoming.append(event)
        else:
            past.append(event)
    past.reverse()
    clashes = [tuple(row) for row in db.session.execute(clashing_pairs(mine, now))]
    day, commemorations = next_commemoration_day()
    on_day = list(db.session.execute(events_on_day(day, mine)).scalars()) if day else []
    return Dashboard(
        organisations=list(db.session.execute(plannable_organisations(user)).scalars()),
        drafts=drafts,
        upcoming=upcoming,
        past=past,
        clashes=clashes,
        next_day=day,
        next_commemorations=commemorations,
        next_day_events=on_day,
        editable_ids={event.id for event in (*drafts, *upcoming, *past)},
    )
