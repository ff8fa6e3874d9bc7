"""Absolute URLs: the one place that knows the public base address.

Feeds, the embed, the API and the pages' canonical links all hand out absolute URLs. They use
SITE_URL when it is configured, so that the same data gives the same bytes on every host (feed
ETags depend on it), and the request's own address otherwise.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, has_request_context, request, url_for


def site_root() -> str:
    """The public base URL without a trailing slash: SITE_URL, else the current request's."""
    configured = current_app.config.get("SITE_URL") or ""
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return ""


def absolute_url(endpoint: str, **values) -> str:
    """The absolute URL of an endpoint on the public base URL."""
    return site_root() + url_for(endpoint, **values)


def public_url(path: str, query: dict[str, str] | None = None) -> str:
    """The absolute URL of a path, with an optional query (kept in the order given)."""
    url = site_root() + "/" + path.lstrip("/")
    if query:
        url += "?" + urlencode(query)
    return url


def page_in_language(lang: str) -> str:
    """The current page (path and query: filters, archive, page) in another language."""
    args = [(name, value) for name, value in request.args.items(multi=True) if name != "lang"]
    return request.path + "?" + urlencode([*args, ("lang", lang)])


def event_url(slug: str) -> str:
    return absolute_url("events.show", slug=slug)


def event_ics_url(slug: str) -> str:
    return absolute_url("feeds.event", slug=slug)


def commemoration_url(slug: str) -> str:
    return absolute_url("commemorations.show", slug=slug)


def venue_url(slug: str) -> str:
    return absolute_url("venues.show", slug=slug)


def organisation_url(slug: str) -> str:
    return absolute_url("organisations.show", slug=slug)


def events_listing_url(filters: dict[str, str] | None = None) -> str:
    return absolute_url("events.index", **(filters or {}))


def calendar_feed_url(filters: dict[str, str] | None = None, lang: str = "en") -> str:
    """The feed of all public events with these filters, in `lang`."""
    return absolute_url("feeds.calendar", **(filters or {}), lang=lang)
