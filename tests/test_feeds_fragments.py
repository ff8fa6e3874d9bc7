"""Feeds assembled from stored per-event fragments are byte for byte the feeds built from
scratch, after any series of edits, for every feed and language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from planner.admin.operations import save
from planner.events.operations import cancel, edit_event, postpone, restore
from planner.events.queries import with_details
from planner.extensions import db
from planner.feeds import ical
from planner.feeds.fragments import FeedFragment
from planner.feeds.storage import StoredFeed
from tests.conftest import on_postgres
from tests.factories import make_commemoration, make_event, make_organisation, make_venue

LANGUAGES = ("en", "et", "lv", "lt")
FEEDS = (
    "/calendar.ics",
    "/calendar.ics?country=LT",
    "/commemorations/june-deportation-1941/events.ics",
    "/venues/freedom-monument-riga/events.ics",
    "/organisations/helsinki-86/events.ics",
    "/countries/lv/events.ics",
    "/events/vigil-at-the-monument.ics",
    # Starts in the hour repeated when clocks go back (written in UTC): its zone's years come
    # from its end; and an event wholly in that hour, whose feed has no VTIMEZONE at all.
    "/events/autumn-night-vigil.ics",
    "/events/within-the-repeated-hour.ics",
)


@pytest.fixture
def catalogue(app):
    """Events in two zones, at a clock change, in Baltic languages, with co-hosts."""
    june = make_commemoration(slug="june-deportation-1941")
    riga = make_venue(slug="freedom-monument-riga")
    vilnius = make_venue(
        slug="lukiskes-square",
        name={"en": "Lukiškės Square", "lt": "Lukiškių aikštė"},
        country="LT",
        city="Vilnius",
        address="Lukiškių a.",
    )
    host = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    cohost = make_organisation(slug="memory-group", name={"en": "Memory group"}, contact_email=None)
    events = {
        "main": make_event(
            slug="vigil-at-the-monument",
            title={"en": "Vigil at the monument", "lv": "Piemiņas brīdis pie pieminekļa"},
            description={"en": "Bring **a candle**.\n\nMeet at the <Main gate>."},
            commemoration=june,
            venue=riga,
            organisations=[host, cohost],
            starts_at=datetime(2091, 6, 14, 15, tzinfo=UTC),
        ),
        "autumn": make_event(  # 03:30 in Riga on the night clocks go back: written in UTC
            slug="autumn-night-vigil",
            venue=riga,
            organisations=[cohost],
            starts_at=datetime(2091, 10, 28, 0, 30, tzinfo=UTC),
        ),
        "repeated": make_event(  # 03:10 to 03:50 in Riga, that same night
            slug="within-the-repeated-hour",
            venue=riga,
            organisations=[cohost],
            starts_at=datetime(2091, 10, 28, 0, 10, tzinfo=UTC),
            duration=timedelta(minutes=40),
        ),
        "vilnius": make_event(
            title={"lt": "Atminimo vakaras Lukiškių aikštėje"},
            venue=vilnius,
            commemoration=june,
            organisations=[host],
            starts_at=datetime(2092, 6, 14, 17, tzinfo=UTC),
        ),
    }
    for number in range(3):
        events[f"more-{number}"] = make_event(
            venue=(riga, vilnius)[number % 2],
            organisations=[host],
            starts_at=datetime(2091, 6, 14, 15, tzinfo=UTC),  # the same start: ordered by UID
        )
    return events


def from_scratch(selection, lang, calendar):
    events = db.session.execute(with_details(selection)).scalars().all()
    return ical.events_calendar(events, lang=lang, **calendar)


def assert_assembled_equals_scratch(client, monkeypatch) -> None:
    assembled = {}
    for url in FEEDS:
        for lang in LANGUAGES:
            full = f"{url}{'&' if '?' in url else '?'}lang={lang}"
            response = client.get(full)
            assert response.status_code == 200, full
            assembled[full] = response.data
    db.session.execute(delete(StoredFeed))
    db.session.commit()
    with monkeypatch.context() as patch:
        patch.setattr("planner.feeds.views.assemble", from_scratch)
        for full, body in assembled.items():
            assert client.get(full).data == body, full
    db.session.execute(delete(StoredFeed))
    db.session.commit()


def test_assembled_feeds_equal_full_rebuilds_after_a_series_of_edits(
    client, catalogue, monkeypatch
):
    assert_assembled_equals_scratch(client, monkeypatch)
    fragments = db.session.execute(select(func.count()).select_from(FeedFragment)).scalar_one()
    assert fragments == len(catalogue) * len(LANGUAGES)

    step = iter(range(1, 100))
    later = datetime.now(UTC)
    monkeypatch.setattr(
        "planner.events.operations.now_utc", lambda: later + timedelta(minutes=next(step))
    )
    main, vilnius = catalogue["main"], catalogue["vilnius"]
    edit_event(main, None, title={"en": "Vigil at the Freedom Monument", "et": "Küünlad"})
    postpone(vilnius, None, starts_at=datetime(2092, 6, 15, 17, tzinfo=UTC))
    db.session.commit()
    assert_assembled_equals_scratch(client, monkeypatch)

    venue = main.venue
    save(type(venue), venue, {"slug": venue.slug, "address": "Brīvības bulvāris 2"}, None)
    host = main.hosts[0].organisation
    save(type(host), host, {"slug": host.slug, "contact_email": "info@example.org"}, None)
    june = main.commemoration
    save(
        type(june),
        june,
        {"slug": june.slug, "name": {"lv": "Komunistiskā genocīda upuru piemiņas diena"}},
        None,
    )
    db.session.commit()
    assert_assembled_equals_scratch(client, monkeypatch)

    cancel(catalogue["more-1"], None, note={"lt": "Atšaukta dėl audros."})
    postpone(vilnius, None, note={"en": "A new date will follow."})
    edit_event(catalogue["autumn"], None, venue=catalogue["vilnius"].venue)
    db.session.commit()
    assert_assembled_equals_scratch(client, monkeypatch)

    restore(catalogue["more-1"], None)
    db.session.commit()
    assert_assembled_equals_scratch(client, monkeypatch)


def test_hosts_with_the_catalogues_in_other_directories_share_fragments(app, tmp_path):
    """The rendering context names the catalogues by their contents, not where they are
    installed: otherwise two hosts would each find the other's fragments stale."""
    import shutil

    from planner.feeds.cache import _fingerprint

    installed = app.config["BABEL_TRANSLATION_DIRECTORIES"]
    copies = [tmp_path / name / "translations" for name in ("one", "elsewhere", "changed")]
    for copy in copies:
        shutil.copytree(installed, copy)
    catalogue = next(copies[2].glob("lv/LC_MESSAGES/*.mo"))
    catalogue.write_bytes(catalogue.read_bytes() + b"\0")
    one, elsewhere, changed = (_fingerprint(str(copy)) for copy in copies)
    assert one == elsewhere
    assert changed != one


def test_postgresql_compresses_a_stored_feed_with_lz4(client, app):
    if not on_postgres():
        pytest.skip("PostgreSQL run only: SQLite does not compress")
    venue = make_venue()
    for day in range(60):  # a feed of some 40 KB: stored compressed, out of line
        make_event(venue=venue, starts_at=datetime.now(UTC) + timedelta(days=day + 1))
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    method = db.session.execute(
        select(func.pg_column_compression(StoredFeed.body)).where(
            StoredFeed.length == len(response.data)
        )
    ).scalar_one()
    assert method == "lz4"
