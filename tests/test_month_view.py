"""The month view: a grid of the month's public events and days of remembrance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lxml import html

from planner.db import now_utc
from tests.factories import make_commemoration, make_event, make_organisation, make_venue


def month_url(year: int, month: int, query: str = "") -> str:
    return f"/events/calendar/{year}/{month}" + (f"?{query}" if query else "")


@pytest.fixture
def june(app):
    """Events in June 2091 around the 14 June day of remembrance, and a draft."""
    commemoration = make_commemoration()
    riga = make_venue()
    tallinn = make_venue(
        slug="tallinn", name={"en": "Freedom Square"}, city="Tallinn", country="EE"
    )
    helsinki = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    vigil = make_event(
        title={"en": "Candle vigil", "lv": "Svecīšu vakars"},
        commemoration=commemoration,
        venue=riga,
        organisations=[helsinki],
        starts_at=datetime(2091, 6, 14, 15, tzinfo=UTC),  # 18:00 in Riga
    )
    cancelled = make_event(
        title={"en": "Flower-laying"},
        status="cancelled",
        venue=tallinn,
        starts_at=datetime(2091, 6, 3, 9, tzinfo=UTC),
    )
    make_event(
        status="draft", title={"en": "Secret draft"}, starts_at=datetime(2091, 6, 20, 9, tzinfo=UTC)
    )
    make_event(title={"en": "July lecture"}, starts_at=datetime(2091, 7, 1, 9, tzinfo=UTC))
    return vigil, cancelled


def cells(body: bytes) -> dict[str, str]:
    """The text of each day of the month, by its ISO date."""
    page = html.fromstring(body)
    found = {}
    for cell in page.xpath('//table[@class="month-grid"]//td[contains(@class, "day")]'):
        day = cell.xpath(".//time/@datetime")[0]
        found[day] = " ".join(cell.text_content().split())
    return found


def test_the_grid_holds_the_months_public_events_and_the_day_of_remembrance(client, june):
    response = client.get(month_url(2091, 6))
    assert response.status_code == 200
    page = html.fromstring(response.data)
    assert page.xpath("//table/caption")[0].text_content() == "June 2091"
    headers = [" ".join(th.text_content().split()) for th in page.xpath("//thead//th")]
    assert headers == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert all(th.get("scope") == "col" for th in page.xpath("//thead//th"))
    assert page.xpath("//thead//th/abbr/@title")[0] == "Monday"
    days = cells(response.data)
    assert len(days) == 30
    assert "18:00 Candle vigil" in days["2091-06-14"]
    assert "June deportation of 1941" in days["2091-06-14"]
    assert "Flower-laying (Cancelled)" in days["2091-06-03"]
    assert "Thursday, 14 June 2091" in days["2091-06-14"]
    text = response.get_data(as_text=True)
    assert "Secret draft" not in text and "July lecture" not in text
    marked = page.xpath('//td[contains(@class, "remembrance")]//time/@datetime')
    assert marked == ["2091-06-14"]
    # 1 June 2091 is a Friday: the first row starts with four days of May, left empty.
    first_row = page.xpath("//tbody/tr[1]/td")
    assert [cell.get("class") for cell in first_row[:4]] == ["outside"] * 4


def test_filters_narrow_the_events_and_the_days_of_remembrance(client, june):
    days = cells(client.get(month_url(2091, 6, "country=ee")).data)
    assert "Flower-laying" in days["2091-06-03"]
    assert "Candle vigil" not in days["2091-06-14"]
    moldova = cells(client.get(month_url(2091, 6, "country=md")).data)
    assert "June deportation of 1941" not in moldova["2091-06-14"]
    by_group = cells(client.get(month_url(2091, 6, "organisation=helsinki-86")).data)
    assert "Candle vigil" in by_group["2091-06-14"]
    assert "Flower-laying" not in by_group["2091-06-03"]


def test_language_names_the_weekdays_and_the_month(client, june):
    page = html.fromstring(client.get(month_url(2091, 6, "lang=lv")).data)
    assert page.xpath("//table/caption")[0].text_content() == "2091. gada jūnijs"
    assert page.xpath("//thead//th/abbr/@title")[0] == "Pirmdiena"
    assert "Svecīšu vakars" in page.text_content()
    lithuanian = html.fromstring(client.get(month_url(2091, 6, "lang=lt")).data)
    assert lithuanian.xpath("//thead//th/abbr/@title")[6] == "sekmadienis"


def test_previous_and_next_keep_the_filters_across_the_year_boundary(client, june):
    page = html.fromstring(client.get(month_url(2091, 12, "country=LV&q=vigil")).data)
    (previous,) = page.xpath('//a[@rel="prev"]/@href')
    (following,) = page.xpath('//a[@rel="next"]/@href')
    assert previous == "/events/calendar/2091/11?country=LV&q=vigil"
    assert following == "/events/calendar/2092/1?country=LV&q=vigil"
    january = html.fromstring(client.get(month_url(2092, 1)).data)
    assert january.xpath('//a[@rel="prev"]/@href') == ["/events/calendar/2091/12"]
    latvian = html.fromstring(client.get(month_url(2092, 1, "lang=lv")).data)
    assert latvian.xpath('//a[@rel="next"]/@href') == ["/events/calendar/2092/2?lang=lv"]


@pytest.mark.parametrize(
    "path",
    [
        "/events/calendar/2091/0",
        "/events/calendar/2091/13",
        "/events/calendar/99999/1",
        "/events/calendar/0/1",
        "/events/calendar/june/2091",
        "/events/calendar/2091/-1",
        "/events/calendar/2091/06x",
        "/events/calendar/2091/99999999999999999999999",
    ],
)
def test_bad_months_are_not_found(client, june, path):
    assert client.get(path).status_code == 404


def test_bad_filters_are_refused(client, june):
    assert client.get(month_url(2091, 6, "venue=nowhere")).status_code == 404
    response = client.get(month_url(2091, 6, "from=soon"), headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.json["parameter"] == "from"


def test_linked_from_the_listing_and_the_commemorations_next_date(client, june):
    today = now_utc().date()
    listing = html.fromstring(client.get("/events?country=LV").data)
    (link,) = listing.xpath('//a[@class="month-link"]/@href')
    assert link == "/events/calendar?country=LV"
    redirected = client.get(link)
    assert redirected.status_code == 302
    assert (
        redirected.headers["Location"] == f"/events/calendar/{today.year}/{today.month}?country=LV"
    )
    commemoration = html.fromstring(client.get("/commemorations/june-deportation-1941").data)
    hrefs = commemoration.xpath('//ul[@class="days"]//a/@href')
    assert hrefs and all(
        href.startswith("/events/calendar/")
        and href.endswith("/6?commemoration=june-deportation-1941")
        for href in hrefs
    )


def test_a_day_with_many_events_links_to_the_rest(client, june):
    for number in range(6):
        make_event(
            title={"en": f"Reading {number}"},
            starts_at=datetime(2091, 6, 21, 8 + number, tzinfo=UTC),
        )
    page = html.fromstring(client.get(month_url(2091, 6)).data)
    (more,) = page.xpath('//p[@class="day-more"]/a')
    assert more.text_content().strip() == "2 more events"
    assert more.get("href") == "/events?from=2091-06-21&to=2091-06-21"


@pytest.mark.browser
@pytest.mark.parametrize(("width", "layout"), [(390, "list"), (1280, "table")])
def test_the_month_fits_a_phone_and_a_desktop(live_server, page, june, width, layout):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server}/events/calendar/2091/6")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    display = page.evaluate(
        "getComputedStyle(document.querySelector('.month-grid td.day')).display"
    )
    full_date = page.get_by_text("Thursday, 14 June 2091")
    if layout == "list":
        assert display == "block"
        assert full_date.is_visible()
        assert page.locator("td.outside").first.is_hidden()
    else:
        assert display == "table-cell"
        assert page.get_by_role("columnheader", name="Mon", exact=True).is_visible()
    assert page.get_by_role("link", name="Candle vigil").is_visible()


def test_an_event_over_several_days_is_on_each_of_them(client, june):
    make_event(
        title={"en": "Exhibition of letters"},
        starts_at=datetime(2091, 6, 27, 7, tzinfo=UTC),  # 10:00 in Riga
        duration=timedelta(days=2, hours=8),
    )
    days = cells(client.get(month_url(2091, 6)).data)
    assert "10:00 Exhibition of letters" in days["2091-06-27"]
    for day in ("2091-06-28", "2091-06-29"):
        assert "Exhibition of letters" in days[day]
        assert "10:00" not in days[day]
    assert "Exhibition of letters" not in days["2091-06-30"]
