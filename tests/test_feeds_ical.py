"""What a subscriber's calendar app reads from the feeds: icalendar, vobject and ical.js agree
with the database across DST changes, Baltic languages, long lines and hostile text."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from planner.commemorations.models import Commemoration
from planner.events.models import EventKind
from planner.extensions import db
from planner.text import markdown_to_text, multi_line, one_line
from tests.factories import (
    make_commemoration,
    make_event,
    make_organisation,
    make_venue,
)
from tests.icalcheck import (
    ROOT,
    check_folding,
    raw_lines,
    read_all,
    read_icalendar,
    read_icaljs,
    read_vobject,
    unescape_text,
    used_tzids,
    vtimezone_tzids,
)

BALTIC = {
    "et": "Mälestusküünalde süütamine Õismäe väljakul: õ ä ö ü š ž — küüditatute mälestuseks",
    "lv": "Piemiņas brīdis pie Brīvības pieminekļa: ā ē ī ū ķ ļ ņ ģ č š ž — deportēto piemiņai",
    "lt": "Atminimo vakaras Lukiškių aikštėje: ą č ę ė į š ų ū ž — tremtinių atminimui",
}


def feed(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.data[:500]
    return response.data


def by_uid(events: list[dict]) -> dict[str, dict]:
    return {event["uid"]: event for event in events}


def the_readers(node_or_none, body: bytes) -> dict[str, dict[str, dict]]:
    return {name: by_uid(events) for name, events in read_all(node_or_none, body).items()}


@pytest.fixture
def riga_dst_events(app):
    """Four events at the edges of Riga's 2091 clock changes (spring 25 March, autumn 28 Oct)."""
    venue = make_venue()
    moments = {
        # 02:30 EET, half an hour before clocks go forward at 03:00.
        "before-spring": datetime(2091, 3, 25, 0, 30, tzinfo=UTC),
        # 04:30 EEST, an hour and a half after.
        "after-spring": datetime(2091, 3, 25, 1, 30, tzinfo=UTC),
        # 03:30 EEST, the first time the clock shows 03:30 that night (RFC 5545's reading of
        # a TZID time; ical.js reads the second).
        "autumn-first": datetime(2091, 10, 28, 0, 30, tzinfo=UTC),
        # 03:30 EET, the second time: only UTC can say which.
        "autumn-second": datetime(2091, 10, 28, 1, 30, tzinfo=UTC),
    }
    return {
        name: make_event(venue=venue, starts_at=moment, duration=timedelta(minutes=45), slug=name)
        for name, moment in moments.items()
    }


def test_times_survive_the_clock_changes_in_every_reader(client, riga_dst_events, node):
    body = feed(client, "/calendar.ics")
    readers = the_readers(node, body)
    assert set(readers) == {"icalendar", "vobject", "ical.js"}
    for name, events in readers.items():
        for event in riga_dst_events.values():
            seen = events[event.uid]
            assert seen["start"] == event.starts_at, (name, event.slug, seen["start"])
            assert seen["end"] == event.ends_at, (name, event.slug, seen["end"])
    text = body.decode()
    # Local wall times with the venue's zone, where the wall time says one instant...
    assert "DTSTART;TZID=Europe/Riga:20910325T023000" in text
    assert "DTSTART;TZID=Europe/Riga:20910325T043000" in text
    # ...and UTC in the repeated hour, where readers disagree on which 03:30 a TZID time is.
    assert "DTSTART:20911028T003000Z" in text
    assert "DTSTART:20911028T013000Z" in text
    assert "TZID=Europe/Riga:20911028T03" not in text
    assert readers["ical.js"][riga_dst_events["after-spring"].uid]["start_tzid"] == "Europe/Riga"


def test_vtimezone_onsets_follow_rfc_5545(client, riga_dst_events):
    text = feed(client, "/calendar.ics").decode()
    # The onset is the local time before the change: 03:00 EET in spring, 04:00 EEST in autumn.
    assert (
        "BEGIN:DAYLIGHT\r\nDTSTART:20910325T030000\r\nTZNAME:EEST\r\n"
        "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0300\r\nEND:DAYLIGHT"
    ) in text
    assert (
        "BEGIN:STANDARD\r\nDTSTART:20911028T040000\r\nTZNAME:EET\r\n"
        "TZOFFSETFROM:+0300\r\nTZOFFSETTO:+0200\r\nEND:STANDARD"
    ) in text


@pytest.mark.parametrize(
    ("zone_name", "first_year", "last_year"),
    [
        ("Europe/Riga", 1988, 1992),  # the Baltic zones left Moscow time in 1989-1991
        ("Europe/Vilnius", 1988, 1999),
        ("Asia/Gaza", 2010, 2026),  # daylight time paused for Ramadan: changes days apart
        ("America/Noronha", 1999, 2002),
    ],
)
def test_a_vtimezone_gives_every_hour_the_offset_of_the_tz_database(
    zone_name, first_year, last_year
):
    from zoneinfo import ZoneInfo

    from icalendar import Calendar

    from planner.feeds.timezones import vtimezone_ical

    zone = ZoneInfo(zone_name)
    calendar = Calendar.from_ical(
        b"BEGIN:VCALENDAR\r\n"
        + vtimezone_ical(zone_name, first_year, last_year)
        + b"END:VCALENDAR\r\n"
    )
    onsets = sorted(
        (
            observance.DTSTART - observance["TZOFFSETFROM"].td,
            observance["TZOFFSETTO"].td,
        )
        for observance in calendar.walk()
        if observance.name in ("STANDARD", "DAYLIGHT")
    )
    instant = datetime(first_year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    while instant < end:
        wall = instant.replace(tzinfo=None)
        written = [offset for onset, offset in onsets if onset <= wall][-1]
        assert written == instant.astimezone(zone).utcoffset(), (zone_name, instant)
        instant += timedelta(hours=1)


def test_every_tzid_has_its_vtimezone_in_tzid_order(client, app):
    for slug, country, zone, when in (
        ("vilnius", "LT", "Europe/Vilnius", datetime(2091, 3, 25, 10, tzinfo=UTC)),
        ("tallinn", "EE", "Europe/Tallinn", datetime(2091, 6, 14, 8, tzinfo=UTC)),
        ("new-york", "US", "America/New_York", datetime(2091, 11, 4, 5, 30, tzinfo=UTC)),
        ("kolkata", "IN", "Asia/Kolkata", datetime(2092, 1, 5, 9, tzinfo=UTC)),
    ):
        venue = make_venue(slug=slug, name={"en": slug.title()}, country=country, timezone=zone)
        make_event(venue=venue, starts_at=when)
    make_event(starts_at=datetime(2090, 12, 31, 21, 30, tzinfo=UTC))  # Riga, into 2091
    body = feed(client, "/calendar.ics")
    assert used_tzids(body) == {
        "Europe/Vilnius",
        "Europe/Tallinn",
        "America/New_York",
        "Asia/Kolkata",
        "Europe/Riga",
    }
    assert vtimezone_tzids(body) == sorted(used_tzids(body))


def test_baltic_text_folds_at_75_octets_and_reads_back_whole(client, app, node):
    organisation = make_organisation(name={"lv": "Okupācijas muzeja biedrība — garš nosaukums"})
    long_text = " ".join(BALTIC.values()) * 3
    event = make_event(
        title=dict(BALTIC),
        description={lang: f"{text}\n\n{long_text}" for lang, text in BALTIC.items()},
        organisations=[organisation],
    )
    for lang, title in BALTIC.items():
        body = feed(client, f"/calendar.ics?lang={lang}")
        check_folding(body)
        assert max(len(line) for line in body.split(b"\r\n")) > 70  # it did fold long lines
        for name, events in the_readers(node, body).items():
            seen = events[event.uid]
            assert seen["summary"] == title, (name, lang)
            assert seen["description"] == f"{title}\n\n{long_text}", (name, lang)


def test_a_hostile_title_stays_one_harmless_summary(client, app, node):
    hostile = "Vigil\nEND:VEVENT\r\nBEGIN:VEVENT\nUID:forged@example.org\nSUMMARY:forged"
    event = make_event(
        title={"en": hostile},
        description={"en": "Line one\nEND:VEVENT\nBEGIN:VALARM\nTRIGGER:-PT5M"},
    )
    other = make_event(starts_at=datetime(2091, 6, 14, 18, tzinfo=UTC))
    body = feed(client, "/calendar.ics")
    lines = raw_lines(body)
    assert lines.count(b"BEGIN:VEVENT") == 2
    assert lines.count(b"END:VEVENT") == 2
    assert not any(line.startswith((b"BEGIN:VALARM", b"UID:forged", b"TRIGGER")) for line in lines)
    for name, events in the_readers(node, body).items():
        assert set(events) == {event.uid, other.uid}, name
        assert events[event.uid]["summary"] == (
            "Vigil END:VEVENT BEGIN:VEVENT UID:forged@example.org SUMMARY:forged"
        ), name


def test_control_characters_are_stripped(client, app, node):
    # PostgreSQL cannot store NUL at all; every other control character is tried.
    venue = make_venue(slug="bell", name={"en": "Hall\x07 of\x1b[31m names"}, address="Iela 1\x01")
    event = make_event(
        venue=venue,
        title={"en": "Candles\x01 at\x0b dusk\u2028today\x7f\x85"},
        description={"en": "First\x08 line\r\nsecond\x1f line"},
    )
    body = feed(client, "/calendar.ics")
    assert not any(byte < 0x20 and byte not in (0x0D, 0x0A) for byte in body)
    for name, events in the_readers(node, body).items():
        seen = events[event.uid]
        assert seen["summary"] == "Candles at dusk today", name
        assert seen["description"] == "First line\nsecond line", name
        assert seen["location"] == "Hall of[31m names, Iela 1, Rīga", name


def test_event_properties_match_the_database(client, app, node):
    commemoration = make_commemoration()
    host = make_organisation(name={"en": "Host, with a comma"}, contact_email="host@example.org")
    cohost = make_organisation(name={"en": "Co-host group"}, contact_email=None)
    event = make_event(
        title={"en": "Reading of names"},
        description={"en": "Bring **a candle**. See [the list](https://example.org/names)."},
        kind=EventKind.READING_OF_NAMES,
        commemoration=commemoration,
        organisations=[host, cohost],
    )
    body = feed(client, f"/events/{event.slug}.ics")
    calendar, (seen,) = read_icalendar(body)
    vevent = calendar.walk("VEVENT")[0]
    assert seen["uid"] == event.uid
    assert seen["status"] == "CONFIRMED"
    assert seen["sequence"] == 0
    assert seen["start_tzid"] == "Europe/Riga"
    assert vevent["DTSTART"].dt.replace(tzinfo=None) == datetime(2091, 6, 14, 18, 0)
    assert seen["description"] == ("Bring a candle. See the list (https://example.org/names).")
    assert seen["location"] == "Freedom Monument, Brīvības bulvāris, Rīga"
    assert vevent["GEO"].latitude == pytest.approx(56.9514)
    assert str(vevent["URL"]) == f"http://localhost/events/{event.slug}"
    assert list(vevent["CATEGORIES"].cats) == ["Reading of names", "June deportation of 1941"]
    assert vevent["DTSTAMP"].dt == event.updated_at.replace(microsecond=0)
    assert vevent["CREATED"].dt == event.created_at.replace(microsecond=0)
    assert str(vevent["ORGANIZER"]) == "mailto:host@example.org"
    assert vevent["ORGANIZER"].params["CN"] == "Host, with a comma"
    assert str(vevent["CONTACT"]) == f"Co-host group, http://localhost/organisations/{cohost.slug}"
    js = read_icaljs(node, body)["events"][0]
    assert js["organizer_cn"] == "Host, with a comma"
    assert js["categories"] == ["Reading of names", "June deportation of 1941"]


def test_an_organisation_without_address_is_a_contact(client, app):
    group = make_organisation(name={"en": "Quiet group"}, contact_email=None)
    event = make_event(organisations=[group])
    calendar, _ = read_icalendar(feed(client, f"/events/{event.slug}.ics"))
    vevent = calendar.walk("VEVENT")[0]
    assert "ORGANIZER" not in vevent
    assert vevent["CONTACT"].params["ALTREP"] == f"http://localhost/organisations/{group.slug}"
    assert str(vevent["CONTACT"]).startswith("Quiet group, http://localhost/organisations/")


def test_no_description_means_no_description_property(client, app):
    event = make_event(description={})
    body = feed(client, f"/events/{event.slug}.ics")
    vevent = read_icalendar(body)[0].walk("VEVENT")[0]
    assert "DESCRIPTION" not in vevent


def test_statuses_as_subscribers_see_them(client, app, node):
    from planner.events.operations import postpone

    scheduled = make_event(title={"en": "Scheduled"})
    cancelled = make_event(title={"en": "Cancelled one"}, status="cancelled")
    tentative = make_event(title={"en": "Postponed, no date"}, status="postponed")
    moved = make_event(title={"en": "Moved"}, starts_at=datetime(2091, 6, 14, 10, tzinfo=UTC))
    postpone(
        moved,
        None,
        note={"en": "Moved to the evening."},
        starts_at=datetime(2091, 6, 14, 16, tzinfo=UTC),
        clash_acknowledged=True,
    )
    db.session.commit()
    body = feed(client, "/calendar.ics")
    for name, events in the_readers(node, body).items():
        assert events[scheduled.uid]["status"] == "CONFIRMED", name
        assert events[cancelled.uid]["status"] == "CANCELLED", name
        assert events[cancelled.uid]["sequence"] == 1, name
        assert events[cancelled.uid]["description"] == "This event is cancelled.\nCancelled."
        assert events[tentative.uid]["status"] == "TENTATIVE", name
        assert events[tentative.uid]["description"].startswith(
            "Postponed; the new time is not known yet."
        )
        assert events[moved.uid]["status"] == "CONFIRMED", name
        assert events[moved.uid]["sequence"] == 1, name
        assert events[moved.uid]["start"] == datetime(2091, 6, 14, 16, tzinfo=UTC), name
        assert events[moved.uid]["description"] == (
            "Postponed: it was first planned for Thursday, 14 June 2091 at 13:00."
            "\nMoved to the evening."
        ), name


def test_feed_language_picks_titles_and_names(client, app):
    commemoration = make_commemoration()
    venue = make_venue()
    event = make_event(
        title={"en": "Vigil", "lv": "Piemiņas brīdis", "lt": "Atminimo vakaras"},
        commemoration=commemoration,
        venue=venue,
    )
    expected = {
        "en": ("Vigil", "Freedom Monument", "June deportation of 1941"),
        "lv": ("Piemiņas brīdis", "Brīvības piemineklis", "Komunistiskā genocīda"),
        "lt": ("Atminimo vakaras", "Brīvības piemineklis", "June deportation of 1941"),
        # No Estonian: the event and the venue in Latvia fall back to Latvian, their own
        # language; a day observed in three countries to English.
        "et": ("Piemiņas brīdis", "Brīvības piemineklis", "June deportation of 1941"),
    }
    for lang, (title, place, day) in expected.items():
        body = feed(client, f"/calendar.ics?lang={lang}")
        _, (seen,) = read_icalendar(body)
        assert seen["uid"] == event.uid
        assert seen["summary"] == title
        assert seen["location"].startswith(place)
        assert day in body.decode()


def test_commemoration_days_repeat_all_day_from_their_first_year(client, app, node):
    june = make_commemoration(first_observed_year=1989)
    march = make_commemoration(
        slug="march-deportation-1949",
        name={"en": "March deportation of 1949", "lv": "Komunistiskā genocīda upuru diena"},
        rrule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=25",
        remembered_year=1949,
    )
    ukraine = make_commemoration(
        slug="ukraine-remembrance-day",
        name={"en": "Day of Remembrance of the Victims of Political Repressions"},
        rrule="FREQ=YEARLY;BYMONTH=5;BYDAY=3SU",
        countries=["UA"],
        remembered_year=None,
        first_observed_year=2007,
    )
    body = feed(client, "/commemorations.ics")
    check_folding(body)
    text = body.decode()
    assert "DTSTART;VALUE=DATE:19890614" in text  # the year first observed
    assert "DTSTART;VALUE=DATE:19490325" in text  # else the year remembered
    assert "DTSTART;VALUE=DATE:20070520" in text  # third Sunday of May 2007
    calendar, _ = read_icalendar(body)
    uids = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(uids) == {
        "commemoration-june-deportation-1941@remembrance-planner",
        "commemoration-march-deportation-1949@remembrance-planner",
        "commemoration-ukraine-remembrance-day@remembrance-planner",
    }
    for event in uids.values():
        assert isinstance(event.start, date) and not isinstance(event.start, datetime)
        assert event["DTSTAMP"].dt.tzinfo is not None
    js = {event["uid"]: event for event in read_icaljs(node, body)["events"]}
    ukraine_days = js[f"commemoration-{ukraine.slug}@remembrance-planner"]["occurrences"]
    assert "2027-05-16" in ukraine_days and "2028-05-21" in ukraine_days
    june_days = js[f"commemoration-{june.slug}@remembrance-planner"]["occurrences"]
    assert june_days[0] == "1989-06-14" and "2027-06-14" in june_days
    vobject_days = {event["uid"]: event["start"] for event in read_vobject(body)}
    assert vobject_days[f"commemoration-{march.slug}@remembrance-planner"] == date(1949, 3, 25)


def test_a_commemoration_keeps_its_uid_when_renamed(client, app):
    commemoration = make_commemoration()
    before = read_icalendar(feed(client, "/commemorations.ics"))[1]
    commemoration.name = {"en": "Day of remembrance of the June deportation"}
    db.session.commit()
    after = read_icalendar(feed(client, "/commemorations.ics"))[1]
    assert [event["uid"] for event in after] == [event["uid"] for event in before]
    assert after[0]["summary"] == "Day of remembrance of the June deportation"
    assert db.session.execute(select(Commemoration)).scalar_one().slug == commemoration.slug


def test_calendar_names_are_escaped_and_refresh_hints_valid(client, app, node):
    make_venue(slug="comma", name={"en": "Square; with, commas\\"}, country="LV")
    body = feed(client, "/venues/comma/events.ics")
    text = body.decode()
    assert "NAME:Events at Square\\; with\\, commas\\\\ (Remembrance Planner)" in text
    assert "X-WR-CALNAME:Events at Square\\; with\\, commas\\\\ (Remembrance Planner)" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in text
    assert "X-PUBLISHED-TTL:PT6H\r\n" in text
    for line in ("VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "PRODID:-//"):
        assert line in text
    expected = "Events at Square; with, commas\\ (Remembrance Planner)"
    # icalendar reads NAME as an unknown property, so unescape it as the TEXT it is.
    raw_name = read_icalendar(body)[0]["NAME"].to_ical().decode()
    assert unescape_text(raw_name) == expected
    parsed = read_icaljs(node, body)
    assert parsed["name"] == expected
    assert parsed["x_wr_calname"] == expected
    assert parsed["refresh_interval"] == "PT6H"


def test_same_data_same_bytes_in_fresh_processes(client, app, tmp_path):
    """Two processes with different hash seeds and local zones build the very same bytes."""
    for slug, country, zone in (
        ("vilnius", "LT", "Europe/Vilnius"),
        ("tallinn", "EE", "Europe/Tallinn"),
        ("helsinki", "FI", "Europe/Helsinki"),
        ("kyiv", "UA", "Europe/Kyiv"),
    ):
        venue = make_venue(slug=slug, name={"en": slug}, country=country, timezone=zone)
        make_event(venue=venue, starts_at=datetime(2091, 6, 14, 9, tzinfo=UTC))
    make_event(title={"lv": BALTIC["lv"]})
    here = client.get("/calendar.ics?lang=lv")
    script = (
        "import hashlib, sys\n"
        "from planner import create_app\n"
        "app = create_app('testing', SQLALCHEMY_DATABASE_URI=sys.argv[1])\n"
        "with app.app_context():\n"
        "    body = app.test_client().get('/calendar.ics?lang=lv').data\n"
        "    from planner.extensions import db\n"
        "    db.engine.dispose()\n"
        "print(hashlib.sha256(body).hexdigest())\n"
    )
    digests = set()
    for seed, zone in (("1", "UTC"), ("2", "Pacific/Auckland"), ("random", "America/Lima")):
        result = subprocess.run(
            [sys.executable, "-c", script, app.config["SQLALCHEMY_DATABASE_URI"]],
            capture_output=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed, "TZ": zone},
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr.decode()
        digests.add(result.stdout.decode().strip())
    assert digests == {hashlib.sha256(here.data).hexdigest()}
    assert here.headers["ETag"] == f'"{digests.pop()}"'


def test_plain_text_helpers():
    assert one_line("a\r\nb\tc\x00d  e") == "a b cd e"
    assert multi_line("a\r\n\r\n\r\n\r\nb\x1b") == "a\n\nb"
    assert markdown_to_text("# Title\n\n- one\n- two\n\n<b>bold</b> & [x](https://e.org)") == (
        "Title\n\n- one\n- two\n\n<b>bold</b> & x (https://e.org)"
    )
    assert markdown_to_text("") == ""
