"""Security headers: a strict Content-Security-Policy, and framing rules.

Scripts come from this site only (`script-src 'self'`), with no inline script and so no nonce:
a page's bytes and headers are the same from one request to the next, so that a cache may keep
and revalidate it (the event page's JSON-LD is a data block, which the policy does not run).
Only views marked `@frameable` (the embed routes) may be framed by other sites.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, request
from werkzeug.wrappers import Response

F = TypeVar("F", bound=Callable)


def frameable(view: F) -> F:
    """Let any site frame this view (embed routes only)."""
    view.frameable = True  # type: ignore[attr-defined]
    return view


def _is_frameable() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "frameable", False))


def _set_headers(response: Response) -> Response:
    frame_ancestors = "*" if _is_frameable() else "'self'"
    policy = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "frame-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors,
    }
    response.headers.setdefault(
        "Content-Security-Policy", "; ".join(f"{key} {value}" for key, value in policy.items())
    )
    if frame_ancestors != "*":
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    hsts = current_app.config.get("STRICT_TRANSPORT_SECURITY")
    if hsts:  # production: browsers come back over HTTPS only
        response.headers.setdefault("Strict-Transport-Security", hsts)
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def register_security_headers(app: Flask) -> None:
    app.after_request(_set_headers)
