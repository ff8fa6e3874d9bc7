"""The month view: a grid of weeks (Monday first) with the public events and the days of
remembrance on each day."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from planner.commemorations.models import Commemoration
from planner.events.filters import EventFilters
from planner.events.models import Event
from planner.events.queries import public_events
from planner.extensions import db

# Years the month view answers for; outside them the page is not found.
FIRST_YEAR, LAST_YEAR = 1900, 2200
# Events written out in one day's cell; the rest are a link to that day's listing.
EVENTS_PER_DAY = 4


@dataclass
class Day:
    day: date
    in_month: bool
    events: list[Event] = field(default_factory=list)
    more: int = 0
    commemorations: list[Commemoration] = field(default_factory=list)


@dataclass
class Month:
    year: int
    month: int
    weeks: list[list[Day]]

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def previous(self) -> tuple[int, int] | None:
        year, month = (self.year, self.month - 1) if self.month > 1 else (self.year - 1, 12)
        return (year, month) if year >= FIRST_YEAR else None

    @property
    def next(self) -> tuple[int, int] | None:
        year, month = (self.year, self.month + 1) if self.month < 12 else (self.year + 1, 1)
        return (year, month) if year <= LAST_YEAR else None

    @property
    def days(self) -> list[Day]:
        """The days of the month itself, in order (the list a phone shows)."""
        return [day for week in self.weeks for day in week if day.in_month]


def is_valid_month(year: int, month: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12


def _observed(commemoration: Commemoration, filters: EventFilters) -> bool:
    if filters.commemoration is not None and filters.commemoration.id != commemoration.id:
        return False
    return not filters.country or filters.country in commemoration.countries


def remembrance_days(
    commemorations: list[Commemoration], first: date, last: date
) -> dict[date, list[Commemoration]]:
    """The days of remembrance between `first` and `last`, from each commemoration's rule."""
    found: dict[date, list[Commemoration]] = {}
    for commemoration in sorted(commemorations, key=lambda c: c.slug):
        cursor, inclusive = first, True
        while True:
            following = commemoration.occurrences_after(cursor, 1, inclusive=inclusive)
            if not following or following[0] > last:
                break
            found.setdefault(following[0], []).append(commemoration)
            cursor, inclusive = following[0], False
    return found


def month_grid(year: int, month: int, filters: EventFilters) -> Month:
    """The month's weeks with the public events (narrowed by `filters`) and the days of
    remembrance (of the commemorations observed in the filtered country) on each day."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    query = filters.apply(
        public_events().where(Event.local_start_date <= last, Event.local_end_date >= first)
    ).order_by(Event.starts_at, Event.id)
    events = db.session.execute(query).scalars().all()
    commemorations = db.session.execute(select(Commemoration)).scalars().all()
    marked = remembrance_days(
        [c for c in commemorations if _observed(c, filters)],
        date(year, month, 1),
        date(year, month, calendar.monthrange(year, month)[1]),
    )
    grid = []
    for week in weeks:
        row = []
        for day in week:
            cell = Day(day=day, in_month=day.month == month)
            if cell.in_month:
                held = [e for e in events if e.local_start_date <= day <= e.local_end_date]
                cell.events, cell.more = held[:EVENTS_PER_DAY], max(0, len(held) - EVENTS_PER_DAY)
                cell.commemorations = marked.get(day, [])
            row.append(cell)
        grid.append(row)
    return Month(year=year, month=month, weeks=grid)
