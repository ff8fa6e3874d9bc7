"""Absolute URLs for feeds: calendar apps need full addresses, not paths."""

from __future__ import annotations

from flask import current_app, has_request_context, request


def base_url() -> str:
    """SITE_URL when configured, else the root of the current request; no trailing slash."""
    configured = current_app.config.get("SITE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return "http://localhost"


def absolute(path: str) -> str:
    """The absolute URL of a path of the public URL contract, e.g. '/events/<slug>'."""
    return base_url() + "/" + path.lstrip("/")


def event_url(slug: str) -> str:
    return absolute(f"/events/{slug}")


def organisation_url(slug: str) -> str:
    return absolute(f"/organisations/{slug}")


def commemoration_url(slug: str) -> str:
    return absolute(f"/commemorations/{slug}")
