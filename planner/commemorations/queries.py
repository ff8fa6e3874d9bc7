"""Reading commemorations and the events held for them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select

from planner.commemorations.models import Commemoration
from planner.events.models import Event
from planner.events.queries import upcoming_events


def by_next_day(
    commemorations: Iterable[Commemoration], today: date | None = None
) -> list[tuple[date | None, Commemoration]]:
    """Commemorations with their next day, soonest first (those without one last)."""
    pairs = [(item.next_occurrence(today), item) for item in commemorations]
    return sorted(pairs, key=lambda pair: (pair[0] is None, pair[0] or date.max, pair[1].slug))


def coming_events(commemoration: Commemoration) -> Select:
    """Public events for the commemoration not yet over, in every country and organisation."""
    return upcoming_events().where(Event.commemoration_id == commemoration.id)
