"""The Atom feed of upcoming events as a feed reader sees it: parsed back by feedparser."""

from __future__ import annotations

from datetime import timedelta

import feedparser
import pytest
from lxml import etree

from planner.db import now_utc
from planner.events.operations import cancel
from planner.extensions import cache, db
from tests.factories import make_commemoration, make_event, make_organisation, make_venue

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def upcoming(app):
    """A public event next month and a draft that must never show."""
    soon = now_utc() + timedelta(days=30)
    commemoration = make_commemoration()
    venue = make_venue()
    organisation = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    event = make_event(
        slug="vigil-at-the-monument",
        title={"en": "Vigil at the monument", "lv": "Svecīšu vakars pie pieminekļa"},
        description={"en": "Bring a candle."},
        commemoration=commemoration,
        venue=venue,
        organisations=[organisation],
        starts_at=soon,
    )
    draft = make_event(
        status="draft",
        title={"en": "Draft vigil"},
        venue=venue,
        organisations=[organisation],
        starts_at=soon,
    )
    return event, draft


def parse(body: bytes):
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_the_feed_is_valid_atom_with_the_upcoming_public_events(client, upcoming):
    event, draft = upcoming
    response = client.get("/events.atom")
    assert draft.title["en"] == "Draft vigil"
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = parse(response.data)
    assert [entry.title for entry in feed.entries] == ["Vigil at the monument"]
    entry = feed.entries[0]
    assert entry.id == "urn:uuid:" + event.uid.split("@")[0]
    assert entry.link == "http://localhost/events/vigil-at-the-monument"
    assert [author.name for author in entry.authors] == ["Helsinki-86"]
    assert entry.authors[0].href == "http://localhost/organisations/helsinki-86"
    assert "Bring a candle." in entry.summary
    assert "Freedom Monument" in entry.summary
    assert entry.updated_parsed is not None and entry.published_parsed is not None
    assert "Draft vigil" not in response.get_data(as_text=True)
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": "http://localhost/events.atom", "alternate": "http://localhost/events"}
    assert feed.feed.updated == entry.updated
    # RFC 4287: every required element in the Atom namespace, exactly once.
    root = etree.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1
    for element in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(element.findall(f"{ATOM}{name}")) == 1
        assert element.findall(f"{ATOM}author")


def test_same_data_same_bytes_and_conditional_requests(client, upcoming):
    first = client.get("/events.atom")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Last-Modified"]
    cache.clear()  # built again from the database: the same bytes
    rebuilt = client.get("/events.atom")
    assert rebuilt.data == first.data
    again = client.get("/events.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    head = client.head("/events.atom")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == etag


def test_a_cancellation_moves_updated_and_says_so(client, upcoming):
    event, _ = upcoming
    before = parse(client.get("/events.atom").data).entries[0]
    etag = client.get("/events.atom").headers["ETag"]
    cancel(event, None, note={"en": "The square is closed."})
    db.session.commit()
    response = client.get("/events.atom", headers={"If-None-Match": etag})
    assert response.status_code == 200
    after = parse(response.data).entries[0]
    assert after.id == before.id
    assert after.updated_parsed > before.updated_parsed or after.updated > before.updated
    assert after.title == "Cancelled: Vigil at the monument"
    assert "This event is cancelled." in after.summary
    assert "The square is closed." in after.summary
    assert "status:cancelled" in [tag.term for tag in after.tags]


def test_filters_and_language(client, upcoming):
    event, _ = upcoming
    tallinn = make_venue(slug="tallinn", name={"en": "Tallinn"}, country="EE")
    other = make_event(
        venue=tallinn, title={"en": "Candles in Tallinn"}, starts_at=now_utc() + timedelta(days=9)
    )
    over = make_event(
        title={"en": "Already over"},
        starts_at=now_utc() - timedelta(days=3),
        duration=timedelta(hours=1),
    )

    def titles(url: str) -> list[str]:
        return [entry.title for entry in parse(client.get(url).data).entries]

    assert titles("/events.atom") == ["Candles in Tallinn", "Vigil at the monument"]
    assert over.slug not in client.get("/events.atom").get_data(as_text=True)
    assert titles("/events.atom?country=ee") == ["Candles in Tallinn"]
    assert titles("/events.atom?organisation=helsinki-86") == ["Vigil at the monument"]
    assert titles("/events.atom?q=tallinn") == ["Candles in Tallinn"]
    latvian = parse(client.get("/events.atom?country=LV&lang=lv").data)
    assert latvian.feed.language == "lv"
    assert [entry.title for entry in latvian.entries] == ["Svecīšu vakars pie pieminekļa"]
    links = {link.rel: link.href for link in latvian.feed.links}
    assert links["self"] == "http://localhost/events.atom?country=LV&lang=lv"
    assert links["alternate"] == "http://localhost/events?country=LV&lang=lv"
    assert other.uid != event.uid


@pytest.mark.parametrize(
    ("url", "status", "parameter"),
    [
        ("/events.atom?venue=no-such-place", 404, None),
        ("/events.atom?organisation=no-such-group", 404, None),
        ("/events.atom?from=tomorrow", 400, "from"),
        ("/events.atom?country=XX", 400, "country"),
        ("/events.atom?lang=de", 400, "lang"),
        ("/events.atom?when=past", 400, "when"),
    ],
)
def test_bad_filters(client, upcoming, url, status, parameter):
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == status
    if parameter:
        assert response.json["parameter"] == parameter


def test_pages_advertise_the_feed_with_their_filter_and_language(client, upcoming):
    def alternates(url: str) -> list[str]:
        page = etree.HTML(client.get(url).data)
        return page.xpath('//link[@rel="alternate"][@type="application/atom+xml"]/@href')

    assert alternates("/") == ["http://localhost/events.atom"]
    listing = etree.HTML(client.get("/events?q=vigil").data)
    assert listing.xpath('//p[@class="feed-reader"]/a/@href') == [
        "http://localhost/events.atom?q=vigil"
    ]
    assert alternates("/events?country=LV") == ["http://localhost/events.atom?country=LV"]
    assert alternates("/organisations/helsinki-86") == [
        "http://localhost/events.atom?organisation=helsinki-86"
    ]
    assert alternates("/venues/freedom-monument-riga") == [
        "http://localhost/events.atom?venue=freedom-monument-riga"
    ]
    assert alternates("/commemorations/june-deportation-1941") == [
        "http://localhost/events.atom?commemoration=june-deportation-1941"
    ]
    # The page's language, whether chosen now or remembered from before.
    assert alternates("/organisations/helsinki-86?lang=lt") == [
        "http://localhost/events.atom?organisation=helsinki-86&lang=lt"
    ]
    assert alternates("/events") == ["http://localhost/events.atom?lang=lt"]


def test_a_change_to_the_venue_moves_the_entrys_updated(client, upcoming):
    event, _ = upcoming
    before = parse(client.get("/events.atom").data).entries[0].updated
    event.venue.name = {"en": "Freedom Monument (Riga)"}
    db.session.commit()
    after = parse(client.get("/events.atom").data).entries[0]
    assert after.updated > before
    assert "Freedom Monument (Riga)" in after.summary
