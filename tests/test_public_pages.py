"""The public pages: finding events, reading one, adding it to a calendar, printing a poster."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import segno

from planner.commemorations.models import Commemoration
from planner.errors import PARAMETER_LABELS
from planner.events.operations import postpone
from planner.extensions import db
from tests.conftest import RENDER, sign_in_client
from tests.factories import (
    make_commemoration,
    make_event,
    make_organisation,
    make_user,
    make_venue,
)

FUTURE = datetime(2099, 6, 14, 15, 0, tzinfo=UTC)  # 18:00 in Riga, a Sunday
PAST = datetime(2001, 6, 14, 15, 0, tzinfo=UTC)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def json_ld(page: str) -> dict:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert len(found) == 1, "the page carries one JSON-LD block"
    return json.loads(found[0])


def hrefs(page: str, host: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', page) if host in href]


@pytest.fixture
def june(app):
    return make_commemoration()


@pytest.fixture
def fixed_today(monkeypatch):
    """The commemorations' 'today' (in their observing zone) is 1 January 2099."""
    monkeypatch.setattr(Commemoration, "today", lambda self: date(2099, 1, 1))


# --- The event page -------------------------------------------------------------------------


def test_event_page_shows_date_written_out_local_time_zone_anniversary_venue_and_organisers(
    client, june
):
    host = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    cohost = make_organisation(slug="memory-institute", name={"en": "Memory Institute"})
    event = make_event(
        title={"en": "Candle vigil"},
        commemoration=june,
        starts_at=FUTURE,
        organisations=[host, cohost],
    )
    page = text_of(client.get(f"/events/{event.slug}"))
    assert "<h1>Candle vigil</h1>" in page
    assert "Sunday, 14 June 2099" in page
    assert "18:00–19:30 EEST (Europe/Riga)" in page
    assert (
        '<a href="/commemorations/june-deportation-1941">'
        "158th anniversary of the June deportation of 1941</a>"
    ) in page
    assert 'href="/venues/freedom-monument-riga"' in page
    assert "Brīvības bulvāris, Rīga" in page
    assert "https://www.openstreetmap.org/?mlat=56.95140&amp;mlon=24.11310" in page
    assert 'href="/organisations/helsinki-86">Helsinki-86</a>' in page
    assert 'href="/organisations/memory-institute">Memory Institute</a>' in page
    assert f'<link rel="canonical" href="http://localhost/events/{event.slug}">' in page
    assert '<meta property="og:title" content="Candle vigil">' in page
    assert f'<meta property="og:url" content="http://localhost/events/{event.slug}">' in page


def test_json_ld_of_a_scheduled_event(client, june):
    event = make_event(
        title={"en": "Candle vigil"},
        commemoration=june,
        starts_at=FUTURE,
        organisations=[make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})],
    )
    data = json_ld(text_of(client.get(f"/events/{event.slug}")))
    assert data["@type"] == "Event"
    assert data["name"] == "Candle vigil"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["startDate"] == "2099-06-14T18:00:00+03:00"
    assert data["endDate"] == "2099-06-14T19:30:00+03:00"
    assert "previousStartDate" not in data
    assert data["url"] == f"http://localhost/events/{event.slug}"
    place = data["location"]
    assert place["@type"] == "Place"
    assert place["name"] == "Freedom Monument"
    assert place["address"]["@type"] == "PostalAddress"
    assert place["address"]["addressCountry"] == "LV"
    assert place["address"]["addressLocality"] == "Rīga"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 56.9514, "longitude": 24.1131}
    assert data["organizer"] == [
        {
            "@type": "Organization",
            "name": "Helsinki-86",
            "url": "http://localhost/organisations/helsinki-86",
        }
    ]


def test_cancelled_event_shows_its_banner_and_note_and_json_ld_says_cancelled(client, app):
    event = make_event(title={"en": "Flower-laying"}, status="cancelled", starts_at=FUTURE)
    page = text_of(client.get(f"/events/{event.slug}"))
    assert "This event is cancelled." in page
    assert "Cancelled." in page  # the public note the factory gives
    assert json_ld(page)["eventStatus"] == "https://schema.org/EventCancelled"
    assert '<meta property="og:title" content="Cancelled: Flower-laying">' in page


def test_postponed_to_a_new_time_is_rescheduled_with_the_previous_start(client, app):
    event = make_event(title={"en": "Reading of names"}, starts_at=FUTURE)
    postpone(
        event,
        None,
        note={"en": "Moved because of the state ceremony."},
        starts_at=datetime(2099, 6, 15, 14, 0, tzinfo=UTC),
    )
    db.session.commit()
    page = text_of(client.get(f"/events/{event.slug}"))
    assert "This event is postponed." in page
    assert "Moved because of the state ceremony." in page
    assert "It was planned for Sunday, 14 June 2099 at 18:00" in page
    assert "Monday, 15 June 2099" in page
    data = json_ld(page)
    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert data["previousStartDate"] == "2099-06-14T18:00:00+03:00"
    assert data["startDate"] == "2099-06-15T17:00:00+03:00"


def test_postponed_without_a_new_time_is_postponed(client, app):
    event = make_event(title={"en": "Reading of names"}, status="postponed", starts_at=FUTURE)
    page = text_of(client.get(f"/events/{event.slug}"))
    assert "This event is postponed." in page
    assert "A new date has not been set yet." in page
    data = json_ld(page)
    assert data["eventStatus"] == "https://schema.org/EventPostponed"
    assert "previousStartDate" not in data
    assert data["startDate"] == "2099-06-14T18:00:00+03:00"


def test_json_ld_keeps_hostile_text_inside_its_script(client, app):
    title = "</script><script>alert(1)</script> & 'quotes'"
    event = make_event(title={"en": title}, starts_at=FUTURE)
    page = text_of(client.get(f"/events/{event.slug}"))
    assert "<script>alert(1)" not in page
    assert json_ld(page)["name"] == title


def test_json_ld_description_is_plain_text(client, app):
    event = make_event(description={"en": "Bring a **candle** & [a flower](https://example.org)."})
    data = json_ld(text_of(client.get(f"/events/{event.slug}")))
    # The one plain-text rendering keeps link targets readable, as calendars show it too.
    assert data["description"] == "Bring a candle & a flower (https://example.org)."


def test_markdown_description_is_sanitised_and_keeps_links(client, app):
    event = make_event(
        title={"en": "Vigil"},
        starts_at=FUTURE,
        description={
            "en": "Bring a **candle**. See [the museum](https://example.org/museum).\n\n"
            "<script>alert('x')</script>\n\n"
            "[a trap](javascript:alert(1)) <img src=x onerror=alert(2)>"
        },
    )
    page = text_of(client.get(f"/events/{event.slug}"))
    assert "<strong>candle</strong>" in page
    assert '<a href="https://example.org/museum" rel="nofollow noopener noreferrer">' in page
    body = page.split('<main id="main"', 1)[1]
    assert "<script" not in body
    assert "<img" not in body
    assert 'href="javascript:' not in body


def test_add_to_calendar_links_carry_utc_times(client, app):
    event = make_event(
        title={"en": "Candle vigil"}, description={"en": "Bring a **candle**."}, starts_at=FUTURE
    )
    page = text_of(client.get(f"/events/{event.slug}"))
    assert f'href="/events/{event.slug}.ics?lang=en"' in page
    google = [href for href in hrefs(page, "calendar.google.com") if "action=TEMPLATE" in href]
    assert len(google) == 1
    query = parse_qs(urlsplit(google[0]).query)
    assert query["action"] == ["TEMPLATE"]
    assert query["text"] == ["Candle vigil"]
    assert query["dates"] == ["20990614T150000Z/20990614T163000Z"]
    assert query["location"] == ["Freedom Monument, Brīvības bulvāris, Rīga"]
    assert query["details"] == [f"Bring a candle.\n\nhttp://localhost/events/{event.slug}"]
    outlook = [href for href in hrefs(page, "outlook.live.com") if "deeplink/compose" in href]
    assert len(outlook) == 1
    query = parse_qs(urlsplit(outlook[0]).query)
    assert query["startdt"] == ["2099-06-14T15:00:00Z"]
    assert query["enddt"] == ["2099-06-14T16:30:00Z"]
    assert query["subject"] == ["Candle vigil"]


def test_event_page_offers_the_relevant_feeds_as_webcal_and_https(client, june):
    organisation = make_organisation(slug="helsinki-86")
    event = make_event(commemoration=june, starts_at=FUTURE, organisations=[organisation])
    page = text_of(client.get(f"/events/{event.slug}"))
    for path in (
        "/calendar.ics",
        "/commemorations/june-deportation-1941/events.ics",
        "/venues/freedom-monument-riga/events.ics",
        "/organisations/helsinki-86/events.ics",
        "/countries/lv/events.ics",
    ):
        assert f'href="webcal://localhost{path}?lang=en"' in page
        assert f'value="http://localhost{path}?lang=en"' in page
    google = [href for href in hrefs(page, "calendar.google.com") if "cid=" in href]
    cids = [parse_qs(urlsplit(href).query)["cid"][0] for href in google]
    assert "webcal://localhost/calendar.ics?lang=en" in cids
    outlook = [href for href in hrefs(page, "outlook.live.com") if "addfromweb" in href]
    urls = [parse_qs(urlsplit(href).query)["url"][0] for href in outlook]
    assert "http://localhost/calendar.ics?lang=en" in urls


def test_event_page_answers_for_an_old_event(client, app):
    event = make_event(title={"en": "Vigil of 2001"}, starts_at=PAST)
    response = client.get(f"/events/{event.slug}")
    assert response.status_code == 200
    assert "Thursday, 14 June 2001" in text_of(response)


def test_event_page_speaks_the_chosen_language(client, june):
    event = make_event(
        title={"en": "Candle vigil", "lv": "Svecīšu vakars"}, commemoration=june, starts_at=FUTURE
    )
    page = text_of(client.get(f"/events/{event.slug}?lang=lv"))
    assert "<h1>Svecīšu vakars</h1>" in page
    assert "Komunistiskā genocīda upuru piemiņas diena" in page
    assert "2099" in page and "jūnijs" in page


# --- The poster -----------------------------------------------------------------------------


def test_poster_has_the_essentials_and_a_qr_code_of_the_event_page(client, june):
    organisation = make_organisation(name={"en": "Helsinki-86"})
    event = make_event(
        title={"en": "Candle vigil"},
        commemoration=june,
        starts_at=FUTURE,
        organisations=[organisation],
    )
    page = text_of(client.get(f"/events/{event.slug}/poster"))
    url = f"http://localhost/events/{event.slug}"
    assert "<h1>Candle vigil</h1>" in page
    assert "158th anniversary of the June deportation of 1941" in page
    assert "Sunday, 14 June 2099" in page
    assert '<p class="poster-time">18:00–19:30</p>' in page  # as a passer-by reads it
    assert "EEST" not in page
    assert "Freedom Monument" in page
    assert "Helsinki-86" in page
    assert url in page
    svgs = re.findall(r"<svg [^>]*>.*?</svg>", page, re.DOTALL)
    assert len(svgs) == 1
    assert 'class="qr-code"' in svgs[0]
    # The code drawn is the code of the event's address (and not of another one).
    drawn = re.search(r' d="([^"]+)"', svgs[0]).group(1)
    expected = segno.make(url, error="m").svg_inline(scale=1, border=4, omitsize=True)
    assert drawn == re.search(r' d="([^"]+)"', expected).group(1)
    other = segno.make(url + "x", error="m").svg_inline(scale=1, border=4, omitsize=True)
    assert drawn != re.search(r' d="([^"]+)"', other).group(1)


def test_poster_of_a_cancelled_event_says_so(client, app):
    event = make_event(status="cancelled", starts_at=FUTURE)
    assert "This event is cancelled." in text_of(client.get(f"/events/{event.slug}/poster"))


# --- The listing ----------------------------------------------------------------------------


@pytest.fixture
def spread(app):
    """Events in two countries, for two commemorations, by two organisations, at three venues."""
    june = make_commemoration()
    march = make_commemoration(
        slug="march-deportation-1949",
        name={"en": "March deportation of 1949"},
        rrule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=25",
        remembered_year=1949,
    )
    riga = make_venue()
    station = make_venue(slug="torna-station", name={"en": "Torņakalns station"}, city="Rīga")
    tallinn = make_venue(
        slug="freedom-square-tallinn",
        name={"en": "Freedom Square"},
        address="Vabaduse väljak",
        city="Tallinn",
        country="EE",
        latitude=59.4337,
        longitude=24.7447,
    )
    helsinki = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    memento = make_organisation(slug="memento", name={"en": "Memento"}, country="EE")
    make_event(
        title={"en": "Candle vigil in Riga"},
        commemoration=june,
        venue=riga,
        organisations=[helsinki],
        starts_at=FUTURE,
    )
    make_event(
        title={"en": "Reading of names at the station"},
        commemoration=june,
        venue=station,
        organisations=[helsinki],
        starts_at=FUTURE,
    )
    make_event(
        title={"en": "Candle vigil in Tallinn"},
        commemoration=june,
        venue=tallinn,
        organisations=[memento],
        starts_at=FUTURE,
    )
    make_event(
        title={"en": "March candle vigil in Riga"},
        commemoration=march,
        venue=riga,
        organisations=[helsinki],
        starts_at=datetime(2099, 3, 25, 16, tzinfo=UTC),
    )
    make_event(
        title={"en": "Candle vigil of 2001"},
        commemoration=june,
        venue=riga,
        organisations=[helsinki],
        starts_at=PAST,
    )
    make_event(
        title={"en": "Draft candle vigil"},
        status="draft",
        commemoration=june,
        venue=riga,
        organisations=[helsinki],
        starts_at=FUTURE,
    )


ALL_TITLES = (
    "Candle vigil in Riga",
    "Reading of names at the station",
    "Candle vigil in Tallinn",
    "March candle vigil in Riga",
    "Candle vigil of 2001",
    "Draft candle vigil",
)


def titles_on(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    page = text_of(response)
    return {title for title in ALL_TITLES if f">{title}</a>" in page}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            {
                "Candle vigil in Riga",
                "Reading of names at the station",
                "Candle vigil in Tallinn",
                "March candle vigil in Riga",
            },
        ),
        (
            "country=lv",
            {
                "Candle vigil in Riga",
                "Reading of names at the station",
                "March candle vigil in Riga",
            },
        ),
        ("country=EE", {"Candle vigil in Tallinn"}),
        (
            "country=lv&commemoration=june-deportation-1941",
            {"Candle vigil in Riga", "Reading of names at the station"},
        ),
        ("country=lv&commemoration=june-deportation-1941&q=CANDLE", {"Candle vigil in Riga"}),
        (
            "organisation=helsinki-86&venue=freedom-monument-riga",
            {"Candle vigil in Riga", "March candle vigil in Riga"},
        ),
        ("organisation=memento&country=lv", set()),
        ("from=2099-06-01&to=2099-06-30&venue=freedom-monument-riga", {"Candle vigil in Riga"}),
        ("to=2099-04-01", {"March candle vigil in Riga"}),
        ("q=station", {"Reading of names at the station"}),
        ("when=past", {"Candle vigil of 2001"}),
        ("when=past&country=ee", set()),
        ("when=past&commemoration=june-deportation-1941&q=2001", {"Candle vigil of 2001"}),
    ],
)
def test_filters_combine(client, spread, query, expected):
    assert titles_on(client, f"/events?{query}") == expected


def test_the_archive_shows_past_events_and_not_future_ones(client, spread):
    page = text_of(client.get("/events?when=past"))
    assert "<h1>Past events</h1>" in page
    assert "Candle vigil of 2001" in page
    assert "Candle vigil in Riga<" not in page
    upcoming = text_of(client.get("/events"))
    assert "Candle vigil of 2001" not in upcoming
    assert 'href="/events?when=past"' in upcoming


def test_listing_keeps_the_chosen_filters_in_the_form(client, spread):
    page = text_of(client.get("/events?country=lv&commemoration=june-deportation-1941&q=vigil"))
    assert '<option value="LV" selected>Latvia</option>' in page
    assert '<option value="june-deportation-1941" selected>' in page
    assert 'name="q" value="vigil"' in page
    assert (
        "webcal://localhost/calendar.ics?country=LV&amp;commemoration=june-deportation-1941&amp;q=vigil"
        in page
    )


def test_listing_pages_through_events_and_a_page_past_the_end_is_kind(client, app):
    app.config["EVENTS_PER_PAGE"] = 2
    venue = make_venue()
    organisation = make_organisation()
    for day in range(1, 6):
        make_event(
            title={"en": f"Vigil on day {day}"},
            venue=venue,
            organisations=[organisation],
            starts_at=datetime(2099, 6, day, 15, tzinfo=UTC),
        )
    first = text_of(client.get("/events"))
    assert "Vigil on day 1<" in first and "Vigil on day 2<" in first
    assert "Vigil on day 3<" not in first
    assert "Page 1 of 3" in first
    assert 'href="/events?page=2"' in first
    third = text_of(client.get("/events?page=3"))
    assert "Vigil on day 5<" in third and "Vigil on day 4<" not in third
    assert 'href="/events?page=2"' in third
    beyond = client.get("/events?page=40")
    assert beyond.status_code == 200
    assert "There are no more events on this page." in text_of(beyond)
    assert 'href="/events?page=1"' in text_of(beyond)
    assert "Page 40" not in text_of(beyond)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/events?country=lv",
        "/events?when=past",
        "/commemorations",
        "/commemorations/june-deportation-1941",
        "/venues",
        "/venues/freedom-monument-riga",
        "/organisations",
        "/organisations/helsinki-86",
    ],
)
def test_listing_pages_cost_the_same_queries_for_3_and_30_events(client, app, count_queries, url):
    june = make_commemoration()
    venues = [make_venue(), make_venue(slug="second-venue", name={"en": "Second venue"})]
    helsinki = make_organisation(slug="helsinki-86")

    def add(count: int, offset: int) -> None:
        for number in range(offset, offset + count):
            make_event(
                venue=venues[number % 2],
                commemoration=june,
                organisations=[helsinki, make_organisation()],
                starts_at=(FUTURE if number % 3 else PAST).replace(day=1 + number % 28),
            )

    def counts() -> tuple[int, int]:
        # The first request after a write builds what is remembered per data version (the
        # listing's page index); the next ones read it. Both cost the same at any size.
        with count_queries() as first:
            assert client.get(url, headers=RENDER).status_code == 200
        with count_queries() as next_ones:
            assert client.get(url, headers=RENDER).status_code == 200
        return len(first), len(next_ones)

    add(3, 0)
    few = counts()
    add(27, 3)
    assert counts() == few


# --- Drafts, unknown slugs, bad filters -----------------------------------------------------


def test_drafts_never_appear_on_any_page(client, spread, fixed_today):
    from sqlalchemy import select

    from planner.events.models import Event

    draft = db.session.execute(
        select(Event).where(Event.title["en"].as_string() == "Draft candle vigil")
    ).scalar_one()
    for url in (
        "/",
        "/events",
        "/events?when=past",
        "/events?q=draft",
        "/commemorations",
        "/commemorations/june-deportation-1941",
        "/venues/freedom-monument-riga",
        "/organisations/helsinki-86",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Draft candle vigil" not in text_of(response), url
    assert client.get(f"/events/{draft.slug}").status_code == 404
    assert client.get(f"/events/{draft.slug}/poster").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/events/no-such-event",
        "/events/no-such-event/poster",
        "/commemorations/no-such-day",
        "/venues/no-such-place",
        "/organisations/no-such-group",
        "/events?organisation=no-such-group",
        "/events?venue=no-such-place",
        "/events?commemoration=no-such-day",
        # Malformed slugs never reach the database (PostgreSQL refuses NUL in text).
        "/events/%00",
        "/events/a%00b/poster",
        "/commemorations/%00",
        "/venues/%00",
        "/organisations/x%00",
        "/events?venue=Not%20a%20slug",
        "/events?organisation=x--y",
        "/events?commemoration=-",
        "/events?venue=" + "a" * 500,
        "/embed/events?organisation=Not%20a%20slug",
        "/manage/events/new?venue=Not%20a%20slug",
    ],
)
def test_unknown_slugs_are_a_404_page(client, app, url):
    if url.startswith("/manage/"):
        organisation = make_organisation()
        sign_in_client(client, make_user(memberships={organisation: "editor"}))
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    if not url.startswith("/embed/"):  # the embed says it in a frame of its own
        assert "Page not found" in text_of(response)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("from=2099-13-01", "from"),
        ("to=14.06.2099", "to"),
        ("country=XX", "country"),
        ("page=0", "page"),
        ("page=two", "page"),
        ("when=someday", "when"),
        ("from=2099-06-14&to=2099-06-01", "to"),
    ],
)
def test_bad_filters_are_a_400_naming_the_parameter(client, app, query, parameter):
    response = client.get(f"/events?{query}")
    assert response.status_code == 400
    label = PARAMETER_LABELS[parameter]
    assert f"Please check what was asked for under “{label}”." in text_of(response)


def test_a_bad_page_number_on_a_commemoration_is_a_400(client, june):
    response = client.get("/commemorations/june-deportation-1941?page=-1")
    assert response.status_code == 400
    assert "Please check what was asked for under “Page”." in text_of(response)


# --- Commemorations, venues, organisations, home --------------------------------------------


def test_commemoration_page_tells_what_is_remembered_the_next_days_events_and_history(
    client, june, fixed_today
):
    lt_venue = make_venue(
        slug="naujoji-vilnia", name={"en": "Naujoji Vilnia station"}, city="Vilnius", country="LT"
    )
    make_event(title={"en": "Vigil in Riga"}, commemoration=june, starts_at=FUTURE)
    make_event(
        title={"en": "Vigil in Vilnius"}, commemoration=june, venue=lt_venue, starts_at=FUTURE
    )
    make_event(
        title={"en": "Vigil a year later"},
        commemoration=june,
        starts_at=datetime(2100, 6, 14, 15, tzinfo=UTC),
    )
    make_event(title={"en": "Vigil of 2001"}, commemoration=june, starts_at=PAST)
    make_event(title={"en": "Unrelated vigil"}, starts_at=FUTURE)
    page = text_of(client.get("/commemorations/june-deportation-1941"))
    assert "<h1>June deportation of 1941</h1>" in page
    assert "The Soviet mass deportation that began on 14 June 1941." in page
    assert "Latvia, Estonia, Lithuania" in page
    assert "Sunday, 14 June 2099" in page and "158th anniversary" in page
    assert "Monday, 14 June 2100" in page and "159th anniversary" in page
    next_part, history = page.split('id="history-heading"')
    coming, later = next_part.split("Planned further ahead")
    assert "Events on Sunday, 14 June 2099" in coming
    assert "Vigil in Riga<" in coming and "Vigil in Vilnius<" in coming
    assert "Vigil a year later<" in later
    assert "Vigil of 2001<" in history and "Vigil of 2001<" not in next_part
    assert "Unrelated vigil" not in page
    feed = "webcal://localhost/commemorations/june-deportation-1941/events.ics?lang=en"
    assert f'href="{feed}"' in page


def test_commemorations_index_lists_each_with_its_next_date(client, june, fixed_today):
    make_commemoration(
        slug="march-deportation-1949",
        name={"en": "March deportation of 1949"},
        rrule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=25",
        remembered_year=1949,
    )
    page = text_of(client.get("/commemorations"))
    march_at = page.index('href="/commemorations/march-deportation-1949"')
    june_at = page.index('href="/commemorations/june-deportation-1941"')
    assert march_at < june_at  # the soonest first
    assert "Wednesday, 25 March 2099" in page
    assert "150th anniversary" in page
    assert "Sunday, 14 June 2099" in page


def test_venue_page_shows_address_map_link_accessibility_and_upcoming_events(client, app):
    venue = make_venue(accessibility_notes={"en": "Step-free access from the park side."})
    make_event(title={"en": "Vigil to come"}, venue=venue, starts_at=FUTURE)
    make_event(title={"en": "Vigil long ago"}, venue=venue, starts_at=PAST)
    page = text_of(client.get("/venues/freedom-monument-riga"))
    assert "<h1>Freedom Monument</h1>" in page
    assert "Brīvības bulvāris, Rīga" in page and "Latvia" in page
    assert 'href="https://www.openstreetmap.org/?mlat=56.95140&amp;mlon=24.11310' in page
    assert "Step-free access from the park side." in page
    assert "Vigil to come<" in page
    assert "Vigil long ago" not in page
    assert 'href="/events?venue=freedom-monument-riga&amp;when=past"' in page
    assert "Freedom Monument" in text_of(client.get("/venues"))


def test_organisation_page_shows_description_website_and_events_to_come_and_past(client, app):
    organisation = make_organisation(
        slug="helsinki-86",
        name={"en": "Helsinki-86"},
        description={"en": "A civic group founded in **1986**."},
        website="https://example.org/helsinki-86",
    )
    other = make_organisation()
    make_event(
        title={"en": "Co-hosted vigil"}, organisations=[other, organisation], starts_at=FUTURE
    )
    make_event(title={"en": "Vigil of 2001"}, organisations=[organisation], starts_at=PAST)
    make_event(title={"en": "Someone else's vigil"}, organisations=[other], starts_at=FUTURE)
    page = text_of(client.get("/organisations/helsinki-86"))
    assert "<h1>Helsinki-86</h1>" in page
    assert "<strong>1986</strong>" in page
    assert 'href="https://example.org/helsinki-86"' in page
    assert "Latvia" in page
    upcoming, past = page.split('id="past-heading"')
    assert "Co-hosted vigil<" in upcoming
    assert "Vigil of 2001<" in past
    assert "Someone else" not in page
    assert "Helsinki-86" in text_of(client.get("/organisations"))


def test_home_page_links_events_days_and_offers_the_whole_calendar(client, june, fixed_today):
    event = make_event(title={"en": "Candle vigil"}, commemoration=june, starts_at=FUTURE)
    page = text_of(client.get("/"))
    assert f'<a href="/events/{event.slug}">Candle vigil</a>' in page
    assert '<a href="/commemorations/june-deportation-1941">June deportation of 1941</a>' in page
    assert 'href="webcal://localhost/calendar.ics?lang=en"' in page
    assert 'value="http://localhost/calendar.ics?lang=en"' in page
    for path, label in (
        ("/events", "Events"),
        ("/commemorations", "Commemorations"),
        ("/venues", "Venues"),
        ("/organisations", "Organisations"),
    ):
        assert f'<a href="{path}">{label}</a>' in page
