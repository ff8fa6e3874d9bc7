"""A write renders the fragments of the events it changed (planner/feeds/written.py): the feed
read next renders nothing, and a write never fails because of its fragments."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from planner.admin.operations import save
from planner.events.models import EventStatus
from planner.events.operations import edit_event, publish
from planner.extensions import db
from planner.feeds import ical
from planner.feeds.fragments import FeedFragment
from tests.factories import make_event

LANGUAGES = ("en", "et", "lv", "lt")


@pytest.fixture
def renders(monkeypatch):
    """The (event slug, language) of every VEVENT rendered."""
    rendered: list[tuple[str, str]] = []
    render = ical.event_fragment

    def counted(event, lang):
        rendered.append((event.slug, lang))
        return render(event, lang)

    monkeypatch.setattr(ical, "event_fragment", counted)
    return rendered


def stored_languages(event) -> set[str]:
    return set(
        db.session.execute(select(FeedFragment.lang).where(FeedFragment.event_id == event.id))
        .scalars()
        .all()
    )


def test_a_new_event_is_stored_in_every_feed_language_and_the_feed_renders_nothing(
    app, client, renders
):
    event = make_event(slug="vigil-at-the-monument", title={"en": "Vigil at the monument"})
    assert stored_languages(event) == set(LANGUAGES)
    assert sorted(renders) == sorted(("vigil-at-the-monument", lang) for lang in LANGUAGES)

    renders.clear()
    for lang in LANGUAGES:
        response = client.get(f"/calendar.ics?lang={lang}")
        assert response.status_code == 200
        assert b"UID:" + event.uid.encode() in response.data
    assert renders == []


def test_an_edit_renders_only_the_event_it_changed(app, client, renders):
    edited = make_event(slug="vigil-at-the-monument", title={"en": "Vigil at the monument"})
    other = make_event(slug="candles-at-the-station", title={"en": "Candles at the station"})
    client.get("/calendar.ics")
    renders.clear()

    edit_event(edited, None, title={"en": "Vigil at the Freedom Monument"})
    db.session.commit()
    assert sorted(renders) == sorted(("vigil-at-the-monument", lang) for lang in LANGUAGES)

    renders.clear()
    feed = client.get("/calendar.ics").data
    assert renders == []
    assert b"SUMMARY:Vigil at the Freedom Monument" in feed
    assert b"SUMMARY:Candles at the station" in feed
    assert other.slug.encode() in feed


def test_a_draft_has_no_fragment(app, renders):
    draft = make_event(status=EventStatus.DRAFT, title={"en": "Not yet announced"})
    assert stored_languages(draft) == set()
    assert renders == []


def test_a_venue_edit_leaves_its_events_to_the_next_feed(app, client, renders):
    """A place may hold thousands of events: they are rendered when a feed is read, not in the
    administrator's request."""
    event = make_event(slug="vigil-at-the-monument")
    client.get("/calendar.ics")
    renders.clear()

    venue = event.venue
    save(type(venue), venue, {"slug": venue.slug, "address": "Brīvības bulvāris 2"}, None)
    db.session.commit()
    assert renders == []

    feed = client.get("/calendar.ics").data
    assert renders == [("vigil-at-the-monument", "en")]
    assert "Brīvības bulvāris 2".encode() in feed


def test_a_write_commits_when_its_fragments_cannot_be_rendered(app, client, monkeypatch, caplog):
    event = make_event(slug="vigil-at-the-monument", title={"en": "Vigil at the monument"})

    def broken(event, lang):
        raise RuntimeError("a renderer that fails")

    with monkeypatch.context() as patch:
        patch.setattr(ical, "event_fragment", broken)
        edit_event(event, None, title={"en": "Vigil at the Freedom Monument"})
        with caplog.at_level(logging.ERROR):
            db.session.commit()
    assert "fragments of events" in caplog.text
    assert "a renderer that fails" in caplog.text

    db.session.expire_all()
    assert event.title["en"] == "Vigil at the Freedom Monument"
    # The old fragments are stale: the feed renders the event again, with the new title.
    assert b"SUMMARY:Vigil at the Freedom Monument" in client.get("/calendar.ics").data


def test_a_write_within_a_request_stores_fragments_the_feed_reuses(app, client, renders):
    """Organisers write through requests; commands (an import, `flask bench generate`) write
    without one and build links for the public base URL (the other tests): either way the
    feed finds the fragments current."""
    with app.test_request_context("/manage/events/new", base_url="http://localhost"):
        make_event(slug="written-in-a-request")
    assert ("written-in-a-request", "en") in renders
    renders.clear()
    assert b"URL:http://localhost/events/written-in-a-request" in client.get("/calendar.ics").data
    assert renders == []


def test_a_write_looks_for_stale_fragments_once_per_language(app, count_queries, renders):
    """Operations release several SAVEPOINTs per event (each one a "commit" to SQLAlchemy):
    only the transaction's own commit renders, once for everything it wrote."""
    draft = make_event(status=EventStatus.DRAFT, slug="vigil-at-the-monument")
    other = make_event(slug="candles-at-the-station")
    renders.clear()
    with count_queries() as statements:
        publish(draft, None, clash_acknowledged=True)
        edit_event(other, None, title={"en": "Candles at the station, later"})
        db.session.commit()
    looked_up = [s for s in statements if "feed_fragments" in s and s.lstrip().startswith("SELECT")]
    assert len(looked_up) == len(LANGUAGES)
    assert sorted(renders) == sorted(
        (slug, lang)
        for slug in ("vigil-at-the-monument", "candles-at-the-station")
        for lang in LANGUAGES
    )


def test_flask_feeds_render_stores_what_the_feeds_hold_so_that_they_render_nothing(
    app, client, renders
):
    now = datetime.now(UTC)
    coming = [
        make_event(title={"en": f"Vigil {day}"}, starts_at=now + timedelta(days=day))
        for day in (3, 40, 400)
    ]
    long_past = make_event(title={"en": "Long ago"}, starts_at=now - timedelta(days=2000))
    db.session.execute(delete(FeedFragment))  # as after a change of the catalogues
    db.session.commit()
    renders.clear()

    result = app.test_cli_runner().invoke(args=["feeds", "render"])
    assert result.exit_code == 0, result.output
    assert "lv: 3 rendered" in result.output
    assert "12 fragments rendered" in result.output
    db.session.expire_all()
    for event in coming:
        assert stored_languages(event) == set(LANGUAGES)
    assert stored_languages(long_past) == set()  # out of every feed's window

    renders.clear()
    for lang in LANGUAGES:
        assert client.get(f"/calendar.ics?lang={lang}").status_code == 200
    assert renders == []
    again = app.test_cli_runner().invoke(args=["feeds", "render"])
    assert "0 fragments rendered" in again.output


def test_flask_feeds_render_needs_the_public_base_url(app):
    app.config["SITE_URL"] = ""
    result = app.test_cli_runner().invoke(args=["feeds", "render"])
    assert result.exit_code != 0
    assert "SITE_URL must name the public base URL" in result.output
