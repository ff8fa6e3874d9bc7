"""Factories with sensible defaults: make_event(**overrides) and friends. They commit."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from planner.accounts.models import User
from planner.commemorations.models import Commemoration
from planner.events.models import Event, EventStatus
from planner.events.operations import cancel, plan_event, postpone, publish
from planner.extensions import db
from planner.organisations.models import Membership, Organisation, Role
from planner.venues.models import Venue

_numbers = itertools.count(1)
# 14 June 2091, 18:00 in Riga: a day of remembrance, upcoming for the life of this code.
DEFAULT_START = datetime(2091, 6, 14, 15, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


def _commit(obj: Any) -> Any:
    db.session.add(obj)
    db.session.commit()
    return obj


def _existing(model: type, slug: str) -> Any:
    return db.session.execute(select(model).where(model.slug == slug)).scalar_one_or_none()


def make_commemoration(**overrides: Any) -> Commemoration:
    values = {
        "slug": "june-deportation-1941",
        "name": {
            "en": "June deportation of 1941",
            "lv": "Komunistiskā genocīda upuru piemiņas diena",
        },
        "description": {"en": "The Soviet mass deportation that began on 14 June 1941."},
        "rrule": "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14",
        "countries": ["LV", "EE", "LT"],
        "remembered_year": 1941,
    }
    values.update(overrides)
    return _commit(Commemoration(**values))


def make_venue(**overrides: Any) -> Venue:
    values = {
        "slug": "freedom-monument-riga",
        "name": {"en": "Freedom Monument", "lv": "Brīvības piemineklis"},
        "address": "Brīvības bulvāris, Rīga",
        "city": "Rīga",
        "country": "LV",
        "latitude": 56.9514,
        "longitude": 24.1131,
    }
    values.update(overrides)
    return _commit(Venue(**values))


def make_organisation(**overrides: Any) -> Organisation:
    number = next(_numbers)
    values = {
        "slug": f"organisation-{number}",
        "name": {"en": f"Remembrance Group {number}"},
        "country": "LV",
        "contact_email": f"group{number}@example.org",
    }
    values.update(overrides)
    return _commit(Organisation(**values))


def make_user(
    email: str | None = None,
    *,
    password: str = PASSWORD,
    is_admin: bool = False,
    memberships: dict[Organisation, str] | None = None,
    **overrides: Any,
) -> User:
    user = User(
        email=email or f"organiser{next(_numbers)}@example.org", is_admin=is_admin, **overrides
    )
    user.set_password(password)
    for organisation, role in (memberships or {}).items():
        user.memberships.append(Membership(organisation=organisation, role=Role(role)))
    return _commit(user)


def make_event(
    *,
    status: EventStatus | str = EventStatus.SCHEDULED,
    venue: Venue | None = None,
    organisations: list[Organisation] | None = None,
    starts_at: datetime | None = None,
    duration: timedelta = timedelta(hours=1, minutes=30),
    actor: User | None = None,
    **overrides: Any,
) -> Event:
    """An event in the given status, made through the real lifecycle operations."""
    status = EventStatus(status)
    venue = venue or _existing(Venue, "freedom-monument-riga") or make_venue()
    organisations = organisations or [make_organisation()]
    # Far ahead, so that a default event is upcoming whenever the suite runs.
    starts_at = starts_at or DEFAULT_START
    values = {"title": {"en": f"Vigil {next(_numbers)}"}}
    values.update(overrides)
    event = plan_event(
        venue=venue,
        organisations=organisations,
        starts_at=starts_at,
        ends_at=values.pop("ends_at", starts_at + duration),
        actor=actor,
        # A factory is not an organiser: tests of the clash policy go through the forms.
        clash_acknowledged=True,
        **values,
    )
    if status != EventStatus.DRAFT:
        publish(event, actor, clash_acknowledged=True)
    if status == EventStatus.POSTPONED:
        postpone(event, actor, note={"en": "Postponed."})
    elif status == EventStatus.CANCELLED:
        cancel(event, actor, note={"en": "Cancelled."})
    db.session.commit()
    return event
