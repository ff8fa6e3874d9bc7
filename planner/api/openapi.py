"""The OpenAPI 3.1 description of /api/v1: its paths and parameters written here, its
`components/schemas` generated from the shapes the answers are built from (planner.api.shapes).

The tests validate it with openapi-spec-validator and run schemathesis against the app with it,
so a change to the API that is not made here too fails the suite.
"""

from __future__ import annotations

from typing import Any

from planner.api.params import DEFAULT_PER_PAGE, MAX_PER_PAGE
from planner.api.shapes import component_schemas
from planner.events.filters import MAX_QUERY_LENGTH
from planner.i18n import LANGUAGES

PROBLEM = "application/problem+json"


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _or_empty(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter given empty (`?lang=`) counts as not given."""
    return {"anyOf": [schema, {"type": "string", "const": ""}]}


def _country_pattern() -> str:
    """Exactly the ISO 3166-1 codes the API knows, in either case (lv, LV, Lv)."""
    from planner.countries import _country_codes

    codes = sorted(_country_codes())
    return "^(?:" + "|".join(f"[{a}{a.lower()}][{b}{b.lower()}]" for a, b in codes) + ")$"


# Query values holding a control character or a non-character are a 400 (planner/inputs.py).
TEXT = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ufdd0-\\ufdef\\ufffe\\uffff]*$"

PARAMETERS: dict[str, dict[str, Any]] = {
    "lang": {
        "name": "lang",
        "in": "query",
        "description": "The language of titles and names; content falls back to English, "
        "then to the language it was written in.",
        "schema": _or_empty({"type": "string", "enum": list(LANGUAGES), "default": "en"}),
    },
    "page": {
        "name": "page",
        "in": "query",
        "description": "The page, from 1. A page past the end is an empty list.",
        "schema": _or_empty({"type": "integer", "minimum": 1, "default": 1}),
    },
    "per_page": {
        "name": "per_page",
        "in": "query",
        "description": f"Items per page (default {DEFAULT_PER_PAGE}); a value over "
        f"{MAX_PER_PAGE} is clamped to {MAX_PER_PAGE}, and the answer says which was used.",
        "schema": _or_empty({"type": "integer", "minimum": 1, "default": DEFAULT_PER_PAGE}),
    },
    "country": {
        "name": "country",
        "in": "query",
        "description": "Events at venues in this country: an ISO 3166-1 alpha-2 code, in "
        "either case. A code that names no country is a 400.",
        "schema": _or_empty({"type": "string", "pattern": _country_pattern()}),
    },
    "commemoration": {
        "name": "commemoration",
        "in": "query",
        "description": "Events for this commemoration (its slug); an unknown slug is a 404, "
        "a control character a 400.",
        "schema": {"type": "string", "pattern": TEXT},
    },
    "organisation": {
        "name": "organisation",
        "in": "query",
        "description": "Events this organisation organises (its slug); an unknown slug is a 404, "
        "a control character a 400.",
        "schema": {"type": "string", "pattern": TEXT},
    },
    "venue": {
        "name": "venue",
        "in": "query",
        "description": "Events at this venue (its slug); an unknown slug is a 404, "
        "a control character a 400.",
        "schema": {"type": "string", "pattern": TEXT},
    },
    "from": {
        "name": "from",
        "in": "query",
        "description": "Events not over before this local date (YYYY-MM-DD).",
        "schema": _or_empty({"type": "string", "format": "date"}),
    },
    "to": {
        "name": "to",
        "in": "query",
        "description": "Events starting on or before this local date (YYYY-MM-DD); a `to` "
        "before `from` is refused with a 400 problem naming `to`.",
        "schema": _or_empty({"type": "string", "format": "date"}),
    },
    "q": {
        "name": "q",
        "in": "query",
        "description": "Text searched in titles and descriptions, in every language; control "
        "characters are refused.",
        "schema": {
            "type": "string",
            "maxLength": MAX_QUERY_LENGTH,
            "pattern": "^[^\\x00-\\x1f\\x7f-\\x9f\\ufdd0-\\ufdef\\ufffe\\uffff]*$",
        },
    },
    "when": {
        "name": "when",
        "in": "query",
        "description": "`upcoming` (the default: events not yet over, soonest first) or `past` "
        "(the archive, most recent first).",
        "schema": _or_empty(
            {"type": "string", "enum": ["upcoming", "past"], "default": "upcoming"}
        ),
    },
    "slug": {
        "name": "slug",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    },
    "If-None-Match": {
        "name": "If-None-Match",
        "in": "header",
        "description": "An ETag from an earlier answer; when it still matches, the answer is 304.",
        "schema": {"type": "string"},
    },
}

HEADERS = {
    "ETag": {
        "description": "A strong validator computed from the body.",
        "required": True,
        "schema": {"type": "string"},
    },
    "Link": {
        "description": "RFC 8288 links to the first, last, next and previous pages.",
        "required": True,
        "schema": {"type": "string"},
    },
    "Access-Control-Allow-Origin": {
        "description": "`*`: any site may read the API from a browser.",
        "required": True,
        "schema": {"type": "string", "const": "*"},
    },
}

RESPONSES = {
    "NotModified": {
        "description": "The If-None-Match ETag still matches; no body.",
        "headers": {"ETag": _ref("headers", "ETag")},
    },
    "BadRequest": {
        "description": "A malformed parameter; `parameter` names it.",
        "headers": {"Access-Control-Allow-Origin": _ref("headers", "Access-Control-Allow-Origin")},
        "content": {PROBLEM: {"schema": _ref("schemas", "Problem")}},
    },
    "NotFound": {
        "description": "An unknown slug, in the path or in a filter.",
        "headers": {"Access-Control-Allow-Origin": _ref("headers", "Access-Control-Allow-Origin")},
        "content": {PROBLEM: {"schema": _ref("schemas", "Problem")}},
    },
}


def _ok(schema: str, description: str, *, paged: bool) -> dict[str, Any]:
    headers = {
        "ETag": _ref("headers", "ETag"),
        "Access-Control-Allow-Origin": _ref("headers", "Access-Control-Allow-Origin"),
    }
    if paged:
        headers["Link"] = _ref("headers", "Link")
    return {
        "description": description,
        "headers": headers,
        "content": {"application/json": {"schema": _ref("schemas", schema)}},
    }


def _operation(
    operation_id: str,
    summary: str,
    schema: str,
    parameters: list[str],
    *,
    paged: bool,
    not_found: bool,
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": _ok(schema, summary, paged=paged),
        "304": _ref("responses", "NotModified"),
        "400": _ref("responses", "BadRequest"),
    }
    if not_found:
        responses["404"] = _ref("responses", "NotFound")
    return {
        "operationId": operation_id,
        "summary": summary,
        "parameters": [_ref("parameters", name) for name in [*parameters, "If-None-Match"]],
        "responses": responses,
    }


EVENT_FILTERS = ["country", "commemoration", "organisation", "venue", "from", "to", "q", "when"]
PAGING = ["lang", "page", "per_page"]


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document served at /api/v1/openapi.json."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Remembrance Planner API",
            "version": "1.0.0",
            "description": "Read-only JSON about remembrance-day events, the commemorations "
            "they belong to, venues and organisations. Drafts never appear. Every answer has "
            "a strong ETag (send it back in If-None-Match for a 304) and may be read from any "
            "origin (CORS for GET, HEAD and OPTIONS). Errors are RFC 9457 problem JSON. "
            "Collections are paged with `page` and `per_page`, and link their neighbours in "
            "the body and in a `Link` header.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/events": {
                "get": _operation(
                    "listEvents",
                    "Public events, upcoming by default",
                    "EventPage",
                    [*EVENT_FILTERS, *PAGING],
                    paged=True,
                    not_found=True,
                )
            },
            "/events/{slug}": {
                "get": _operation(
                    "getEvent",
                    "One public event",
                    "Event",
                    ["slug", "lang"],
                    paged=False,
                    not_found=True,
                )
            },
            "/commemorations": {
                "get": _operation(
                    "listCommemorations",
                    "Commemorations, with their next days of remembrance",
                    "CommemorationPage",
                    PAGING,
                    paged=True,
                    not_found=False,
                )
            },
            "/commemorations/{slug}": {
                "get": _operation(
                    "getCommemoration",
                    "One commemoration",
                    "Commemoration",
                    ["slug", "lang"],
                    paged=False,
                    not_found=True,
                )
            },
            "/venues": {
                "get": _operation(
                    "listVenues", "Venues", "VenuePage", PAGING, paged=True, not_found=False
                )
            },
            "/organisations": {
                "get": _operation(
                    "listOrganisations",
                    "Organisations",
                    "OrganisationPage",
                    PAGING,
                    paged=True,
                    not_found=False,
                )
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "parameters": [_ref("parameters", "If-None-Match")],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI 3.1 document.",
                            "headers": {
                                "ETag": _ref("headers", "ETag"),
                                "Access-Control-Allow-Origin": _ref(
                                    "headers", "Access-Control-Allow-Origin"
                                ),
                            },
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "304": _ref("responses", "NotModified"),
                    },
                }
            },
        },
        "components": {
            "parameters": PARAMETERS,
            "headers": HEADERS,
            "schemas": component_schemas(),
            "responses": RESPONSES,
        },
    }
