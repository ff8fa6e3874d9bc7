"""/embed/events (a listing any site may frame), its accent stylesheet, and /embed.js."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from planner.embed.options import EmbedOptions, frame_id
from planner.embed.snippets import embed_snippets
from planner.errors import PAGE_TITLES
from planner.events.filters import EventFilters
from planner.events.headings import listing_heading
from planner.events.queries import past_events, upcoming_events
from planner.extensions import db
from planner.public.links import feed_url
from planner.security import frameable
from planner.urls import event_url, events_listing_url

bp = Blueprint("embed", __name__)

LOADER_PATH = Path(__file__).resolve().parent / "loader.js"
LOADER_MAX_AGE = 24 * 3600


@bp.get("/embed/events")
@frameable
def events():
    options = EmbedOptions.from_args(request.args)
    filters = EventFilters.from_args(request.args)
    query = filters.apply(past_events() if filters.past else upcoming_events())
    listed = db.session.execute(query.limit(options.limit)).scalars().all()
    feed = feed_url("all", query={k: v for k, v in filters.raw.items() if k != "when"})
    return render_template(
        "embed/events.html",
        events=listed,
        filters=filters,
        options=options,
        heading=listing_heading(filters),
        all_events_url=events_listing_url(filters.raw),
        feed=feed,
        event_url=event_url,
    )


@bp.get("/embed/theme.css")
def theme():
    """The accent colour as a stylesheet, so the listing needs no inline style (CSP)."""
    options = EmbedOptions.from_args(request.args)
    css = f":root {{ --accent: {options.bar_colour}; --link: {options.link_colour}; }}\n"
    response = current_app.response_class(css, mimetype="text/css")
    response.headers["Cache-Control"] = f"public, max-age={LOADER_MAX_AGE}"
    return response


@cache
def _loader() -> tuple[bytes, str]:
    source = LOADER_PATH.read_bytes()
    return source, hashlib.sha256(source).hexdigest()


@bp.get("/embed.js")
def script():
    """The loader partner sites include; cached for a day and revalidated by its ETag."""
    source, digest = _loader()
    response = current_app.response_class(source, mimetype="text/javascript")
    response.set_etag(digest)
    response.headers["Cache-Control"] = f"public, max-age={LOADER_MAX_AGE}"
    # A script included by other sites: readable cross-origin, also under COEP.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response.make_conditional(request)


@bp.errorhandler(HTTPException)
def frame_error(error: HTTPException) -> tuple[str, int]:
    """A short page that reads well inside a partner's frame, naming the parameter at fault."""
    return (
        render_template(
            "embed/error.html",
            status=error.code or 500,
            title=str(PAGE_TITLES.get(error.code or 500, error.name)),
            detail=getattr(error, "detail", None) or error.description,
            parameter=getattr(error, "parameter", None),
            frame=frame_id(request.args.get("frame")),
        ),
        error.code or 500,
    )


bp.add_app_template_global(embed_snippets)
