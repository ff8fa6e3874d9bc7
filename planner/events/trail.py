"""The event's audit trail: which fields are recorded (events/fields.py), one entry per change
with each field's old and new value (as Indico's `_log_event_update`), and how the entries read:
a sentence per step, its fields named."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from planner.audit.models import AuditEntry
from planner.audit.operations import record
from planner.audit.presentation import Vocabulary, sentence
from planner.commemorations.models import Commemoration
from planner.events.fields import AUDITED_FIELDS, FIELD_LABELS
from planner.events.labels import KIND_LABELS, STATUS_LABELS
from planner.events.models import Event, EventKind, EventStatus
from planner.extensions import db
from planner.organisations.models import Organisation
from planner.text import markdown_to_text, one_line
from planner.venues.models import Venue


def snapshot(event: Event) -> dict[str, Any]:
    """The recorded fields' values, organisers by slug."""
    values = {name: getattr(event, name, None) for name in AUDITED_FIELDS}
    values["organisations"] = [host.organisation.slug for host in event.hosts]
    return values


def log_change(action: str, event: Event, actor: Any, changes: dict[str, list[Any]]) -> None:
    """One entry in the event's trail and in its host organisation's."""
    primary = event.hosts[0].organisation_id if event.hosts else None
    record(
        action,
        event,
        actor,
        changes=changes,
        label=event.display_title("en"),
        event_id=event.id,
        organisation_id=primary,
    )


SENTENCES = {
    "created": _l("%(actor)s planned “%(subject)s” as a draft."),
    "edited": _l("%(actor)s edited “%(subject)s”."),
    "published": _l("%(actor)s published “%(subject)s”."),
    "postponed": _l("%(actor)s postponed “%(subject)s”."),
    "cancelled": _l("%(actor)s cancelled “%(subject)s”."),
    "restored": _l("%(actor)s restored “%(subject)s”."),
    "deleted": _l("%(actor)s deleted the draft “%(subject)s”."),
}


def _by(model: type, column: Any, keys: set) -> dict:
    if not keys:
        return {}
    rows = db.session.execute(select(model).where(column.in_(keys))).scalars()
    return {getattr(row, column.key): row for row in rows}


class _Names:
    """The names a page of event entries refers to, looked up once."""

    def __init__(self, entries: list[AuditEntry]):
        venue_ids, commemoration_ids, slugs = set(), set(), set()
        for entry in entries:
            for key, pair in (entry.changes or {}).items():
                for value in pair:
                    if value in (None, "", [], {}):
                        continue
                    if key == "venue_id":
                        venue_ids.add(value)
                    elif key == "commemoration_id":
                        commemoration_ids.add(value)
                    elif key == "organisations":
                        slugs.update(value)
        self.venues = _by(Venue, Venue.id, venue_ids)
        self.commemorations = _by(Commemoration, Commemoration.id, commemoration_ids)
        self.organisations = _by(Organisation, Organisation.slug, slugs)
        event_ids = {entry.event_id or entry.object_id for entry in entries} - {None}
        self.events = {
            row.id: row
            for row in db.session.execute(
                select(Event.id, Event.timezone, Event.title).where(Event.id.in_(event_ids))
            )
        }


class EventVocabulary(Vocabulary):
    field_labels = FIELD_LABELS
    time_fields = frozenset({"starts_at", "ends_at", "previous_starts_at"})
    text_fields = {"title": one_line, "description": markdown_to_text, "status_note": one_line}

    def prepare(self, entries: list[AuditEntry]) -> _Names:
        return _Names(entries)

    def sentence(self, entry: AuditEntry, actor: str, context: _Names, lang: str) -> Markup | None:
        message = SENTENCES.get(entry.action)
        if message is None:
            return None
        event = context.events.get(entry.event_id or entry.object_id)
        title = entry.object_label
        if event is not None and event.title:
            title = event.title.get(lang) or title
        return sentence(message, actor=actor, subject=one_line(title))

    def zone(self, entry: AuditEntry, context: _Names) -> ZoneInfo | None:
        event = context.events.get(entry.event_id or entry.object_id)
        return ZoneInfo(event.timezone) if event is not None else None

    def value(self, field: str, value: Any, context: _Names, lang: str) -> str | None:
        if field == "status":
            return _label(STATUS_LABELS, EventStatus, value)
        if field == "kind":
            return _label(KIND_LABELS, EventKind, value)
        if field == "venue_id":
            venue = context.venues.get(value)
            return venue.display_name(lang) if venue else gettext("a venue since removed")
        if field == "commemoration_id":
            commemoration = context.commemorations.get(value)
            if commemoration is None:
                return gettext("a removed commemoration")
            return commemoration.distinct_name(lang)
        if field == "organisations" and isinstance(value, list):
            return ", ".join(
                context.organisations[slug].display_name(lang)
                if slug in context.organisations
                else slug
                for slug in value
            )
        return None


def _label(labels: dict, kind: type, value: Any) -> str:
    try:
        return str(labels[kind(value)])
    except (KeyError, ValueError):
        return str(value)


VOCABULARIES = {"events": EventVocabulary()}
