"""The demo starting set: real commemorations, venues and organisations, and example events.

Loading is idempotent: rows are found by slug and only missing ones are added, so a second
run changes nothing.
"""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from importlib import resources
from typing import Any

from sqlalchemy import select

from planner.commemorations.models import Commemoration
from planner.events.models import Event, EventKind
from planner.events.operations import plan_event, publish
from planner.extensions import db
from planner.organisations.models import Organisation
from planner.slugs import make_slug
from planner.timeutil import local_to_utc
from planner.venues.models import Venue


def demo_data() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath("demo_data.json").read_text("utf-8"))


def _get_or_add(model: type, item: dict[str, Any], counts: dict[str, int]) -> Any:
    found = db.session.execute(select(model).where(model.slug == item["slug"])).scalar_one_or_none()
    if found is not None:
        return found
    found = model(**item)
    db.session.add(found)
    counts[model.__tablename__] += 1
    return found


def load_demo(today: date | None = None) -> dict[str, int]:
    """Add what is missing of the demo set; returns how many rows of each kind were added."""
    data = demo_data()
    counts = {"commemorations": 0, "venues": 0, "organisations": 0, "events": 0}
    commemorations = {
        item["slug"]: _get_or_add(Commemoration, item, counts) for item in data["commemorations"]
    }
    venues = {item["slug"]: _get_or_add(Venue, item, counts) for item in data["venues"]}
    organisations = {
        item["slug"]: _get_or_add(Organisation, item, counts) for item in data["organisations"]
    }
    db.session.flush()
    for item in data["events"]:
        commemoration = commemorations[item["commemoration"]]
        venue = venues[item["venue"]]
        day = commemoration.next_occurrence(today)
        if day is None:
            continue
        hours, minutes = (int(part) for part in item["start"].split(":"))
        starts_at = local_to_utc(day, time(hours, minutes), venue.timezone)
        slug = f"{make_slug(item['title']['en'])}-{day.isoformat()}"
        if db.session.execute(select(Event.id).where(Event.slug == slug)).first() is not None:
            continue
        event = plan_event(
            title=item["title"],
            description=item["description"],
            kind=EventKind(item["kind"]),
            commemoration=commemoration,
            venue=venue,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=item["minutes"]),
            organisations=[organisations[slug] for slug in item["organisations"]],
            slug=slug,
            # The demo's events are curated: two at one venue on one day are meant.
            clash_acknowledged=True,
        )
        publish(event, None, clash_acknowledged=True)
        counts["events"] += 1
    return counts
