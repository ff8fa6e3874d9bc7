"""Calendar import: a museum's exported calendar becomes drafts; importing it again changes
nothing; a bad file is refused whole, with a reason, writing nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from planner.audit.models import AuditEntry
from planner.db import now_utc
from planner.events.models import Event, EventStatus
from planner.extensions import db
from planner.imports.models import ImportedEvent
from planner.imports.operations import apply_plan, plan_import
from planner.imports.reading import MAX_BYTES, UnreadableCalendar
from tests.factories import make_event, make_organisation, make_venue

RIGA = ZoneInfo("Europe/Riga")


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def day_at(days: int, hour: int) -> datetime:
    """A local wall time `days` from today (naive), the way a calendar file writes it."""
    return datetime.combine(now_utc().date() + timedelta(days=days), datetime.min.time()).replace(
        hour=hour
    )


def ics(*events: str, header: str = "") -> bytes:
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Museum//Calendar//EN"]
    body = "\r\n".join([*head, *filter(None, [header]), *events, "END:VCALENDAR", ""])
    return body.encode()


def vevent(uid: str, summary: str, *lines: str) -> str:
    return "\r\n".join(["BEGIN:VEVENT", f"UID:{uid}", f"SUMMARY:{summary}", *lines, "END:VEVENT"])


VTIMEZONE_TALLINN = "\r\n".join(
    [
        "BEGIN:VTIMEZONE",
        "TZID:Museum Time",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0300",
        "TZOFFSETTO:+0300",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
)


@pytest.fixture
def museum(app):
    organisation = make_organisation(slug="museum", name={"en": "The Museum"}, country="LV")
    venue = make_venue()  # Freedom Monument, Brīvības bulvāris, Rīga
    hall = make_venue(
        slug="museum-hall", name={"en": "Museum hall"}, address="Latviešu strēlnieku laukums 1"
    )
    return organisation, venue, hall


def museum_file() -> bytes:
    """Four kinds of times and a weekly series, all at places the planner knows."""
    return ics(
        vevent(
            "zoned@museum",
            "Candle vigil",
            f"DTSTART;TZID=Europe/Riga:{stamp(day_at(20, 18))}",
            f"DTEND;TZID=Europe/Riga:{stamp(day_at(20, 19))}",
            "LOCATION:Freedom Monument",
            "DESCRIPTION:Bring a candle.",
        ),
        vevent(
            "utc@museum",
            "Reading of names",
            f"DTSTART:{stamp(day_at(21, 9))}Z",
            f"DTEND:{stamp(day_at(21, 10))}Z",
            "LOCATION:Museum hall, Latviešu strēlnieku laukums 1, Rīga",
        ),
        vevent(
            "floating@museum",
            "Film screening",
            f"DTSTART:{stamp(day_at(22, 17))}",
            f"DTEND:{stamp(day_at(22, 19))}",
            "LOCATION:museum hall",
        ),
        VTIMEZONE_TALLINN,
        vevent(
            "custom-zone@museum",
            "Lecture",
            f"DTSTART;TZID=Museum Time:{stamp(day_at(23, 12))}",
            f"DTEND;TZID=Museum Time:{stamp(day_at(23, 13))}",
            "LOCATION:Freedom Monument",
        ),
        vevent(
            "weekly@museum",
            "Guided tour",
            f"DTSTART;TZID=Europe/Riga:{stamp(day_at(3, 11))}",
            f"DTEND;TZID=Europe/Riga:{stamp(day_at(3, 12))}",
            "RRULE:FREQ=WEEKLY;COUNT=3",
            "LOCATION:Museum hall",
        ),
        vevent(
            "old@museum",
            "Last year's vigil",
            f"DTSTART:{stamp(day_at(-400, 18))}Z",
            "LOCATION:Freedom Monument",
        ),
    )


def events_of(organisation) -> dict[str, Event]:
    rows = db.session.execute(select(Event).order_by(Event.starts_at)).scalars().all()
    return {
        event.display_title(): event
        for event in rows
        if organisation.id in {host.organisation_id for host in event.hosts}
    }


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def local(event: Event) -> datetime:
    return event.starts_at.astimezone(RIGA).replace(tzinfo=None)


def test_a_museum_imports_its_calendar_as_drafts(museum):
    organisation, monument, hall = museum
    plan = apply_plan(plan_import(organisation, museum_file()), None)
    db.session.commit()
    found = events_of(organisation)
    assert sorted(found) == [
        "Candle vigil",
        "Film screening",
        "Guided tour",
        "Lecture",
        "Reading of names",
    ]
    assert all(event.status == EventStatus.DRAFT for event in found.values())
    assert local(found["Candle vigil"]) == day_at(20, 18)
    assert found["Candle vigil"].venue == monument
    assert found["Candle vigil"].display_description() == "Bring a candle."
    assert found["Reading of names"].starts_at == day_at(21, 9).replace(tzinfo=UTC)
    assert found["Reading of names"].venue == hall
    # Floating: read in the organisation's zone (Latvia).
    assert local(found["Film screening"]) == day_at(22, 17)
    # The file's own VTIMEZONE (UTC+3 all year): 12:00 there is 09:00 UTC.
    assert found["Lecture"].starts_at == day_at(23, 9).replace(tzinfo=UTC)
    tours = [
        e for e in db.session.execute(select(Event)).scalars() if e.title["en"] == "Guided tour"
    ]
    assert sorted(local(tour) for tour in tours) == [day_at(d, 11) for d in (3, 10, 17)]
    skipped = [(title, str(reason)) for title, reason in plan.left_out]
    assert skipped == [("Last year's vigil", "It has no date in the coming twelve months.")]
    # Each draft was made through the planning operation, with its audit entry.
    assert count(AuditEntry) == 7


def test_importing_the_same_file_twice_changes_nothing(museum):
    organisation, _, _ = museum
    apply_plan(plan_import(organisation, museum_file()), None)
    db.session.commit()
    before = {e.uid: (e.version, e.updated_at) for e in db.session.execute(select(Event)).scalars()}
    audit, imported = count(AuditEntry), count(ImportedEvent)
    again = apply_plan(plan_import(organisation, museum_file()), None)
    db.session.commit()
    after = {e.uid: (e.version, e.updated_at) for e in db.session.execute(select(Event)).scalars()}
    assert after == before
    assert (count(AuditEntry), count(ImportedEvent)) == (audit, imported)
    assert len(again.of("unchanged")) == 7 and not again.of("create") and not again.of("update")


def test_a_changed_entry_updates_its_draft(museum):
    organisation, _, _ = museum
    apply_plan(plan_import(organisation, museum_file()), None)
    db.session.commit()
    changed = museum_file().replace(b"SUMMARY:Candle vigil", b"SUMMARY:Candle vigil at dusk")
    changed = changed.replace(
        f"DTSTART;TZID=Europe/Riga:{stamp(day_at(20, 18))}".encode(),
        f"DTSTART;TZID=Europe/Riga:{stamp(day_at(20, 17))}".encode(),
    )
    plan = apply_plan(plan_import(organisation, changed), None)
    db.session.commit()
    assert [item.event.display_title() for item in plan.of("update")] == ["Candle vigil at dusk"]
    event = events_of(organisation)["Candle vigil at dusk"]
    assert local(event) == day_at(20, 17)
    assert event.status == EventStatus.DRAFT
    edits = db.session.execute(
        select(AuditEntry).where(AuditEntry.event_id == event.id, AuditEntry.action == "edited")
    ).scalars()
    assert len(list(edits)) == 1
    assert "Candle vigil" not in events_of(organisation)


def test_google_calendar_time_zone_and_a_series_over_the_coming_year(museum):
    organisation, _, _ = museum
    google = ics(
        vevent(
            "weekly@google",
            "Weekly reading",
            f"DTSTART:{stamp(day_at(1, 19))}Z",
            f"DTEND:{stamp(day_at(1, 20))}Z",
            "RRULE:FREQ=WEEKLY",
            "LOCATION:Freedom Monument",
        ),
        header="X-WR-TIMEZONE:Europe/Tallinn",
    )
    plan = plan_import(organisation, google)
    starts = [item.occurrence.starts_at for item in plan.items]
    assert 51 <= len(starts) <= 53
    assert all(now_utc() <= start <= now_utc() + timedelta(days=366) for start in starts)
    # Google writes UTC times and names the zone apart: the same instants, whatever the zone.
    assert starts[0] == day_at(1, 19).replace(tzinfo=UTC)
    floating = ics(
        vevent(
            "f@google",
            "Floating",
            f"DTSTART:{stamp(day_at(5, 12))}",
            f"DTEND:{stamp(day_at(5, 13))}",
        ),
        header="X-WR-TIMEZONE:Europe/Tallinn",
    )
    (item,) = plan_import(organisation, floating).items
    tallinn = ZoneInfo("Europe/Tallinn")
    assert item.occurrence.starts_at == day_at(5, 12).replace(tzinfo=tallinn).astimezone(UTC)


def test_a_place_that_matches_no_venue_waits_for_a_choice(museum):
    organisation, monument, _ = museum
    unknown = ics(
        vevent(
            "somewhere@museum",
            "Vigil in the park",
            f"DTSTART:{stamp(day_at(9, 15))}Z",
            "LOCATION:The old park",
        )
    )
    plan = plan_import(organisation, unknown)
    assert plan.unmatched_locations == ["The old park"]
    applied = apply_plan(plan, None)
    assert [str(item.reason) for item in applied.of("skip")] == [
        "Its place matches no venue, and none was chosen."
    ]
    chosen = apply_plan(
        plan_import(organisation, unknown, choices={"The old park": monument}), None
    )
    assert chosen.of("create")[0].event.venue == monument


LONG = "X" * 30_000
HOSTILE_FILES = {
    "not iCalendar": (b"<html><body>Hello</body></html>", "does not begin with BEGIN:VCALENDAR"),
    "not text": (b"BEGIN:VCALENDAR\r\n\xff\xfe\x00", "not UTF-8"),
    "too large": (b"BEGIN:VCALENDAR\r\n" + b"X" * (MAX_BYTES + 1), "larger than"),
    "too many events": (
        ics(*(vevent(f"{n}@x", "Event", f"DTSTART:{stamp(day_at(5, 9))}Z") for n in range(501))),
        "more than 500 events",
    ),
    "too many dates": (
        ics(
            *(
                vevent(f"d{n}@x", "Daily", f"DTSTART:{stamp(day_at(1, 9))}Z", "RRULE:FREQ=DAILY")
                for n in range(3)
            )
        ),
        "more than 1000 events in the coming twelve months",
    ),
    "every second": (
        ics(
            vevent("s@x", "Every second", f"DTSTART:{stamp(day_at(5, 9))}Z", "RRULE:FREQ=SECONDLY")
        ),
        "repeats more often than once a day",
    ),
    "every day for centuries": (
        ics(vevent("c@x", "Since 1700", "DTSTART:17000101T090000Z", "RRULE:FREQ=DAILY")),
        "begin too long ago",
    ),
    "broken line": (ics(vevent("b@x", "Broken", "THIS IS NOT A PROPERTY")), "Line 7"),
    "unknown zone": (
        ics(vevent("z@x", "Mars", f"DTSTART;TZID=Mars/Olympus:{stamp(day_at(5, 9))}")),
        "Mars/Olympus",
    ),
    "unknown Google zone": (
        ics(vevent("g@x", "G", f"DTSTART:{stamp(day_at(5, 9))}"), header="X-WR-TIMEZONE:Nowhere"),
        "Nowhere",
    ),
    "control characters": (
        ics(vevent("c@x", "Bell\x07", f"DTSTART:{stamp(day_at(5, 9))}Z")),
        "control characters",
    ),
    "huge line": (
        ics(vevent("h@x", "Long", f"DTSTART:{stamp(day_at(5, 9))}Z", f"DESCRIPTION:{LONG}")),
        "longer than 20000 characters",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_bad_file_is_refused_with_a_reason_and_nothing_is_written(museum, name):
    organisation, _, _ = museum
    data, reason = HOSTILE_FILES[name]
    events = count(Event)
    with pytest.raises(UnreadableCalendar) as refused:
        plan_import(organisation, data)
    assert reason in str(refused.value.message)
    assert count(Event) == events and count(ImportedEvent) == 0


def test_folded_lines_and_unicode_line_separators_are_text(museum):
    organisation, _, _ = museum
    folded = ics(
        vevent(
            "folded@x",
            "A long title that a calendar app folded\r\n  onto a second line",
            f"DTSTART:{stamp(day_at(6, 9))}Z",
            "DESCRIPTION:First part\u2028second part",
        )
    )
    (item,) = plan_import(organisation, folded).items
    assert item.occurrence.title == "A long title that a calendar app folded onto a second line"
    broken = folded.replace(b"END:VEVENT", b"NOT A LINE\r\nEND:VEVENT")
    with pytest.raises(UnreadableCalendar) as refused:
        plan_import(organisation, broken)
    assert str(refused.value.message) == "Line 10 of the file is not an iCalendar line."


def test_a_rule_that_never_gives_a_date_is_left_out_at_once(museum):
    organisation, _, _ = museum
    never = ics(
        vevent(
            "feb30@x",
            "30 February",
            "DTSTART:20000101T090000Z",
            "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        ),
        vevent("old@x", "Ended long ago", "DTSTART:19500101T090000Z", "RRULE:FREQ=DAILY;COUNT=10"),
    )
    plan = plan_import(organisation, never)
    assert plan.items == []
    assert [(title, str(reason)) for title, reason in plan.left_out] == [
        ("30 February", "Its repeat rule never gives a date."),
        ("Ended long ago", "It has no date in the coming twelve months."),
    ]


def test_round_trip_through_the_planners_own_feed(client, museum):
    organisation, monument, hall = museum
    start = now_utc().replace(microsecond=0, second=0) + timedelta(days=40)
    originals = [
        make_event(
            title={"en": "Vigil at the monument"},
            venue=monument,
            organisations=[organisation],
            starts_at=start,
        ),
        make_event(
            title={"en": "Names read aloud"},
            venue=hall,
            organisations=[organisation],
            starts_at=start + timedelta(days=1, hours=2),
            duration=timedelta(hours=3),
        ),
    ]
    feed = client.get("/organisations/museum/events.ics").data
    other = make_organisation(slug="partner", name={"en": "Partner"})
    plan = apply_plan(plan_import(other, feed), None)
    db.session.commit()
    copies = events_of(other)
    assert sorted(copies) == sorted(event.display_title() for event in originals)
    for original in originals:
        copy = copies[original.display_title()]
        assert (copy.starts_at, copy.ends_at) == (original.starts_at, original.ends_at)
        assert copy.venue == original.venue
        assert copy.uid != original.uid and copy.status == EventStatus.DRAFT
    assert len(plan.of("create")) == 2
    # Same venue, same time as the published originals: made, with the clash said.
    assert {str(item.reason) for item in plan.of("create")} == {
        "Another event is planned at this venue then; check before publishing."
    }
    # Into the organisation the feed came from, nothing is copied.
    own = plan_import(organisation, feed)
    assert {str(item.reason) for item in own.items} == {
        "It is already one of this organisation's events."
    }


def write(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "calendar.ics"
    path.write_bytes(data)
    return str(path)


def test_the_command_line_imports_and_reports(runner, museum, tmp_path):
    path = write(tmp_path, museum_file())
    result = runner.invoke(args=["events", "import", path, "--organisation", "museum"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Created: 7. Updated: 0. Unchanged: 0. Skipped: 1."
    assert any(line.startswith("created") and "Candle vigil" in line for line in lines)
    assert any("It has no date in the coming twelve months." in line for line in lines)
    again = runner.invoke(args=["events", "import", path, "--organisation", "museum"])
    assert again.output.splitlines()[0] == "Created: 0. Updated: 0. Unchanged: 7. Skipped: 1."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--organisation", "nobody"], "no organisation with the slug 'nobody'"),
        ([], "name the organisation with --organisation SLUG"),
        (["--organisation", "museum", "--lang", "xx"], "--lang must be one of en, et, lv, lt"),
        (["--organisation", "museum", "--venue", "nowhere"], "no venue with the slug 'nowhere'"),
    ],
)
def test_the_command_line_refuses_bad_arguments(runner, museum, tmp_path, args, message):
    path = write(tmp_path, museum_file())
    result = runner.invoke(args=["events", "import", path, *args])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [f"Error: {message}"]
    assert count(Event) == 0


def test_the_command_line_asks_for_the_file(runner, museum):
    result = runner.invoke(args=["events", "import", "--organisation", "museum"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "Error: name the calendar file: flask events import FILE --organisation SLUG"
    ]


def test_the_command_line_refuses_a_bad_file(runner, museum, tmp_path):
    missing = runner.invoke(
        args=["events", "import", str(tmp_path / "none.ics"), "--organisation", "museum"]
    )
    assert missing.exit_code != 0
    assert missing.output.strip().startswith("Error: cannot read")
    path = write(tmp_path, b"not a calendar")
    bad = runner.invoke(args=["events", "import", path, "--organisation", "museum"])
    assert bad.exit_code != 0
    assert bad.output.strip().splitlines() == [
        "Error: The file is not an iCalendar file: it does not begin with BEGIN:VCALENDAR."
    ]
    assert count(Event) == 0


def test_the_command_line_puts_unmatched_places_at_the_chosen_venue(runner, museum, tmp_path):
    data = ics(vevent("p@x", "In the park", f"DTSTART:{stamp(day_at(9, 9))}Z", "LOCATION:Park"))
    path = write(tmp_path, data)
    skipped = runner.invoke(args=["events", "import", path, "--organisation", "museum"])
    assert "Its place matches no venue, and none was chosen." in skipped.output
    assert count(Event) == 0
    placed = runner.invoke(
        args=["events", "import", path, "--organisation", "museum", "--venue", "museum-hall"]
    )
    assert placed.exit_code == 0
    assert [e.venue.slug for e in db.session.execute(select(Event)).scalars()] == ["museum-hall"]


def test_importing_never_touches_another_organisations_import(museum):
    organisation, _, _ = museum
    other = make_organisation()
    apply_plan(plan_import(organisation, museum_file()), None)
    second = apply_plan(plan_import(other, museum_file()), None)
    assert len(second.of("create")) == 7
