"""schema.org `Event` data for an event page (JSON-LD), so search engines show it rightly."""

from __future__ import annotations

from typing import Any

from planner.events.models import Event, EventStatus
from planner.text import markdown_to_text

SCHEMA = "https://schema.org/"


def event_status(event: Event) -> str:
    """EventScheduled, EventCancelled, EventRescheduled (postponed to a new time) or
    EventPostponed (postponed with no new time yet)."""
    if event.status == EventStatus.CANCELLED:
        return SCHEMA + "EventCancelled"
    if event.status == EventStatus.POSTPONED:
        return SCHEMA + ("EventRescheduled" if event.is_rescheduled else "EventPostponed")
    return SCHEMA + "EventScheduled"


def _place(event: Event, lang: str | None) -> dict[str, Any]:
    venue = event.venue
    place: dict[str, Any] = {
        "@type": "Place",
        "name": venue.display_name(lang),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": venue.address,
            "addressLocality": venue.city,
            "addressCountry": venue.country,
        },
    }
    if venue.has_coordinates:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": venue.latitude,
            "longitude": venue.longitude,
        }
    return place


def event_json_ld(
    event: Event, url: str, organisation_urls: dict[str, str], lang: str | None = None
) -> dict[str, Any]:
    """The event as schema.org JSON-LD; times are local ISO 8601 with their UTC offset.

    `organisation_urls` maps organisation slugs to their public pages.
    """
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.display_title(lang),
        "url": url,
        "startDate": event.local_start.isoformat(),
        "endDate": event.local_end.isoformat(),
        "eventStatus": event_status(event),
        "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
        "location": _place(event, lang),
        "organizer": [
            {
                "@type": "Organization",
                "name": organisation.display_name(lang),
                "url": organisation_urls[organisation.slug],
            }
            for organisation in event.organisations
        ],
    }
    description = markdown_to_text(event.display_description(lang))
    if description:
        data["description"] = description
    if event.is_rescheduled:
        data["previousStartDate"] = event.previous_starts_at.astimezone(event.zone).isoformat()
    if event.commemoration is not None:
        data["about"] = {"@type": "Thing", "name": event.commemoration.display_name(lang)}
    return data
