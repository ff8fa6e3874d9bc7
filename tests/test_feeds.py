"""The feed routes as subscribers and their calendar apps use them: which events, which answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from planner import create_app
from planner.db import now_utc
from planner.events.operations import cancel, edit_event
from planner.extensions import db
from planner.feeds.fragments import FeedFragment
from planner.feeds.ical import FEED_LANGUAGES
from planner.feeds.storage import StoredFeed, stored_row
from tests.conftest import RENDER
from tests.factories import (
    make_commemoration,
    make_event,
    make_organisation,
    make_venue,
)
from tests.icalcheck import read_all, read_icalendar

FEEDS = (
    "/calendar.ics",
    "/commemorations/june-deportation-1941/events.ics",
    "/venues/freedom-monument-riga/events.ics",
    "/organisations/helsinki-86/events.ics",
    "/countries/LV/events.ics",
    "/events/vigil-at-the-monument.ics",
    "/commemorations.ics",
)


@pytest.fixture
def published(app):
    """One public event reachable through every feed, and a draft that must never show."""
    commemoration = make_commemoration()
    venue = make_venue()
    organisation = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    event = make_event(
        slug="vigil-at-the-monument",
        title={"en": "Vigil at the monument"},
        commemoration=commemoration,
        venue=venue,
        organisations=[organisation],
    )
    draft = make_event(
        status="draft",
        slug="draft-vigil",
        title={"en": "Draft vigil"},
        commemoration=commemoration,
        venue=venue,
        organisations=[organisation],
    )
    return event, draft


def uids(body: bytes) -> set[str]:
    return {event["uid"] for event in read_icalendar(body)[1]}


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_answers_as_a_calendar(client, published, url, node):
    event, draft = published
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('inline; filename="')
    assert response.headers["Content-Disposition"].endswith('.ics"')
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.headers["Last-Modified"]
    readers = read_all(node, response.data)
    for name, events in readers.items():
        found = {seen["uid"] for seen in events}
        assert draft.uid not in found, name
        if url != "/commemorations.ics":
            assert found == {event.uid}, name


def test_conditional_get_and_head(client, published, monkeypatch):
    # A moment after the last write: within its second no date can tell two writes apart.
    later = now_utc() + timedelta(seconds=2)
    monkeypatch.setattr("planner.feeds.serve.now_utc", lambda: later)
    first = client.get("/calendar.ics")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    since = client.get("/calendar.ics", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    other = client.get("/calendar.ics", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.data == first.data
    head = client.head("/calendar.ics")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == etag
    assert head.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert int(head.headers["Content-Length"]) == len(first.data)


def test_a_change_gives_a_new_etag_and_the_old_one_no_longer_matches(client, published):
    event, _ = published
    etag = client.get("/calendar.ics").headers["ETag"]
    edit_event(event, None, title={"en": "Vigil at the Freedom Monument"})
    db.session.commit()
    response = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    assert read_icalendar(response.data)[1][0]["summary"] == "Vigil at the Freedom Monument"


@pytest.mark.parametrize(
    "url",
    [
        "/commemorations/no-such-day/events.ics",
        "/venues/no-such-place/events.ics",
        "/organisations/no-such-group/events.ics",
        "/countries/zz/events.ics",
        "/countries/latvia/events.ics",
        "/events/no-such-event.ics",
        "/events/draft-vigil.ics",
        "/calendar.ics?venue=no-such-place",
        "/calendar.ics?organisation=no-such-group",
        "/commemorations/%00/events.ics",
        "/venues/%00/events.ics",
        "/organisations/a%00/events.ics",
        "/events/%00.ics",
        "/calendar.ics?venue=Not%20a%20slug",
        "/calendar.ics?commemoration=-",
    ],
)
def test_unknown_slugs_are_not_found(client, published, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/calendar.ics?from=14-06-2027", "from"),
        ("/calendar.ics?to=tomorrow", "to"),
        ("/calendar.ics?country=XX", "country"),
        ("/calendar.ics?lang=de", "lang"),
        ("/calendar.ics?when=soon", "when"),
        ("/venues/freedom-monument-riga/events.ics?from=2027-13-01", "from"),
        ("/events/vigil-at-the-monument.ics?lang=xx", "lang"),
        ("/commemorations.ics?lang=EN", "lang"),
    ],
)
def test_malformed_parameters_are_a_400_naming_them(client, published, url, parameter):
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.json["parameter"] == parameter
    page = client.get(url)
    assert page.status_code == 400
    assert parameter in page.get_data(as_text=True)


def test_country_codes_in_either_case(client, published):
    upper = client.get("/countries/LV/events.ics")
    lower = client.get("/countries/lv/events.ics")
    assert upper.data == lower.data
    assert uids(upper.data) == {published[0].uid}
    assert uids(client.get("/countries/ee/events.ics").data) == set()


def test_calendar_takes_the_listing_filters(client, published):
    event, _ = published
    tallinn = make_venue(slug="tallinn", name={"en": "Tallinn"}, country="EE")
    other = make_event(
        venue=tallinn,
        title={"en": "Candles in Tallinn"},
        starts_at=datetime(2091, 3, 25, 16, tzinfo=UTC),
    )
    assert uids(client.get("/calendar.ics").data) == {event.uid, other.uid}
    assert uids(client.get("/calendar.ics?country=ee").data) == {other.uid}
    assert uids(client.get("/calendar.ics?venue=tallinn").data) == {other.uid}
    assert uids(client.get("/calendar.ics?commemoration=june-deportation-1941").data) == {event.uid}
    assert uids(client.get("/calendar.ics?organisation=helsinki-86").data) == {event.uid}
    assert uids(client.get("/calendar.ics?from=2091-06-01&to=2091-06-30").data) == {event.uid}
    assert uids(client.get("/calendar.ics?q=tallinn").data) == {other.uid}
    assert uids(client.get("/organisations/helsinki-86/events.ics?q=tallinn").data) == set()


def test_the_feed_window(client, app):
    now = now_utc()

    def ended(days_ago: int, **values):
        return make_event(
            starts_at=now - timedelta(days=days_ago, hours=2), duration=timedelta(hours=1), **values
        )

    thirteen_months = ended(395, title={"en": "Ended thirteen months ago"})
    eleven_months = ended(335, title={"en": "Ended eleven months ago"})
    cancelled_recent = ended(30, title={"en": "Cancelled last month"}, status="cancelled")
    future = make_event(starts_at=now + timedelta(days=60), title={"en": "Coming"})
    body = client.get("/calendar.ics").data
    assert uids(body) == {eleven_months.uid, cancelled_recent.uid, future.uid}
    past = client.get("/calendar.ics?when=past").data
    assert uids(past) == {eleven_months.uid, cancelled_recent.uid}
    # One event's own feed answers whatever its age.
    assert uids(client.get(f"/events/{thirteen_months.slug}.ics").data) == {thirteen_months.uid}


def test_the_life_of_an_event_as_a_subscriber_sees_it(
    client, published, monkeypatch, node, app_clock_moves
):
    """Published, moved, cancelled, and gone once it is over and out of the window."""
    event, _ = published
    moments = iter(now_utc() + timedelta(minutes=minutes) for minutes in (10, 20))
    monkeypatch.setattr("planner.events.operations.now_utc", lambda: next(moments))

    def seen_by_every_reader() -> list[dict]:
        body = client.get("/organisations/helsinki-86/events.ics").data
        views = read_all(node, body)
        first = views["icalendar"]
        for name, events in views.items():
            assert [(e["uid"], e["status"], e["sequence"]) for e in events] == [
                (e["uid"], e["status"], e["sequence"]) for e in first
            ], name
        return first

    (published_view,) = seen_by_every_reader()
    assert published_view["uid"] == event.uid
    assert (published_view["status"], published_view["sequence"]) == ("CONFIRMED", 0)

    edit_event(
        event,
        None,
        starts_at=datetime(2091, 6, 14, 16, tzinfo=UTC),
        ends_at=datetime(2091, 6, 14, 17, 30, tzinfo=UTC),
    )
    db.session.commit()
    (moved,) = seen_by_every_reader()
    assert moved["uid"] == event.uid
    assert moved["sequence"] == 1
    assert moved["start"] == datetime(2091, 6, 14, 16, tzinfo=UTC)
    assert moved["last_modified"] > published_view["last_modified"]

    cancel(event, None, note={"en": "Cancelled because of the storm warning."})
    db.session.commit()
    (cancelled,) = seen_by_every_reader()
    assert (cancelled["uid"], cancelled["status"]) == (event.uid, "CANCELLED")
    assert cancelled["sequence"] == 2
    assert cancelled["last_modified"] > moved["last_modified"]
    assert "storm warning" in cancelled["description"]

    # After the event, it stays (cancelled) while within the window...
    monkeypatch.setattr("planner.feeds.serve.now_utc", lambda: datetime(2092, 6, 1, 12, tzinfo=UTC))
    (still,) = seen_by_every_reader()
    assert still["status"] == "CANCELLED"
    # ...and once its end is further back than the window, it is gone.
    monkeypatch.setattr(
        "planner.feeds.serve.now_utc", lambda: datetime(2092, 6, 16, 12, tzinfo=UTC)
    )
    assert seen_by_every_reader() == []
    assert client.get(f"/events/{event.slug}.ics").status_code == 200


@pytest.fixture
def no_fragments(app) -> None:
    """No stored fragment (as after a new fragment format): feeds render what they hold."""
    db.session.execute(delete(FeedFragment))
    db.session.commit()


@pytest.fixture
def fragment_builds(monkeypatch) -> list[str]:
    """The UIDs whose VEVENT was rendered (not read back from a stored fragment)."""
    from planner.feeds import ical

    built: list[str] = []
    real = ical.event_fragment

    def counting(event, lang):
        built.append(f"{event.uid}:{lang}")
        return real(event, lang)

    monkeypatch.setattr(ical, "event_fragment", counting)
    return built


def test_an_unchanged_feed_is_not_rebuilt(
    client, published, no_fragments, fragment_builds, count_queries
):
    event, _ = published
    first = client.get("/calendar.ics")
    assert fragment_builds == [f"{event.uid}:en"]
    # What every worker shares (past this worker's kept answers: RENDER).
    with count_queries() as statements:
        second = client.get("/calendar.ics", headers=RENDER)
    assert second.data == first.data
    assert len(statements) == 1  # the data version with the stored feed beside it
    with count_queries() as statements:
        conditional = client.get(
            "/calendar.ics", headers={**RENDER, "If-None-Match": first.headers["ETag"]}
        )
        head = client.head("/calendar.ics", headers=RENDER)
    assert conditional.status_code == 304 and head.status_code == 200
    assert len(statements) == 2  # each the data version and the stored ETag: never the body
    assert not any("feed_cache.body" in statement for statement in statements)
    client.get("/calendar.ics?lang=lv")
    client.get("/countries/lv/events.ics")  # another feed, the same English fragment
    assert fragment_builds == [f"{event.uid}:en", f"{event.uid}:lv"]
    make_organisation()  # any write to public data raises the data version
    third = client.get("/calendar.ics")
    assert len(fragment_builds) == 2  # assembled again from the stored fragment
    assert third.data == first.data  # the same data gives the same bytes
    assert third.headers["ETag"] == first.headers["ETag"]


def test_after_a_write_the_older_feeds_body_is_not_read(client, published):
    """The first request after a write builds the feed again: the database sends no body of
    the older version with the data version (at 50,000 events, 17 MB read only to be dropped)."""
    first = client.get("/calendar.ics")
    key = db.session.execute(select(StoredFeed.key)).scalar_one()
    assert stored_row(key, with_body=True).body == first.data
    make_organisation()  # any write to public data raises the data version
    assert stored_row(key, with_body=True).body is None
    assert stored_row(key, with_body=False).etag is None
    client.get("/calendar.ics")
    assert stored_row(key, with_body=True).body == first.data  # stored for the new version


def test_one_edit_rebuilds_that_events_fragment_only(client, published, fragment_builds):
    others = [
        make_event(starts_at=datetime(2091, 3, 25, 10 + hour, tzinfo=UTC)) for hour in range(3)
    ]
    db.session.execute(delete(FeedFragment))  # as after a new fragment format
    db.session.commit()
    client.get("/calendar.ics")
    del fragment_builds[:]
    edit_event(others[1], None, title={"en": "Candles, later"})
    db.session.commit()  # the write renders the event's fragments, in every language
    assert fragment_builds == [f"{others[1].uid}:{lang}" for lang in FEED_LANGUAGES]
    body = client.get("/calendar.ics").data
    assert len(fragment_builds) == len(FEED_LANGUAGES)  # the feed renders nothing more
    assert "Candles, later" in {seen["summary"] for seen in read_icalendar(body)[1]}


def test_a_build_after_one_edit_reads_the_same_queries_whatever_the_feed_size(
    client, published, fragment_builds, count_queries
):
    """The stored fragments are read, never rebuilt, and by a fixed number of queries: no
    query per event, however many the feed holds."""
    event, _ = published

    def build_after_an_edit() -> int:
        client.get("/calendar.ics")
        edit_event(event, None, title={"en": f"Vigil {len(fragment_builds)}"})
        db.session.commit()
        assert fragment_builds[-len(FEED_LANGUAGES) :] == [
            f"{event.uid}:{lang}" for lang in FEED_LANGUAGES
        ]  # rendered by the write
        del fragment_builds[:]
        with count_queries() as statements:
            assert client.get("/calendar.ics").status_code == 200
        assert fragment_builds == []
        return len(statements)

    small = build_after_an_edit()
    for hour in range(12):
        make_event(starts_at=datetime(2091, 3, 25, 8 + hour, tzinfo=UTC))
    assert build_after_an_edit() == small


def test_two_app_instances_agree_and_see_each_others_writes(app, client, published):
    """Two workers over one database: same bytes and ETag; a write through one shows in both."""
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    other_client = other.test_client()
    try:
        here = client.get("/calendar.ics")
        there = other_client.get("/calendar.ics")
        assert there.data == here.data
        assert there.headers["ETag"] == here.headers["ETag"]
        # Each instance has now cached the feed. A write through the first one...
        event, _ = published
        edit_event(event, None, title={"en": "Vigil, written through one instance"})
        db.session.commit()
        # ...is seen by the next request to the other, whose cache key has moved on.
        after = other_client.get("/calendar.ics", headers={"If-None-Match": there.headers["ETag"]})
        assert after.status_code == 200
        assert after.headers["ETag"] != there.headers["ETag"]
        assert read_icalendar(after.data)[1][0]["summary"] == "Vigil, written through one instance"
        assert client.get("/calendar.ics").headers["ETag"] == after.headers["ETag"]
        # And a write through the second instance shows in the first.
        with other.app_context():
            make_organisation(slug="second-instance-group")
        assert client.get("/organisations/second-instance-group/events.ics").status_code == 200
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_workers_share_fragments_and_feeds_through_the_database(
    app, published, no_fragments, fragment_builds
):
    """A feed built by one worker is served by another without rendering anything again."""
    settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    workers = [create_app("testing", **settings) for _ in range(2)]
    try:
        first = workers[0].test_client().get("/calendar.ics")
        second = workers[1].test_client().get("/calendar.ics")
        assert second.data == first.data
        assert len(fragment_builds) == 1
        workers[1].test_client().get("/countries/lv/events.ics")
        assert len(fragment_builds) == 1
    finally:
        for worker in workers:
            with worker.app_context():
                db.session.remove()
                db.engine.dispose()
