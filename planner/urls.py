"""Absolute links to the public pages and feeds, built from the public URL contract.

Kept in one place so that the embed and the API link to pages built elsewhere by their fixed
paths (/events/<slug>, /events/<slug>.ics, ...) rather than by endpoint names.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import current_app, has_request_context, request


def site_root() -> str:
    """The public base URL: the current request's, else the configured SITE_URL."""
    if has_request_context():
        return request.url_root.rstrip("/")
    return (current_app.config.get("SITE_URL") or "").rstrip("/")


def public_url(path: str, query: dict[str, str] | None = None) -> str:
    """An absolute URL for a path of the public contract, e.g. public_url('/events/x')."""
    url = site_root() + path
    if query:
        url += "?" + urlencode(query)
    return url


def event_url(slug: str) -> str:
    return public_url(f"/events/{quote(slug)}")


def event_ics_url(slug: str) -> str:
    return public_url(f"/events/{quote(slug)}.ics")


def commemoration_url(slug: str) -> str:
    return public_url(f"/commemorations/{quote(slug)}")


def venue_url(slug: str) -> str:
    return public_url(f"/venues/{quote(slug)}")


def organisation_url(slug: str) -> str:
    return public_url(f"/organisations/{quote(slug)}")


def events_listing_url(filters: dict[str, str] | None = None) -> str:
    return public_url("/events", filters)


def calendar_feed_url(filters: dict[str, str] | None = None) -> str:
    return public_url("/calendar.ics", filters)
