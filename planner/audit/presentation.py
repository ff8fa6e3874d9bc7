"""The audit trail in words: field names people understand, times at the venue, names not ids."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from flask_babel import gettext, lazy_gettext
from sqlalchemy import select

from planner.audit.models import AuditEntry
from planner.commemorations.models import Commemoration
from planner.events.labels import KIND_LABELS, STATUS_LABELS
from planner.events.models import Event, EventKind, EventStatus
from planner.events.planning import LANGUAGE_NAMES
from planner.extensions import db
from planner.formatting import babel_locale, clock, medium_date
from planner.i18n import current_language
from planner.organisations.models import Organisation
from planner.venues.models import Venue

FIELD_LABELS = {
    "title": lazy_gettext("Title"),
    "description": lazy_gettext("Description"),
    "kind": lazy_gettext("Kind of event"),
    "commemoration_id": lazy_gettext("Commemoration"),
    "venue_id": lazy_gettext("Venue"),
    "starts_at": lazy_gettext("Start"),
    "ends_at": lazy_gettext("End"),
    "timezone": lazy_gettext("Time zone"),
    "status": lazy_gettext("Status"),
    "status_note": lazy_gettext("Note to the public"),
    "previous_starts_at": lazy_gettext("Start before postponing"),
    "organisations": lazy_gettext("Organising groups"),
}

ACTION_LABELS = {
    "created": lazy_gettext("Planned as a draft"),
    "edited": lazy_gettext("Edited"),
    "published": lazy_gettext("Published"),
    "postponed": lazy_gettext("Postponed"),
    "cancelled": lazy_gettext("Cancelled"),
    "restored": lazy_gettext("Restored"),
    "deleted": lazy_gettext("Draft deleted"),
}

_TIME_FIELDS = ("starts_at", "ends_at", "previous_starts_at")
_TEXT_FIELDS = ("title", "description", "status_note")
_SHORT = 160


@dataclass
class ReadableChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class ReadableEntry:
    at: datetime
    when: str
    actor: str
    action: str
    subject: str
    event_id: int | None
    changes: list[ReadableChange]


def local_moment(instant: datetime, zone: ZoneInfo, lang: str | None = None) -> str:
    """'14 Jun 2027 18:04 EEST': a moment as people at the venue read it."""
    local = instant.astimezone(zone)
    return f"{medium_date(local, lang)} {clock(local, lang)} {local.tzname()}"


def _language_name(code: str, lang: str) -> str:
    if code in LANGUAGE_NAMES:
        return str(LANGUAGE_NAMES[code])
    try:
        return Locale.parse(babel_locale(lang)).languages.get(code, code)
    except (ValueError, TypeError):
        return code


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


class _Names:
    """Names for the ids and slugs an audit trail stores, looked up once per page."""

    def __init__(self, entries: Iterable[AuditEntry]):
        venue_ids, commemoration_ids, slugs, event_ids = set(), set(), set(), set()
        for entry in entries:
            if entry.event_id:
                event_ids.add(entry.event_id)
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
        self.venues = self._by(Venue, Venue.id, venue_ids)
        self.commemorations = self._by(Commemoration, Commemoration.id, commemoration_ids)
        self.organisations = self._by(Organisation, Organisation.slug, slugs)
        self.zones = {
            row.id: row.timezone
            for row in db.session.execute(
                select(Event.id, Event.timezone).where(Event.id.in_(event_ids or {-1}))
            )
        }

    @staticmethod
    def _by(model: type, column: Any, keys: set) -> dict:
        if not keys:
            return {}
        rows = db.session.execute(select(model).where(column.in_(keys))).scalars()
        return {getattr(row, column.key): row for row in rows}


def _value(field: str, value: Any, names: _Names, zone: ZoneInfo, lang: str) -> str:
    if value in (None, "", [], {}):
        return gettext("(none)")
    if field in _TIME_FIELDS:
        try:
            return local_moment(datetime.fromisoformat(value), zone, lang)
        except (TypeError, ValueError):
            return str(value)
    if field in _TEXT_FIELDS and isinstance(value, Mapping):
        return "; ".join(
            f"{_language_name(code, lang)}: {_shorten(str(text))}" for code, text in value.items()
        )
    if field == "status":
        try:
            return str(STATUS_LABELS[EventStatus(value)])
        except ValueError:
            return str(value)
    if field == "kind":
        try:
            return str(KIND_LABELS[EventKind(value)])
        except ValueError:
            return str(value)
    if field == "venue_id":
        venue = names.venues.get(value)
        return venue.display_name(lang) if venue else gettext("a venue since removed")
    if field == "commemoration_id":
        commemoration = names.commemorations.get(value)
        if commemoration is None:
            return gettext("a removed commemoration")
        return commemoration.distinct_name(lang)
    if field == "organisations" and isinstance(value, list):
        return ", ".join(
            names.organisations[slug].display_name(lang) if slug in names.organisations else slug
            for slug in value
        )
    return str(value)


def _actor(entry: AuditEntry) -> str:
    if entry.user is not None:
        return entry.user.name
    if not entry.actor or entry.actor == "system":
        return gettext("the system (demo data or a command)")
    return entry.actor


def readable_entries(
    entries: Iterable[AuditEntry], default_zone: ZoneInfo, lang: str | None = None
) -> list[ReadableEntry]:
    """Audit entries in words: who, when (local time), what, and each change old → new."""
    entries = list(entries)
    lang = lang or current_language()
    names = _Names(entries)
    readable = []
    for entry in entries:
        zone_name = names.zones.get(entry.event_id)
        zone = ZoneInfo(zone_name) if zone_name else default_zone
        changes = [
            ReadableChange(
                field=key,
                label=str(FIELD_LABELS.get(key, key)),
                old=_value(key, pair[0], names, zone, lang),
                new=_value(key, pair[1], names, zone, lang),
            )
            for key, pair in (entry.changes or {}).items()
            if key in FIELD_LABELS and any(value not in (None, "", [], {}) for value in pair)
        ]
        readable.append(
            ReadableEntry(
                at=entry.at,
                when=local_moment(entry.at, zone, lang),
                actor=_actor(entry),
                action=str(ACTION_LABELS.get(entry.action, entry.action)),
                subject=entry.object_label,
                event_id=entry.event_id,
                changes=changes,
            )
        )
    return readable
