"""Public pages that do not grow with the catalogue: the filter form offers what the results
hold, the home page works out the next days once per data version and day, and every page
costs the same number of queries whatever the number of events."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from planner.commemorations.models import Commemoration
from planner.db import now_utc
from tests.factories import make_commemoration, make_event, make_organisation, make_venue


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select id="filter-{name}" name="{name}">(.*?)</select>', page, re.S)
    assert select, name
    return [value for value in re.findall(r'<option value="([^"]*)"', select.group(1)) if value]


def _catalogue(size: int, prefix: str = "") -> None:
    soon = now_utc() + timedelta(days=3)
    for number in range(size):
        make_event(
            venue=make_venue(slug=f"{prefix}place-{number}", name={"en": f"Place {number}"}),
            organisations=[make_organisation(slug=f"{prefix}group-{number}")],
            starts_at=soon + timedelta(hours=number),
        )


def test_the_filter_form_offers_what_the_results_hold(client, app):
    app.config["EVENTS_PER_PAGE"] = 3
    _catalogue(8)
    quiet = make_venue(slug="quiet-hall", name={"en": "Quiet hall"})
    page = client.get("/events").get_data(as_text=True)
    assert _options(page, "venue") == ["place-0", "place-1", "place-2"]
    assert _options(page, "organisation") == ["group-0", "group-1", "group-2"]
    assert _options(page, "country") == ["LV"]
    # A chosen venue stays offered (and selected), even with nothing to show.
    chosen = client.get("/events?venue=quiet-hall").get_data(as_text=True)
    assert _options(chosen, "venue") == [quiet.slug]
    assert '<option value="quiet-hall" selected>' in chosen
    second = client.get("/events?page=2").get_data(as_text=True)
    assert _options(second, "venue") == ["place-3", "place-4", "place-5"]


@pytest.mark.parametrize("url", ["/", "/events", "/events?page=2", "/events?q=vigil"])
def test_pages_cost_the_same_queries_whatever_the_catalogue(client, app, count_queries, url):
    app.config["EVENTS_PER_PAGE"] = 3
    make_commemoration()
    counts = []
    for size, prefix in ((4, "small-"), (12, "large-")):
        _catalogue(size, prefix)
        client.get(url)  # warm: the home page's next days are worked out once
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_the_next_days_of_remembrance_are_worked_out_once_per_version(client, app, monkeypatch):
    make_commemoration(slug="june-deportation-1941")
    calls = []
    real = Commemoration.next_occurrence

    def counting(self, today=None):
        calls.append(self.slug)
        return real(self, today)

    monkeypatch.setattr(Commemoration, "next_occurrence", counting)
    first = client.get("/").get_data(as_text=True)
    assert calls == ["june-deportation-1941"]
    assert client.get("/").get_data(as_text=True) == first
    assert calls == ["june-deportation-1941"]
    make_commemoration(
        slug="march-deportation-1949",
        name={"en": "March deportation of 1949"},
        rrule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=25",
    )
    assert "March deportation of 1949" in client.get("/").get_data(as_text=True)
    assert len(calls) == 3


def test_no_time_zone_walk_per_request(client, app, monkeypatch):
    make_event(starts_at=datetime(2091, 6, 14, 15, tzinfo=UTC))
    client.get("/")
    monkeypatch.setattr(
        "zoneinfo.available_timezones", lambda: pytest.fail("tzdata walked in a request")
    )
    monkeypatch.setattr(
        "planner.countries.available_timezones", lambda: pytest.fail("tzdata walked")
    )
    for url in ("/", "/events", "/commemorations", "/calendar.ics"):
        assert client.get(url).status_code == 200
