"""Deep pages of the public listings: page N holds the events counting from the start would
put there (upcoming, archive, with filters, in the HTML and the API), a write or an event's end
is seen by the next request, and page 200 costs the queries page 1 costs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from planner.db import now_utc
from tests.conftest import RENDER
from tests.factories import make_commemoration, make_event, make_organisation, make_venue

SOON = datetime(2099, 6, 14, 15, tzinfo=UTC)
LONG_AGO = datetime(2001, 6, 14, 15, tzinfo=UTC)
PER_PAGE = 3


@pytest.fixture
def catalogue(app, monkeypatch):
    """Upcoming and past events, several starting together (the order breaks those ties by
    creation), at two venues in two countries, with two organisations; and a draft. A key is
    remembered every 4 rows, so that pages start on, after and between remembered keys."""
    monkeypatch.setattr("planner.pagination.INDEX_STEP", 4)
    app.config["EVENTS_PER_PAGE"] = PER_PAGE
    riga = make_venue()
    tallinn = make_venue(slug="maarjamae", name={"en": "Maarjamäe"}, city="Tallinn", country="EE")
    hosts = [make_organisation(slug="helsinki-86"), make_organisation(slug="memorial-society")]
    june = make_commemoration()
    events = []
    for number in range(30):
        past = number % 4 < 2
        events.append(
            make_event(
                title={"en": f"{'Concert' if number % 3 == 0 else 'Vigil'} {number}"},
                venue=(riga, tallinn)[number % 2],
                organisations=[hosts[number % 3 == 0]],
                commemoration=june if number % 2 else None,
                # Two by two, they start together.
                starts_at=(LONG_AGO if past else SOON) + timedelta(days=number // 4),
            )
        )
    make_event(status="draft", title={"en": "Vigil in draft"})
    return events


def _expected(events, past: bool, keep=lambda event: True) -> list[str]:
    now = now_utc()
    chosen = [
        event
        for event in events
        if keep(event) and ((event.ends_at < now) if past else (event.ends_at >= now))
    ]
    if past:
        chosen.sort(key=lambda event: (-event.starts_at.timestamp(), event.id))
    else:
        chosen.sort(key=lambda event: (event.starts_at, event.id))
    return [event.slug for event in chosen]


def _slugs(page: str) -> list[str]:
    return re.findall(r'<a href="/events/([^"/?]+)">', page)


FILTERS = {
    "": lambda event: True,
    "country=EE": lambda event: event.venue.country == "EE",
    "organisation=memorial-society": lambda event: (
        event.organisations[0].slug == "memorial-society"
    ),
    "q=concert": lambda event: event.title["en"].startswith("Concert"),
    "commemoration=june-deportation-1941": lambda event: event.commemoration is not None,
}


@pytest.mark.parametrize("past", [False, True], ids=["upcoming", "archive"])
@pytest.mark.parametrize("query", FILTERS)
def test_every_page_holds_what_counting_from_the_start_would(client, catalogue, query, past):
    expected = _expected(catalogue, past, FILTERS[query])
    assert expected
    args = "&".join(part for part in (query, "when=past" if past else "") if part)
    pages = -(-len(expected) // PER_PAGE)
    for number in range(1, pages + 2):
        page = client.get(f"/events?{args}&page={number}").get_data(as_text=True)
        assert _slugs(page) == expected[(number - 1) * PER_PAGE : number * PER_PAGE], number
        assert f"{len(expected)} events" in page
    assert "There are no more events on this page." in page
    for number in range(1, -(-len(expected) // 5) + 2):
        body = client.get(f"/api/v1/events?{args}&page={number}&per_page=5").get_json()
        assert [item["slug"] for item in body["items"]] == expected[(number - 1) * 5 : number * 5]
        assert body["total"] == len(expected)


def test_a_commemorations_past_events_page_through_the_archive(client, catalogue):
    expected = _expected(catalogue, True, lambda event: event.commemoration is not None)
    assert len(expected) > PER_PAGE
    for number in (1, 2):
        page = client.get(f"/commemorations/june-deportation-1941?page={number}")
        shown = _slugs(page.get_data(as_text=True))
        assert shown[-PER_PAGE:] == expected[(number - 1) * PER_PAGE : number * PER_PAGE]


def test_a_page_far_past_the_end_is_empty_and_bad_pages_are_refused(client, catalogue):
    beyond = client.get("/events?when=past&page=99999999999999")
    assert beyond.status_code == 200
    assert _slugs(beyond.get_data(as_text=True)) == []
    for bad in ("0", "-3", "two", "2.5"):
        assert client.get(f"/events?page={bad}").status_code == 400, bad
        assert client.get(f"/api/v1/events?page={bad}").status_code == 400, bad


def test_a_write_is_on_the_next_page_read(client, catalogue):
    first_before = _slugs(client.get("/events").get_data(as_text=True))
    before = _slugs(client.get("/events?page=2").get_data(as_text=True))
    earliest = make_event(title={"en": "Vigil first of all"}, starts_at=SOON - timedelta(days=9))
    after = _slugs(client.get("/events?page=2").get_data(as_text=True))
    first = _slugs(client.get("/events").get_data(as_text=True))
    assert first == [earliest.slug, *first_before[:-1]]
    assert after == [first_before[-1], *before[:-1]]


def test_an_event_that_ends_leaves_the_upcoming_pages_for_the_archive(
    client, catalogue, monkeypatch, app_clock_moves
):
    ending = make_event(title={"en": "Vigil today"}, starts_at=now_utc() - timedelta(hours=1))
    upcoming = client.get("/events").get_data(as_text=True)
    assert _slugs(upcoming)[0] == ending.slug
    later = now_utc() + timedelta(hours=1)
    monkeypatch.setattr("planner.events.listing.now_utc", lambda: later)
    assert ending.slug not in _slugs(client.get("/events").get_data(as_text=True))
    assert _slugs(client.get("/events?when=past").get_data(as_text=True))[0] == ending.slug


@pytest.mark.parametrize("listing", ["/events?", "/events?when=past&", "/api/v1/events?"])
def test_a_deep_page_costs_the_queries_of_the_first(
    client, app, count_queries, monkeypatch, listing
):
    monkeypatch.setattr("planner.pagination.INDEX_STEP", 4)
    app.config["EVENTS_PER_PAGE"] = 2
    for day in range(30):
        make_event(starts_at=SOON + timedelta(days=day))
        make_event(starts_at=LONG_AGO + timedelta(days=day))
    counts = {}
    for page in (1, 12):
        with count_queries() as first:
            assert client.get(f"{listing}page={page}&per_page=2", headers=RENDER).status_code == 200
        with count_queries() as again:
            assert client.get(f"{listing}page={page}&per_page=2", headers=RENDER).status_code == 200
        # The keys are numbered once per data version, not on every request.
        assert not any("row_number()" in statement for statement in again)
        counts[page] = len(again)
        assert len(first) <= len(again) + 1
    assert counts[1] == counts[12]
