"""A calmer public page: one subscribe control, headings that say what is shown, a poster a
passer-by reads, an embed whose accent stays visible, a 400 page for the public."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from planner.embed.options import contrast_ratio
from tests.factories import make_commemoration, make_event, make_organisation

FUTURE = datetime(2099, 6, 14, 15, 0, tzinfo=UTC)


@pytest.fixture
def event(app):
    june = make_commemoration()
    host = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    return make_event(
        title={"en": "Candle vigil"}, commemoration=june, starts_at=FUTURE, organisations=[host]
    )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/events",
        "/events/{slug}",
        "/commemorations/june-deportation-1941",
        "/venues/freedom-monument-riga",
        "/organisations/helsinki-86",
    ],
)
def test_each_page_has_one_subscribe_control(client, event, path):
    page = client.get(path.format(slug=event.slug)).get_data(as_text=True)
    assert page.count('class="subscribe-box"') == 1
    # The feeds to choose from, then the apps: each feed offers the same four ways.
    choices = page.count('class="feed-choice"')
    assert choices >= 1
    assert page.count("Apple Calendar, Thunderbird and other apps") == choices
    assert page.count('class="feed-address-text"') == choices


def test_the_event_page_offers_its_day_place_organiser_country_and_everything(client, event):
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    summaries = re.findall(r"<summary>(.*?)</summary>", page)
    assert summaries == [
        "June deportation of 1941",
        "Freedom Monument",
        "Helsinki-86",
        "Events in Latvia",
        "All events",
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/commemorations/june-deportation-1941",
        "/venues/freedom-monument-riga",
        "/organisations/helsinki-86",
    ],
)
def test_subscribe_comes_before_the_museums_embed_code(client, event, path):
    page = client.get(path).get_data(as_text=True)
    assert 0 < page.index('class="subscribe-box"') < page.index('class="embed-box"')


@pytest.mark.parametrize(
    ("query", "heading"),
    [
        ("country=lv", "Upcoming events in Latvia"),
        ("country=lv&when=past", "Past events in Latvia"),
        ("country=lv&lang=lv", "Gaidāmie pasākumi Latvijā"),
        ("country=lt&lang=et", "Tulevased üritused Leedus"),
        ("country=ee&lang=lt", "Būsimi renginiai Estijoje"),
        ("commemoration=june-deportation-1941", "Upcoming events: June deportation of 1941"),
        ("country=FI", "Upcoming events: Finland"),
    ],
)
def test_headings_say_what_is_shown_on_the_listing_and_in_the_embed(client, event, query, heading):
    listing = client.get(f"/events?{query}").get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in listing
    embed = client.get(f"/embed/events?{query}").get_data(as_text=True)
    assert f'<h1 class="embed-heading">{heading}</h1>' in embed


def test_the_embed_subscribes_in_its_language(client, event):
    embed = client.get("/embed/events?country=lv&lang=lv").get_data(as_text=True)
    assert 'href="webcal://localhost/calendar.ics?country=LV&amp;lang=lv"' in embed
    assert "Abonēt šos pasākumus savā kalendārā" in embed


@pytest.mark.parametrize(
    ("args", "background"),
    [
        ("accent=f3d9de", "#ffffff"),
        ("accent=fff8e0", "#ffffff"),
        ("theme=dark&accent=202024", "#1b1b1d"),
    ],
)
def test_the_embed_accent_bar_keeps_three_to_one_contrast(client, args, background):
    css = client.get(f"/embed/theme.css?{args}").get_data(as_text=True)
    accent = re.search(r"--accent: (#[0-9a-f]{6})", css)[1]
    assert contrast_ratio(accent, background) >= 3


def test_the_poster_gives_the_time_as_a_passer_by_reads_it(client, event):
    page = client.get(f"/events/{event.slug}/poster?lang=lv").get_data(as_text=True)
    assert re.search(r'<p class="poster-time">18:00–19:30</p>', page)
    assert "EEST" not in page and "(Europe/Riga)" not in page
    assert "Drukāt plakātu" in page
    assert "poster.js" in page


def test_a_bad_date_in_the_filters_is_explained_to_the_public_in_latvian(client, event):
    response = client.get("/events?from=2099-13-01&lang=lv")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Lūdzu, pārbaudiet, kas norādīts laukā „No”." in page
    assert "parameter" not in page.lower()
    # The API's problem JSON keeps naming the parameter.
    problem = client.get("/api/v1/events?from=2099-13-01").json
    assert problem["parameter"] == "from"


def test_a_page_number_written_as_a_whole_decimal_is_that_page(client, event):
    # JSON Schema counts 3.0 as an integer, and the API's document promises integers.
    assert client.get("/api/v1/venues?page=1.0").status_code == 200
    assert client.get("/api/v1/venues?page=1.5").status_code == 400
    assert client.get("/events?page=1.00").status_code == 200
