"""Importing a calendar into an organisation: a plan first (nothing written), then its drafts.

New entries become drafts through plan_event; entries imported before are changed through
edit_event (which writes the audit entry, and raises SEQUENCE for a published event); an entry
whose data has not changed is left alone: importing the same file twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from planner.countries import country_zone
from planner.db import ValidationError, now_utc
from planner.events.lifecycle import find_clashes
from planner.events.models import Event, EventKind, EventOrganisation
from planner.events.operations import edit_event, plan_event
from planner.extensions import db
from planner.i18n import LANGUAGES
from planner.imports.models import ImportedEvent
from planner.imports.reading import Occurrence, read_calendar
from planner.organisations.models import Organisation
from planner.venues.models import Venue

CREATE, UPDATE, UNCHANGED, SKIP, NEEDS_VENUE = "create", "update", "unchanged", "skip", "venue"


@dataclass
class Item:
    """What the import does with one occurrence, and (once done) the event it concerns."""

    occurrence: Occurrence
    action: str
    reason: Any = ""
    event: Event | None = None
    venue: Venue | None = None
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    organisation: Organisation
    lang: str
    items: list[Item] = field(default_factory=list)
    # (title, reason) of entries the file gives nothing to import for.
    left_out: list[tuple[str, Any]] = field(default_factory=list)

    def of(self, action: str) -> list[Item]:
        return [item for item in self.items if item.action == action]

    @property
    def unmatched_locations(self) -> list[str]:
        """The places of new events that match no venue, each once, in order."""
        return list(dict.fromkeys(item.occurrence.location for item in self.of(NEEDS_VENUE)))


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def match_venue(location: str, venues: list[Venue]) -> Venue | None:
    """The one venue a LOCATION names (by name, or name and address), else None."""
    wanted = _normal(location)
    if not wanted:
        return None
    head = _normal(location.split(",")[0])
    found = []
    for venue in venues:
        names = {_normal(name) for name in venue.name.values()}
        lines = {_normal(venue.location_line(lang)) for lang in venue.name}
        address = _normal(venue.address)
        if wanted in names or wanted in lines or (head in names and address and address in wanted):
            found.append(venue)
    return found[0] if len(found) == 1 else None


def _kind(categories: tuple[str, ...]) -> EventKind:
    for category in categories:
        value = _normal(category).replace(" ", "-")
        if value in {kind.value for kind in EventKind}:
            return EventKind(value)
    return EventKind.OTHER


def _own_uids(organisation: Organisation, uids: set[str]) -> set[str]:
    """The UIDs among `uids` of events this organisation already has in the planner."""
    hosted = select(EventOrganisation.event_id).where(
        EventOrganisation.organisation_id == organisation.id
    )
    query = select(Event.uid).where(Event.uid.in_(uids), Event.id.in_(hosted))
    return set(db.session.execute(query).scalars())


def _imported(organisation: Organisation, keys: set[str]) -> dict[str, Event]:
    query = select(ImportedEvent).where(
        ImportedEvent.organisation_id == organisation.id, ImportedEvent.source_key.in_(keys)
    )
    return {row.source_key: row.event for row in db.session.execute(query).scalars()}


def _texts(current: Mapping[str, str], lang: str, text: str) -> dict[str, str]:
    texts = dict(current)
    if text:
        texts[lang] = text
    else:
        texts.pop(lang, None)
    return texts


def _changes(event: Event, occurrence: Occurrence, lang: str, venue: Venue | None) -> dict:
    wanted: dict[str, Any] = {
        "title": _texts(event.title, lang, occurrence.title),
        "description": _texts(event.description, lang, occurrence.description),
        "starts_at": occurrence.starts_at,
        "ends_at": occurrence.ends_at,
    }
    if venue is not None and venue.id != event.venue_id:
        wanted["venue"] = venue
    return {
        name: value
        for name, value in wanted.items()
        if name == "venue" or getattr(event, name) != value
    }


def _item(plan: Plan, occurrence: Occurrence, context: dict) -> Item:
    if not occurrence.title:
        return Item(occurrence, SKIP, _l("It has no title."))
    if occurrence.cancelled:
        return Item(occurrence, SKIP, _l("It is cancelled in the calendar."))
    if occurrence.source_key in context["seen"]:
        return Item(occurrence, SKIP, _l("It appears twice in the file."))
    context["seen"].add(occurrence.source_key)
    if occurrence.uid in context["own"]:
        return Item(occurrence, SKIP, _l("It is already one of this organisation's events."))
    lang = occurrence.language if occurrence.language in LANGUAGES else plan.lang
    venue = context["choices"].get(occurrence.location) or match_venue(
        occurrence.location, context["venues"]
    )
    event = context["imported"].get(occurrence.source_key)
    if event is None:
        if venue is None:
            venue = context["fallback"]
        if venue is None:
            return Item(occurrence, NEEDS_VENUE, _l("Its place matches no venue; choose one."))
        return Item(occurrence, CREATE, _clash_note(venue, occurrence), venue=venue)
    changes = _changes(event, occurrence, lang, venue)
    if not changes:
        return Item(occurrence, UNCHANGED, _l("Unchanged since the last import."), event=event)
    note = _clash_note(venue or event.venue, occurrence, event)
    return Item(occurrence, UPDATE, note, event=event, venue=venue, changes=changes)


def _clash_note(venue: Venue, occurrence: Occurrence, event: Event | None = None) -> Any:
    """A warning when a published event holds the venue at that time (as planning warns)."""
    if find_clashes(venue, occurrence.starts_at, occurrence.ends_at, event):
        return _l("Another event is planned at this venue then; check before publishing.")
    return ""


def plan_import(
    organisation: Organisation,
    data: bytes,
    *,
    lang: str = "en",
    choices: Mapping[str, Venue] | None = None,
    fallback: Venue | None = None,
    now: datetime | None = None,
) -> Plan:
    """What importing `data` would do; writes nothing. UnreadableCalendar for a bad file.

    `choices` give the venue for a place that matches none; `fallback` for any other.
    """
    reading = read_calendar(data, zone=country_zone(organisation.country), now=now or now_utc())
    occurrences = reading.occurrences
    context = {
        "own": _own_uids(organisation, {o.uid for o in occurrences}),
        "imported": _imported(organisation, {o.source_key for o in occurrences}),
        "venues": list(db.session.execute(select(Venue).order_by(Venue.slug)).scalars()),
        "choices": dict(choices or {}),
        "fallback": fallback,
        "seen": set(),
    }
    plan = Plan(organisation=organisation, lang=lang, left_out=reading.left_out)
    plan.items = [_item(plan, occurrence, context) for occurrence in occurrences]
    return plan


def _create(plan: Plan, item: Item, actor: Any) -> Event:
    occurrence = item.occurrence
    lang = occurrence.language if occurrence.language in LANGUAGES else plan.lang
    event = plan_event(
        title={lang: occurrence.title},
        description={lang: occurrence.description} if occurrence.description else {},
        kind=_kind(occurrence.categories),
        venue=item.venue,
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        organisations=[plan.organisation],
        actor=actor,
        # A draft may share a time with a published event; the clash is in the report, and
        # publishing asks about it again.
        clash_acknowledged=True,
    )
    db.session.add(
        ImportedEvent(
            organisation_id=plan.organisation.id,
            source_key=occurrence.source_key,
            event_id=event.id,
        )
    )
    return event


def apply_plan(plan: Plan, actor: Any) -> Plan:
    """Create and update the events the plan names, each in a savepoint: one refused by the
    event rules is reported as skipped, the others are kept. The caller commits."""
    for item in plan.items:
        if item.action not in (CREATE, UPDATE):
            continue
        try:
            with db.session.begin_nested():
                if item.action == CREATE:
                    item.event = _create(plan, item, actor)
                else:
                    edit_event(item.event, actor, clash_acknowledged=True, **item.changes)
                db.session.flush()
        except ValidationError as error:
            item.action, item.reason = SKIP, error.message
    for item in plan.of(NEEDS_VENUE):
        item.action = SKIP
        item.reason = _l("Its place matches no venue, and none was chosen.")
    return plan
