"""Security headers: a strict Content-Security-Policy with a per-request nonce, and framing rules.

Only views marked `@frameable` (the embed routes) may be framed by other sites.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, g, request
from werkzeug.wrappers import Response

F = TypeVar("F", bound=Callable)


def frameable(view: F) -> F:
    """Let any site frame this view (embed routes only)."""
    view.frameable = True  # type: ignore[attr-defined]
    return view


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _is_frameable() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "frameable", False))


def _set_headers(response: Response) -> Response:
    frame_ancestors = "*" if _is_frameable() else "'self'"
    policy = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{csp_nonce()}'",
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
    app.jinja_env.globals["csp_nonce"] = csp_nonce
