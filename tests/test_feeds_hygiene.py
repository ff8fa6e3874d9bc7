"""Feeds that stay right whatever organisers type or change (DESIGN.md, iCalendar rule 9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from planner.admin.operations import save
from planner.commemorations.models import Commemoration
from planner.db import now_utc
from planner.events.operations import edit_event, postpone
from planner.extensions import db
from planner.organisations.models import Organisation
from planner.text import markdown_to_text
from planner.venues.models import Venue
from tests.factories import make_commemoration, make_event, make_organisation, make_venue
from tests.icalcheck import read_all, read_icalendar

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
UNWANTED = "\ufffd\ufdd0\ufffe\U0001fffe" + BIDI


def test_a_nul_in_a_description_never_becomes_a_replacement_character():
    assert markdown_to_text("Candles\x00 at dusk") == "Candles at dusk"
    assert markdown_to_text("Bring\x00\x01 flowers\x9b\n\nThen\x00 walk") == (
        "Bring flowers\n\nThen walk"
    )


def test_no_replacement_non_characters_or_bidirectional_overrides_in_any_property(
    client, app, node
):
    venue = make_venue(
        slug="odd-hall", name={"en": f"Hall{BIDI} of names"}, address="Iela\u202e 1\ufffd"
    )
    host = make_organisation(name={"en": "Group\u2067 of\ufdd0 friends"})
    commemoration = make_commemoration(name={"en": "June\u202d deportation"})
    event = make_event(
        venue=venue,
        organisations=[host],
        commemoration=commemoration,
        title={"en": f"Vigil{UNWANTED} at dusk"},
        description={"en": f"First{UNWANTED} line\n\n- item\u2066 one"},
    )
    postpone(event, None, note={"en": f"Storm\u202b warning{UNWANTED}"})
    db.session.commit()
    body = client.get("/calendar.ics").data
    text = body.decode("utf-8")
    for character in UNWANTED:
        assert character not in text, f"U+{ord(character):04X}"
    assert not any((ord(c) < 0x20 and c not in "\r\n") or 0x7F <= ord(c) <= 0x9F for c in text)
    for name, events in read_all(node, body).items():
        (seen,) = events
        assert seen["summary"] == "Vigil at dusk", name
        assert seen["location"] == "Hall of names, Iela 1, Rīga", name
        assert "First line\n\n- item one" in seen["description"], name
        assert "Storm warning" in seen["description"], name


def test_text_in_angle_brackets_reads_the_same_in_the_feed_as_on_the_page(client, app, node):
    event = make_event(description={"en": "Meet at the <Main gate> at 18:00 & bring a candle."})
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Meet at the &lt;Main gate&gt; at 18:00 &amp; bring a candle." in page
    body = client.get(f"/events/{event.slug}.ics").data
    assert b"<Main gate>" in body
    for name, events in read_all(node, body).items():
        assert events[0]["description"] == "Meet at the <Main gate> at 18:00 & bring a candle.", (
            name
        )


def test_sequence_rises_when_a_postponement_loses_its_new_time(client, app):
    event = make_event(starts_at=datetime(2091, 6, 14, 15, tzinfo=UTC))
    postpone(event, None, starts_at=datetime(2091, 6, 21, 15, tzinfo=UTC))
    db.session.commit()
    (rescheduled,) = read_icalendar(client.get("/calendar.ics").data)[1]
    assert rescheduled["status"] == "CONFIRMED"
    postpone(event, None, note={"en": "The new date is not known yet."})
    db.session.commit()
    (postponed,) = read_icalendar(client.get("/calendar.ics").data)[1]
    assert postponed["status"] == "TENTATIVE"
    assert postponed["sequence"] > rescheduled["sequence"]


def _stamps(body: bytes) -> tuple[datetime, datetime, str]:
    calendar, (seen,) = read_icalendar(body)
    (component,) = calendar.walk("VEVENT")
    return seen["last_modified"], component["DTSTAMP"].dt, seen["location"]


@pytest.mark.parametrize(
    ("model", "slug", "change"),
    [
        (Venue, "freedom-monument-riga", {"address": "Brīvības bulvāris 1"}),
        (Organisation, "helsinki-86", {"contact_email": "new-address@example.org"}),
        (Commemoration, "june-deportation-1941", {"name": {"en": "The June deportation"}}),
    ],
)
def test_editing_a_venue_organisation_or_commemoration_moves_the_event_stamps(
    client, app, monkeypatch, model, slug, change
):
    an_hour_ago = now_utc() - timedelta(hours=1)
    monkeypatch.setattr("planner.events.operations.now_utc", lambda: an_hour_ago)
    # The records themselves were last changed before the event, as a real catalogue is.
    venue = make_venue(slug="freedom-monument-riga")
    host = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    commemoration = make_commemoration(slug="june-deportation-1941")
    for record in (venue, host, commemoration):
        record.updated_at = an_hour_ago - timedelta(days=1)
    db.session.commit()
    event = make_event(venue=venue, organisations=[host], commemoration=commemoration)
    before = _stamps(client.get(f"/events/{event.slug}.ics").data)
    record = db.session.execute(db.select(model).filter_by(slug=slug)).scalar_one()
    values = {"slug": slug, **change}
    save(model, record, values, None)
    db.session.commit()
    after = _stamps(client.get(f"/events/{event.slug}.ics").data)
    assert after[0] > before[0] and after[1] > before[1]
    assert after[0] >= an_hour_ago + timedelta(minutes=59)


def test_two_writes_within_one_second_never_answer_304_to_if_modified_since(
    client, app, monkeypatch, app_clock_moves
):
    event = make_event(title={"en": "First title"})
    second = now_utc().replace(microsecond=0) + timedelta(seconds=5)
    moments = iter([second + timedelta(milliseconds=200), second + timedelta(milliseconds=700)])
    monkeypatch.setattr("planner.dataversion.now_utc", lambda: next(moments))
    monkeypatch.setattr("planner.feeds.serve.now_utc", lambda: second + timedelta(milliseconds=400))
    edit_event(event, None, title={"en": "Second title"})
    db.session.commit()
    first = client.get("/calendar.ics")
    edit_event(event, None, title={"en": "Third title"})
    db.session.commit()
    response = client.get(
        "/calendar.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert response.status_code == 200
    assert read_icalendar(response.data)[1][0]["summary"] == "Third title"
    # Once that second is over, the date is exact and a 304 answers an unchanged feed.
    monkeypatch.setattr("planner.feeds.serve.now_utc", lambda: second + timedelta(seconds=2))
    settled = client.get("/calendar.ics")
    again = client.get(
        "/calendar.ics", headers={"If-Modified-Since": settled.headers["Last-Modified"]}
    )
    assert again.status_code == 304
