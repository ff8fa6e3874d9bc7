"""A VEVENT written directly (planner.feeds.vevent) is the library's bytes for the same event:
awkward text at every fold position, escapes, parameters, every status and language."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale
from icalendar.parser import Contentline

from planner.events.queries import with_details
from planner.extensions import db
from planner.feeds import ical
from planner.feeds.queries import public_selection
from planner.feeds.vevent import fold
from tests.factories import make_commemoration, make_event, make_organisation, make_venue

LANGUAGES = ("en", "et", "lv", "lt")
# Pieces that change how a line folds or escapes: multi-octet letters, a four-octet sign,
# the characters the library escapes and the two it never separates from the next one.
PIECES = ("a", "ā", "ž", "€", "𝄞", "\\", "^", ",", ";", ":", '"', " ", "\n")


def library_fold(line: str) -> bytes:
    return Contentline(line).to_ical() + b"\r\n"


def test_lines_fold_as_the_library_folds_them():
    rng = random.Random(1941)
    lines = ["", "x" * 74, "x" * 75, "x" * 148, "x" * 149]
    for length in range(60, 160):
        for piece in ("ā", "𝄞", "\\", "^", "\\\\"):
            for position in range(max(0, length - 90), length, 3):
                lines.append("x" * position + piece + "y" * (length - position))
    for _ in range(3000):
        lines.append("".join(rng.choice(PIECES[:-1]) for _ in range(rng.randrange(0, 400))))
    for line in lines:
        assert fold(line) == library_fold(line), repr(line)


def test_written_vevents_are_the_librarys_bytes(app):
    riga = make_venue(slug="freedom-monument-riga")
    nowhere = make_venue(
        slug="no-coordinates",
        name={"en": 'A "quoted"; place, with ^carets^ and \\ back\\slashes'},
        latitude=None,
        longitude=None,
        country="LT",
        city="Vilnius",
        address="Gedimino pr. 1",
    )
    june = make_commemoration(slug="june-deportation-1941")
    quoted = make_organisation(name={"en": 'Group "Memory"; Riga, ^1941^', "lv": "Atmiņa, ā ž"})
    silent = make_organisation(name={"en": "No address " * 9}, contact_email=None)
    rng = random.Random(1949)
    events = []
    for number in range(40):
        length = 40 + number * 3
        title = "".join(rng.choice(PIECES) for _ in range(length))
        description = "".join(rng.choice(PIECES) for _ in range(length * 4))
        events.append(
            make_event(
                title={"en": title, "lv": f"Piemiņa {title}", "lt": "Atminimas " * number},
                description={
                    "en": f"**{description}**\n\n- [a link](https://example.org/{number})"
                },
                venue=(riga, nowhere)[number % 2],
                organisations=[(quoted, silent), (silent, quoted), (quoted,), (silent,)][
                    number % 4
                ],
                commemoration=june if number % 3 else None,
                # Some at 03:30 in Riga on the night clocks go back: written in UTC.
                starts_at=datetime(2091, 10, 27, 22, 30, tzinfo=UTC) + timedelta(hours=number % 3),
                status=("scheduled", "postponed", "cancelled")[number % 3],
            )
        )
    events = db.session.execute(with_details(public_selection())).scalars().all()
    assert len(events) == 40
    with app.test_request_context():
        for lang in LANGUAGES:
            assert_same_bytes(events, lang)


def assert_same_bytes(events, lang: str) -> None:
    with force_locale(lang):
        for event in events:
            written = ical.event_fragment(event, lang)
            assert written == ical.event_component(event, lang).to_ical(), (event.slug, lang)
