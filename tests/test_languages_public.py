"""A reader in Estonian, Latvian or Lithuanian meets a service written for them.

For every public page type and every language: each calendar link gives a feed in the page's
language, the language links keep the page's path and query, and no English sentence from the
catalogue is left on a page in another language.
"""

from __future__ import annotations

import html
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from babel.messages.pofile import read_po
from flask import g
from sqlalchemy import select

from planner.commemorations.labels import distinct_labels
from planner.commemorations.models import Commemoration
from planner.demo import load_demo
from planner.events.models import Event
from planner.extensions import db
from planner.sentence_dates import date_in_sentence

LANGUAGES = ("en", "et", "lv", "lt")
TRANSLATIONS = Path(__file__).resolve().parent.parent / "planner" / "translations"


def forget_the_language() -> None:
    """Flask-Babel keeps the language it found in `g`, which outlives a request in tests."""
    g.pop("_flask_babel", None)


@pytest.fixture
def demo(app):
    load_demo()
    db.session.commit()
    forget_the_language()
    return db.session.execute(select(Event).order_by(Event.slug)).scalars().first()


def public_pages(event: Event) -> list[str]:
    """One page of every public type, filters and archive included."""
    return [
        "/",
        "/events",
        "/events?country=lv&commemoration=june-deportation-1941",
        "/events?when=past&venue=freedom-monument-riga",
        f"/events/{event.slug}",
        f"/events/{event.slug}/poster",
        "/commemorations",
        "/commemorations/june-deportation-1941",
        "/venues",
        "/venues/freedom-monument-riga",
        "/organisations",
        "/organisations/museum-occupation-latvia-org",
        "/embed/events?country=lv",
        "/events?organisation=nope",
        "/events?from=not-a-date",
    ]


class _Links(HTMLParser):
    """Every href and every input value, and the page's text outside scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []
        self.language_links: dict[str, str] = {}
        self.text: list[str] = []
        self._skip = 0
        self._in_languages = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style", "textarea"):
            self._skip += 1
        if tag == "nav" and "languages" in (attributes.get("class") or ""):
            self._in_languages = True
        for name in ("href", "value", "src"):
            if attributes.get(name):
                self.addresses.append(attributes[name])
        if tag == "a" and self._in_languages:
            self.language_links[attributes["hreflang"]] = attributes["href"]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea"):
            self._skip -= 1
        if tag == "nav":
            self._in_languages = False

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def read(client, path: str, lang: str) -> _Links:
    separator = "&" if "?" in path else "?"
    response = client.get(f"{path}{separator}lang={lang}")
    assert response.status_code in (200, 400, 404), path
    parsed = _Links()
    parsed.feed(response.get_data(as_text=True))
    return parsed


def calendar_feeds(addresses: list[str]) -> list[str]:
    """The feed addresses behind every calendar link: .ics, webcal://, Google's cid, Outlook's."""
    feeds = []
    for address in addresses:
        query = parse_qs(urlsplit(address).query)
        if "calendar.google.com" in address and "cid" in query:
            feeds.append(query["cid"][0])
        elif "outlook.live.com" in address and "addfromweb" in address:
            feeds.append(query["url"][0])
        elif address.startswith("webcal://") or ".ics" in urlsplit(address).path:
            feeds.append(address)
    return feeds


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_calendar_link_gives_a_feed_in_the_page_language(client, demo, lang):
    for path in public_pages(demo):
        feeds = calendar_feeds(read(client, path, lang).addresses)
        if path.startswith(("/events/", "/commemorations/", "/venues/", "/organisations/", "/")):
            pass
        for feed in feeds:
            assert parse_qs(urlsplit(feed).query).get("lang") == [lang], (path, feed)
    # The pages that offer calendars do offer them.
    for path in ("/", f"/events/{demo.slug}", "/commemorations/june-deportation-1941"):
        assert calendar_feeds(read(client, path, lang).addresses), path


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_language_links_keep_the_path_and_the_query(client, demo, lang):
    for path in public_pages(demo):
        if path.startswith("/embed/"):
            continue  # the embed has no language links: the partner site chooses
        links = read(client, path, lang).language_links
        assert sorted(links) == sorted(LANGUAGES), path
        for target, href in links.items():
            parts = urlsplit(href)
            assert parts.path == urlsplit(path).path
            query = parse_qsl(parts.query)
            assert ("lang", target) in query
            assert [pair for pair in query if pair[0] != "lang"] == parse_qsl(urlsplit(path).query)


def english_sources(lang: str) -> list[str]:
    """Fragments of the catalogue's English sentences that the `lang` catalogue words otherwise.

    A message with placeholders gives its longest fixed part; short fragments (one word, which
    may be a name such as "Outlook") and messages written the same in both are left out."""
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as file:
        catalogue = read_po(file)
    fragments = []
    for message in catalogue:
        if not message.id or isinstance(message.id, tuple) or not message.string:
            continue
        if message.string == message.id:
            continue
        longest = max(re.split(r"%\(\w+\)[sd]|%%", message.id), key=len).strip(" :;,.()")
        if len(longest.split()) >= 2 and longest not in message.string:
            fragments.append(longest)
    return fragments


@pytest.mark.parametrize("lang", ("et", "lv", "lt"))
def test_no_english_sentence_is_left_on_a_page_in_another_language(client, demo, lang):
    fragments = english_sources(lang)
    assert len(fragments) > 300  # the check has something to find
    for path in public_pages(demo):
        text = " ".join(" ".join(read(client, path, lang).text).split())
        text = html.unescape(text)
        left = [fragment for fragment in fragments if fragment in text]
        assert left == [], (path, left)


def test_the_check_finds_english_left_on_a_latvian_page(client, demo):
    """The check above can fail: English text on a Latvian page is caught."""
    fragments = english_sources("lv")
    assert "Subscribe in your calendar" in fragments
    assert "Subscribe in your calendar" in " ".join(read(client, "/", "en").text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_two_commemorations_share_a_label_in_any_language(app, demo, lang):
    commemorations = db.session.execute(select(Commemoration)).scalars().all()
    labels = distinct_labels(commemorations, lang)
    assert len(set(label.casefold() for label in labels.values())) == len(commemorations)


def test_the_two_latvian_genocide_days_are_told_apart_by_their_dates(client, demo):
    labels = distinct_labels(db.session.execute(select(Commemoration)).scalars(), "lv")
    by_slug = {c.slug: labels[c.id] for c in db.session.execute(select(Commemoration)).scalars()}
    forget_the_language()
    assert by_slug["june-deportation-1941"] == (
        "Komunistiskā genocīda upuru piemiņas diena (14. jūnijs)"
    )
    assert by_slug["march-deportation-1949"] == (
        "Komunistiskā genocīda upuru piemiņas diena (25. marts)"
    )
    # A name no other day bears stays as it is.
    assert by_slug["european-day-victims-stalinism-nazism"] == (
        "Staļinisma un nacisma upuru atceres diena"
    )
    # Everywhere they are listed or named: the filter, the list of days, the feeds' names.
    listing = client.get("/events?lang=lv").get_data(as_text=True)
    assert ">Komunistiskā genocīda upuru piemiņas diena (14. jūnijs)</option>" in listing
    assert ">Komunistiskā genocīda upuru piemiņas diena (25. marts)</option>" in listing
    days = client.get("/commemorations?lang=lv").get_data(as_text=True)
    assert "(14. jūnijs)</a>" in days and "(25. marts)</a>" in days
    names = set()
    for slug in ("june-deportation-1941", "march-deportation-1949"):
        feed = client.get(f"/commemorations/{slug}/events.ics?lang=lv").get_data(as_text=True)
        (name,) = re.findall(r"^X-WR-CALNAME:(.*)$", feed.replace("\r\n ", ""), re.MULTILINE)
        names.add(name.strip())
    assert len(names) == 2


def test_a_rule_by_weekday_is_told_apart_too(app):
    first = Commemoration(
        slug="first", name={"en": "Day"}, rrule="FREQ=YEARLY;BYMONTH=5;BYDAY=3SU", countries=["UA"]
    )
    second = Commemoration(
        slug="second", name={"en": "day"}, rrule="FREQ=YEARLY;BYMONTH=5;BYDAY=3SU", countries=["UA"]
    )
    first.id, second.id = 1, 2
    labels = distinct_labels([first, second], "en")
    assert labels[1] != labels[2]
    assert labels[1].startswith("Day (") and labels[2].startswith("Day (")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Monday, 14 June 2088"),
        ("lv", "pirmdien, 2088. gada 14. jūnijā"),
        ("et", "esmaspäeval, 14. juunil 2088"),
        ("lt", "2088 m. birželio 14 d., pirmadienį"),
    ],
)
def test_dates_inside_sentences_take_the_form_the_sentence_needs(lang, expected):
    assert date_in_sentence(date(2088, 6, 14), lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "25 March 2089"),
        ("lv", "2089. gada 25. martā"),
        ("et", "25. märtsil 2089"),
        ("lt", "2089 m. kovo 25 d."),
    ],
)
def test_a_date_without_its_weekday(lang, expected):
    assert date_in_sentence(date(2089, 3, 25), lang, weekday=False) == expected


def test_every_month_and_weekday_has_its_sentence_form():
    for month in range(1, 13):
        for lang in ("lv", "et", "lt"):
            written = date_in_sentence(date(2090, month, 1), lang)
            assert written and "%" not in written
    days = {date_in_sentence(date(2090, 6, day), "lv").split(",")[0] for day in range(3, 10)}
    assert days == {
        "pirmdien",
        "otrdien",
        "trešdien",
        "ceturtdien",
        "piektdien",
        "sestdien",
        "svētdien",
    }


def test_the_commemoration_page_says_when_in_a_whole_latvian_sentence(client, demo):
    june = db.session.execute(
        select(Commemoration).where(Commemoration.slug == "june-deportation-1941")
    ).scalar_one()
    day = june.next_occurrence()
    forget_the_language()
    page = client.get("/commemorations/june-deportation-1941?lang=lv").get_data(as_text=True)
    assert f"Pasākumi {date_in_sentence(day, 'lv')}</h2>" in page


def test_estonian_day_names_start_headings_with_a_capital(client, demo):
    page = client.get("/commemorations/june-deportation-1941?lang=et").get_data(as_text=True)
    assert "<h1>Leinapäev</h1>" in page


def test_an_unknown_filter_value_is_a_public_sentence_in_the_reader_language(client, demo):
    response = client.get("/events?organisation=nope&lang=lv")
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "Organizācijas ar adresi „nope” nav." in text
    assert "slug" not in text
    embed = client.get("/embed/events?organisation=nope&lang=lv").get_data(as_text=True)
    assert "Organizācijas ar adresi „nope” nav." in embed
    assert "Not Found" not in embed


def test_content_falls_back_to_its_original_language_marked_as_such(client, demo):
    # Maarjamäe has an Estonian and an English name; a Latvian reader gets the Estonian one.
    page = client.get("/venues?lang=lv").get_data(as_text=True)
    assert '<span lang="et">Maarjamäe kommunismiohvrite memoriaal</span>' in page
    assert "Memorial to the Victims of Communism (Maarjamäe)" not in page
    # Its own language needs no mark.
    page = client.get("/venues?lang=et").get_data(as_text=True)
    assert '<span lang="et">' not in page
    assert "Maarjamäe kommunismiohvrite memoriaal" in page


def test_a_postponed_event_says_when_it_was_planned_in_a_whole_sentence(client, app):
    from datetime import UTC, datetime, timedelta

    from planner.events.operations import postpone
    from tests.factories import make_event

    first = datetime(2099, 6, 14, 15, 0, tzinfo=UTC)
    event = make_event(title={"en": "Vigil", "lv": "Piemiņas brīdis"}, starts_at=first)
    postpone(event, None, note={"lv": "Lietus dēļ."}, starts_at=first + timedelta(days=7))
    db.session.commit()
    forget_the_language()
    expected = {
        "lv": "Tas bija plānots svētdien, 2099. gada 14. jūnijā plkst. 18:00;",
        "et": "See oli kavandatud pühapäeval, 14. juunil 2099 kell 18:00;",
        "lt": "Renginys buvo numatytas 2099 m. birželio 14 d., sekmadienį, 18:00 val.;",
        "en": "It was planned for Sunday, 14 June 2099 at 18:00;",
    }
    for lang, sentence in expected.items():
        page = client.get(f"/events/{event.slug}?lang={lang}").get_data(as_text=True)
        assert sentence in page, lang
    # The Latvian note, shown to an Estonian reader, is marked as Latvian.
    page = client.get(f"/events/{event.slug}?lang=et").get_data(as_text=True)
    assert '<p lang="lv">Lietus dēļ.</p>' in page
