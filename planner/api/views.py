"""/api/v1: read-only JSON for events, commemorations, venues and organisations.

Every answer is cacheable (strong ETag, 304 on If-None-Match) and readable from any origin;
errors are RFC 9457 problem JSON naming the parameter at fault.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, select

from planner.api.openapi import openapi_document
from planner.api.params import PageRequest
from planner.api.serializers import (
    commemoration_json,
    event_json,
    organisation_json,
    venue_json,
)
from planner.commemorations.models import Commemoration
from planner.events.filters import EventFilters
from planner.events.listing import listing_page
from planner.events.models import Event
from planner.events.queries import public_events
from planner.organisations.models import Organisation
from planner.pagination import paginate
from planner.venues.models import Venue
from planner.web import one_by_slug_or_404, parse_lang

bp = Blueprint("api", __name__, url_prefix="/api/v1")

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CACHE_CONTROL = "public, max-age=60"


def json_response(body: Any, status: int = 200) -> Response:
    """JSON with a strong ETag from its bytes; a matching If-None-Match gets a 304."""
    data = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    response = current_app.response_class(data, status=status, mimetype="application/json")
    response.set_etag(hashlib.sha256(data.encode()).hexdigest())
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response.make_conditional(request)


def _page_link(page: int, per_page: int) -> str:
    args = [(key, value) for key, value in request.args.items() if key not in ("page", "per_page")]
    return request.base_url + "?" + urlencode([*args, ("page", page), ("per_page", per_page)])


def paginated(
    query: Select | Callable[[int, int], Pagination], render: Callable[[Any], dict[str, Any]]
) -> Response:
    """One page of `query` in the shared envelope, with next/prev/first/last links. `query`
    may instead be a function of (page, per_page) finding the page (listings paged by key)."""
    paging = PageRequest.from_args(request.args)
    # As the pages do: a page past the end, however far, is an empty page.
    if callable(query):
        page = query(paging.page, paging.per_page)
    else:
        page = paginate(query, page=paging.page, per_page=paging.per_page)
    total = page.total or 0
    pages = max(1, page.pages)
    items = [render(item) for item in page.items]
    links = {
        "first": _page_link(1, paging.per_page),
        "last": _page_link(pages, paging.per_page),
        "next": _page_link(paging.page + 1, paging.per_page) if paging.page < pages else None,
        "prev": (
            _page_link(min(paging.page - 1, pages), paging.per_page) if paging.page > 1 else None
        ),
    }
    body = {
        "items": items,
        "page": paging.page,
        "per_page": paging.per_page,
        "total": total,
        "pages": pages,
        **links,
    }
    response = json_response(body)
    response.headers["Link"] = ", ".join(
        f'<{url}>; rel="{rel}"' for rel, url in links.items() if url is not None
    )
    return response


def _by_slug(model: type, slug: str, query: Select | None = None) -> Any:
    description = gettext("Nothing here has the slug %(slug)r.", slug=slug)
    return one_by_slug_or_404(model, slug, query=query, description=description)


@bp.get("/events")
def list_events():
    lang = parse_lang(request.args)
    filters = EventFilters.from_args(request.args)
    return paginated(
        lambda page, per_page: listing_page(filters, page, per_page),
        lambda event: event_json(event, lang),
    )


@bp.get("/events/<slug>")
def show_event(slug: str):
    lang = parse_lang(request.args)
    event = _by_slug(Event, slug, public_events())
    return json_response(event_json(event, lang))


@bp.get("/commemorations")
def list_commemorations():
    lang = parse_lang(request.args)
    query = select(Commemoration).order_by(Commemoration.slug)
    return paginated(query, lambda commemoration: commemoration_json(commemoration, lang))


@bp.get("/commemorations/<slug>")
def show_commemoration(slug: str):
    lang = parse_lang(request.args)
    return json_response(commemoration_json(_by_slug(Commemoration, slug), lang))


@bp.get("/venues")
def list_venues():
    lang = parse_lang(request.args)
    query = select(Venue).order_by(Venue.slug)
    return paginated(query, lambda venue: venue_json(venue, lang))


@bp.get("/organisations")
def list_organisations():
    lang = parse_lang(request.args)
    query = select(Organisation).order_by(Organisation.slug)
    return paginated(query, lambda organisation: organisation_json(organisation, lang))


@bp.get("/openapi.json")
def openapi():
    return json_response(openapi_document())


@bp.after_app_request
def allow_reading_from_any_origin(response: Response) -> Response:
    """CORS for reads only: GET, HEAD and OPTIONS under /api/ allow any origin; writes never."""
    if not request.path.startswith(bp.url_prefix + "/"):
        return response
    if request.method in SAFE_METHODS:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Link"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = ", ".join(SAFE_METHODS)
            response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
            response.headers["Access-Control-Max-Age"] = "86400"
    return response
