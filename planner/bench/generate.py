"""A catalogue for the benchmark: commemorations, venues, organisations and events over several
years, in the Baltic languages, some cancelled or postponed, made through the real operations.

Deterministic for a seed (within a calendar year: the years are counted from the current one,
so that the catalogue always has past and upcoming events).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from planner.commemorations.models import Commemoration
from planner.events.models import EventKind
from planner.events.operations import cancel, plan_event, postpone, publish
from planner.extensions import db
from planner.organisations.models import Organisation
from planner.venues.models import Venue

COUNTRIES = ("LV", "EE", "LT")
ZONES = {"LV": "Europe/Riga", "EE": "Europe/Tallinn", "LT": "Europe/Vilnius"}
CITIES = {"LV": ("Rīga", "Liepāja", "Cēsis"), "EE": ("Tallinn", "Tartu", "Pärnu"),
          "LT": ("Vilnius", "Kaunas", "Klaipėda")}  # fmt: skip
PLACES = {
    "en": ("Memorial stone", "Monument", "Square", "Museum"),
    "lv": ("Piemiņas akmens", "Piemineklis", "Laukums", "Muzejs"),
    "et": ("Mälestuskivi", "Monument", "Väljak", "Muuseum"),
    "lt": ("Atminimo akmuo", "Paminklas", "Aikštė", "Muziejus"),
}
TITLES = {
    "en": "Remembrance at {place}",
    "lv": "Piemiņas brīdis pie {place}",
    "et": "Mälestushetk: {place}",
    "lt": "Atminimo valanda: {place}",
}
DESCRIPTIONS = {
    "en": "Candles and a **reading of names**; flowers at the memorial.\n\n- 18:00 gathering",
    "lv": "Svecītes un **vārdu lasījums**; ziedi pie pieminekļa.\n\n- 18:00 pulcēšanās",
    "et": "Küünlad ja **nimede lugemine**; lilled mälestusmärgi juures.\n\n- 18:00 kogunemine",
    "lt": "Žvakės ir **vardų skaitymas**; gėlės prie paminklo.\n\n- 18:00 susirinkimas",
}
YEARS_BACK, YEARS_AHEAD = 3, 2
BATCH = 500


@dataclass(frozen=True)
class Counts:
    events: int
    venues: int
    organisations: int


def _commemorations() -> list[Commemoration]:
    return [
        Commemoration(
            slug="bench-june-deportation-1941",
            name={
                "en": "June deportation of 1941",
                "lv": "Komunistiskā genocīda upuru piemiņas diena",
            },
            rrule="FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14",
            countries=list(COUNTRIES),
            remembered_year=1941,
        ),
        Commemoration(
            slug="bench-march-deportation-1949",
            name={"en": "March deportation of 1949", "et": "Märtsiküüditamise mälestuspäev"},
            rrule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=25",
            countries=list(COUNTRIES),
            remembered_year=1949,
        ),
    ]


def _venues(rng: random.Random, count: int) -> list[Venue]:
    venues = []
    for number in range(count):
        country = COUNTRIES[number % 3]
        kind = number % 4
        venues.append(
            Venue(
                slug=f"bench-venue-{number}",
                name={lang: f"{names[kind]} {number}" for lang, names in PLACES.items()},
                address=f"Brīvības iela {rng.randrange(1, 200)}",
                city=rng.choice(CITIES[country]),
                country=country,
                timezone=ZONES[country],
                latitude=round(54 + rng.random() * 5, 5),
                longitude=round(21 + rng.random() * 6, 5),
            )
        )
    return venues


def _organisations(count: int) -> list[Organisation]:
    return [
        Organisation(
            slug=f"bench-group-{number}",
            name={"en": f"Remembrance group {number}", "lv": f"Piemiņas biedrība {number}",
                  "lt": f"Atminimo bendrija {number}", "et": f"Mälestusselts {number}"},
            country=COUNTRIES[number % 3],
            contact_email=f"group{number}@example.org" if number % 2 else None,
        )
        for number in range(count)
    ]  # fmt: skip


def _start(rng: random.Random, zone: ZoneInfo, first: date, days: int) -> datetime:
    day = first + timedelta(days=rng.randrange(days))
    local = datetime.combine(day, time(rng.choice((10, 12, 17, 18, 19)), rng.choice((0, 30))))
    return local.replace(tzinfo=zone).astimezone(UTC)


def is_generated() -> bool:
    found = db.session.execute(
        select(Commemoration.id).where(Commemoration.slug == "bench-june-deportation-1941")
    )
    return found.first() is not None


def _reloaded(model: type, ids: list[int]) -> list:
    """The rows of `ids`, in that order, in a session that has forgotten them."""
    found = {row.id: row for row in db.session.scalars(select(model))}
    return [found[id_] for id_ in ids]


def generate(events: int, venues: int, organisations: int, seed: int) -> Counts:
    """Fill the current database, committing every BATCH events (the caller commits the last).

    The session is emptied after each commit: a flush looks at every object the session holds,
    so one long session would make each event cost more than the one before.
    """
    rng = random.Random(seed)
    commemorations = _commemorations()
    venue_rows = _venues(rng, venues)
    organisation_rows = _organisations(organisations)
    db.session.add_all([*commemorations, *venue_rows, *organisation_rows])
    db.session.flush()
    ids = {
        type(rows[0]): [row.id for row in rows]
        for rows in (commemorations, venue_rows, organisation_rows)
    }
    this_year = datetime.now(UTC).year
    first = date(this_year - YEARS_BACK, 1, 1)
    days = (date(this_year + YEARS_AHEAD, 12, 31) - first).days
    kinds = list(EventKind)
    for number in range(events):
        if number and number % BATCH == 0:
            db.session.commit()
            db.session.expunge_all()
            commemorations = _reloaded(Commemoration, ids[Commemoration])
            venue_rows = _reloaded(Venue, ids[Venue])
            organisation_rows = _reloaded(Organisation, ids[Organisation])
        venue = rng.choice(venue_rows)
        starts_at = _start(rng, venue.zone, first, days)
        place = venue.display_name("en")
        event = plan_event(
            title={lang: text.format(place=place) + f" #{number}" for lang, text in TITLES.items()},
            description=dict(DESCRIPTIONS) if number % 3 else {},
            kind=rng.choice(kinds),
            commemoration=rng.choice([*commemorations, None]),
            venue=venue,
            organisations=rng.sample(organisation_rows, k=rng.choice((1, 1, 2))),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=rng.choice((60, 90, 120))),
            slug=f"bench-event-{number}",
            # Random times overlap; the benchmark wants the data, not the warnings.
            clash_acknowledged=True,
        )
        if number % 25 == 0:
            continue  # a draft
        publish(event, None, clash_acknowledged=True)
        if number % 17 == 0:
            cancel(event, None, note={"lv": "Atcelts vētras dēļ.", "en": "Cancelled: storm."})
        elif number % 23 == 0:
            later = starts_at + timedelta(days=7)
            postpone(event, None, starts_at=later if number % 2 else None, clash_acknowledged=True)
    return Counts(events, venues, organisations)
