"""Models as the API shows them: each a shape of planner.api.shapes, as JSON-ready dicts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from planner.api import shapes
from planner.commemorations.models import Commemoration
from planner.events.models import Event
from planner.i18n import pick
from planner.organisations.models import Organisation
from planner.urls import (
    commemoration_url,
    event_ics_url,
    event_url,
    organisation_url,
    venue_url,
)
from planner.venues.models import Venue

NEXT_OCCURRENCES = 3


def iso_instant(moment: datetime | None) -> str | None:
    """ISO 8601 with its offset, to the second: 2027-06-14T18:00:00+03:00."""
    return moment.isoformat(timespec="seconds") if moment is not None else None


def _text_or_none(texts: dict[str, str] | None, lang: str) -> str | None:
    return pick(texts, lang) or None


def _json(shape: shapes.Shape) -> dict[str, Any]:
    return shape.model_dump(mode="json")


def _event_venue(venue: Venue, lang: str) -> dict[str, Any]:
    return {
        "slug": venue.slug,
        "name": venue.display_name(lang),
        "address": venue.address,
        "city": venue.city,
        "country": venue.country,
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "timezone": venue.timezone,
    }


def venue_json(venue: Venue, lang: str) -> dict[str, Any]:
    return _json(
        shapes.Venue(
            **_event_venue(venue, lang),
            accessibility_notes=_text_or_none(venue.accessibility_notes, lang),
            url=venue_url(venue.slug),
        )
    )


def organisation_json(organisation: Organisation, lang: str) -> dict[str, Any]:
    return _json(
        shapes.Organisation(
            slug=organisation.slug,
            name=organisation.display_name(lang),
            description=_text_or_none(organisation.description, lang),
            website=organisation.website,
            country=organisation.country,
            city=organisation.city,
            url=organisation_url(organisation.slug),
        )
    )


def commemoration_json(
    commemoration: Commemoration, lang: str, today: date | None = None
) -> dict[str, Any]:
    return _json(
        shapes.Commemoration(
            slug=commemoration.slug,
            name=commemoration.display_name(lang),
            description=_text_or_none(commemoration.description, lang),
            rrule=commemoration.rrule,
            countries=list(commemoration.countries),
            remembered_year=commemoration.remembered_year,
            first_observed_year=commemoration.first_observed_year,
            next_occurrences=[
                shapes.Occurrence(date=day.isoformat(), anniversary=commemoration.anniversary(day))
                for day in commemoration.next_occurrences(NEXT_OCCURRENCES, today)
            ],
            url=commemoration_url(commemoration.slug),
        )
    )


def event_json(event: Event, lang: str) -> dict[str, Any]:
    """One public event; times are local to the event's zone and carry their offset."""
    commemoration = None
    if event.commemoration is not None:
        commemoration = shapes.EventCommemoration(
            slug=event.commemoration.slug,
            name=event.commemoration.display_name(lang),
            anniversary=event.anniversary,
        )
    previous = event.previous_starts_at
    return _json(
        shapes.Event(
            slug=event.slug,
            title=event.display_title(lang),
            description=_text_or_none(event.description, lang),
            kind=event.kind.value,
            status=event.status.value,
            status_note=_text_or_none(event.status_note, lang),
            starts_at=iso_instant(event.local_start),
            ends_at=iso_instant(event.local_end),
            previous_starts_at=iso_instant(previous.astimezone(event.zone) if previous else None),
            timezone=event.timezone,
            venue=shapes.EventVenue(**_event_venue(event.venue, lang)),
            organisations=[
                shapes.EventOrganisation(
                    slug=host.organisation.slug,
                    name=host.organisation.display_name(lang),
                    role=host.role.value,
                )
                for host in event.hosts
            ],
            commemoration=commemoration,
            url=event_url(event.slug),
            ics_url=event_ics_url(event.slug),
            sequence=event.sequence,
            updated_at=iso_instant(event.updated_at),
        )
    )
