"""Benchmark data: many organisations, venues and events, made through the real operations."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from planner.commemorations.models import Commemoration
from planner.events.operations import cancel, plan_event, publish
from planner.extensions import db
from planner.organisations.models import Organisation
from planner.venues.models import Venue

COUNTRIES = ("LV", "EE", "LT")


def generate(
    events: int = 1000, venues: int = 40, organisations: int = 30, seed: int = 1941
) -> None:
    """Fill the current app's database; deterministic for a given seed."""
    rng = random.Random(seed)
    commemorations = [
        Commemoration(
            slug="june-deportation-1941",
            name={"en": "June deportation of 1941"},
            rrule="FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14",
            countries=list(COUNTRIES),
            remembered_year=1941,
        ),
        Commemoration(
            slug="march-deportation-1949",
            name={"en": "March deportation of 1949"},
            rrule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=25",
            countries=list(COUNTRIES),
            remembered_year=1949,
        ),
    ]
    venue_rows = [
        Venue(
            slug=f"venue-{number}",
            name={"en": f"Memorial {number}", "lv": f"Piemineklis {number}"},
            address=f"Brīvības iela {number}",
            city="Rīga",
            country=COUNTRIES[number % 3],
            latitude=56.9 + number / 1000,
            longitude=24.1 + number / 1000,
        )
        for number in range(venues)
    ]
    organisation_rows = [
        Organisation(
            slug=f"group-{number}",
            name={"en": f"Remembrance group {number}"},
            country=COUNTRIES[number % 3],
            contact_email=f"group{number}@example.org",
        )
        for number in range(organisations)
    ]
    db.session.add_all([*commemorations, *venue_rows, *organisation_rows])
    db.session.flush()
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=300)
    for number in range(events):
        starts_at = start + timedelta(hours=rng.randrange(0, 24 * 700))
        event = plan_event(
            title={"en": f"Vigil {number}", "lv": f"Piemiņas brīdis {number}"},
            description={"en": "Candles and a **reading of names**."},
            commemoration=rng.choice(commemorations),
            venue=rng.choice(venue_rows),
            organisations=rng.sample(organisation_rows, k=rng.choice((1, 1, 2))),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=90),
            # Random times overlap; the benchmark wants the data, not the warnings.
            clash_acknowledged=True,
        )
        publish(event, None, clash_acknowledged=True)
        if number % 17 == 0:
            cancel(event, None, note={"en": "Cancelled."})
    db.session.commit()
