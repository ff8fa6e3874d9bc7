"""The OpenAPI document: valid OpenAPI 3.1, and the API never contradicts it (schemathesis)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.generation.modes import GenerationMode

from planner.api.openapi import openapi_document
from tests.factories import make_commemoration, make_event, make_organisation, make_venue


def test_the_document_is_valid_openapi_3_1(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.headers["Access-Control-Allow-Origin"] == "*"
    document = served.json
    assert document["openapi"] == "3.1.0"
    validate(document)
    assert document == openapi_document()


def test_the_document_describes_every_api_route(app):
    documented = {"/api/v1" + path for path in openapi_document()["paths"]}
    routed = {
        rule.rule.replace("<slug>", "{slug}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert documented == routed


def test_query_parameters_in_the_document_are_the_ones_the_api_reads(app):
    from planner.events.filters import FILTER_NAMES

    operation = openapi_document()["paths"]["/events"]["get"]
    names = {ref["$ref"].rsplit("/", 1)[1] for ref in operation["parameters"]}
    assert names == {*FILTER_NAMES, "lang", "page", "per_page", "If-None-Match"}


def _seed() -> None:
    """A little of everything the API shows, so responses have data to check."""
    june = make_commemoration()
    make_commemoration(
        slug="ukraine-remembrance",
        name={"en": "Day of Remembrance of Victims of Political Repressions"},
        rrule="FREQ=YEARLY;BYMONTH=5;BYDAY=3SU",
        countries=["UA"],
        remembered_year=None,
    )
    tallinn = make_venue(slug="freedom-square-tallinn", name={"en": "Freedom Square"}, country="EE")
    museum = make_organisation(slug="museum", website="https://example.org/museum")
    make_event(slug="vigil", commemoration=june, starts_at=datetime(2099, 6, 14, 15, tzinfo=UTC))
    make_event(
        slug="candles",
        venue=tallinn,
        organisations=[museum],
        description={"en": "Candles & <names>."},
        status="cancelled",
        starts_at=datetime(2099, 3, 25, 16, tzinfo=UTC),
    )
    make_event(slug="archive", status="postponed", starts_at=datetime(2001, 6, 14, tzinfo=UTC))


def _dates_inverted(query: dict) -> bool:
    first, last = query.get("from"), query.get("to")
    return bool(first and last) and str(last) < str(first)


# schemathesis' own pytest loader does not run on pytest 9, so each operation and generation
# mode is a test of ours that drives schemathesis' strategies with Hypothesis.
@pytest.mark.parametrize(
    ("path", "mode"),
    [
        (path, mode)
        for path in sorted(openapi_document()["paths"])
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        # The document's only parameter is a header, and any header is a valid string.
        if (path, mode) != ("/openapi.json", GenerationMode.NEGATIVE)
    ],
)
def test_the_api_keeps_the_promises_of_its_document(app, path, mode):
    _seed()
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path]["GET"]

    strategy = operation.as_strategy(generation_mode=mode)
    if mode == GenerationMode.POSITIVE:
        # One rule the document states in words only: `to` must not be before `from`.
        strategy = strategy.filter(lambda case: not _dates_inverted(case.query or {}))

    @given(case=strategy)
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def exercise(case):
        case.call_and_validate()

    exercise()
