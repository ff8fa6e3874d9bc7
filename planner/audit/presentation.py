"""The audit trail in words: each entry one sentence in the reader's language ("Ieva Ozola
published “Candle lighting”."), with a table of the fields it changed (old → new) where a table
says more than a sentence, and times at the place they concern.

This package knows no domain. Each kind of audited object (events, memberships, invitations…)
brings a Vocabulary, registered with the app by `register_vocabularies`, that writes its
sentences (one catalogue message each), names its fields and reads its values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from flask import Flask, current_app
from flask_babel import gettext, lazy_gettext
from markupsafe import Markup, escape

from planner.audit.models import AuditEntry
from planner.extensions import db
from planner.formatting import babel_locale, clock, medium_date
from planner.i18n import current_language

_EMPTY = (None, "", [], {})
_SHORT = 160
_EXTENSION = "planner.audit.vocabularies"

# Said of any change that no vocabulary words more precisely (a record since removed, say).
_SOME_CHANGE = lazy_gettext("%(actor)s made a change to “%(subject)s”.")


def local_moment(instant: datetime, zone: ZoneInfo, lang: str | None = None) -> str:
    """'14 Jun 2027 18:04 EEST': a moment as people at the venue read it."""
    local = instant.astimezone(zone)
    return f"{medium_date(local, lang)} {clock(local, lang)} {local.tzname()}"


def sentence(message: Any, **names: Any) -> Markup:
    """One catalogue message filled with names, every name escaped (the message is text too)."""
    return Markup(escape(str(message))) % {key: str(value) for key, value in names.items()}


def shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


class Vocabulary:
    """How the entries about one kind of object read. Subclasses override what they need.

    `prepare` loads, once per page of entries, what the sentences and values name (a venue's
    name for its id, say); what it returns comes back to the other methods as `context`.
    """

    # {field: label}: the fields shown in the table of changes, in this order.
    field_labels: Mapping[str, Any] = {}
    # Fields holding an instant (ISO 8601), shown at the entry's zone.
    time_fields: frozenset[str] = frozenset()
    # Fields holding text per language ({"en": ..., "lv": ...}), with how to show each text.
    text_fields: Mapping[str, Callable[[str], str]] = {}

    def prepare(self, entries: list[AuditEntry]) -> Any:
        return None

    def sentence(self, entry: AuditEntry, actor: str, context: Any, lang: str) -> Markup | None:
        """The entry as one sentence, or None for the plain "made a change" one."""
        return None

    def zone(self, entry: AuditEntry, context: Any) -> ZoneInfo | None:
        return None

    def value(self, field: str, value: Any, context: Any, lang: str) -> str | None:
        """A stored value in words, or None to show it as it is."""
        return None


def register_vocabularies(app: Flask, vocabularies: Mapping[str, Vocabulary]) -> None:
    """Make `vocabularies` ({object type (table name): Vocabulary}) read this app's trail."""
    app.extensions.setdefault(_EXTENSION, {}).update(vocabularies)


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
    sentence: Markup
    event_id: int | None
    changes: list[ReadableChange]


def _language_name(code: str, lang: str) -> str:
    try:
        return Locale.parse(babel_locale(lang)).languages.get(code, code)
    except (ValueError, TypeError):
        return code


def _value(vocabulary: Vocabulary, field: str, value: Any, context: Any, zone, lang) -> str:
    if value in _EMPTY:
        return gettext("(none)")
    worded = vocabulary.value(field, value, context, lang)
    if worded is not None:
        return worded
    if field in vocabulary.time_fields:
        try:
            return local_moment(datetime.fromisoformat(value), zone, lang)
        except (TypeError, ValueError):
            return str(value)
    if field in vocabulary.text_fields and isinstance(value, Mapping):
        show = vocabulary.text_fields[field]
        return "; ".join(
            f"{_language_name(code, lang)}: {shorten(show(str(text)))}"
            for code, text in value.items()
        )
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _actor(entry: AuditEntry) -> str:
    if entry.user is not None:
        return entry.user.name
    if not entry.actor or entry.actor == "system":
        return gettext("The system (a command or the demo data)")
    return entry.actor


def _read(entry: AuditEntry, vocabulary: Vocabulary, context: Any, default_zone, lang: str):
    zone = vocabulary.zone(entry, context) or default_zone
    actor = _actor(entry)
    said = vocabulary.sentence(entry, actor, context, lang)
    if said is None:
        said = sentence(_SOME_CHANGE, actor=actor, subject=entry.object_label)
    changes = [
        ReadableChange(
            field=key,
            label=str(label),
            old=_value(vocabulary, key, (entry.changes or {})[key][0], context, zone, lang),
            new=_value(vocabulary, key, (entry.changes or {})[key][1], context, zone, lang),
        )
        for key, label in vocabulary.field_labels.items()
        if key in (entry.changes or {}) and any(value not in _EMPTY for value in entry.changes[key])
    ]
    return ReadableEntry(
        at=entry.at,
        when=local_moment(entry.at, zone, lang),
        actor=actor,
        sentence=said,
        event_id=entry.event_id,
        changes=changes,
    )


def readable_entries(
    entries: Iterable[AuditEntry], default_zone: ZoneInfo, lang: str | None = None
) -> list[ReadableEntry]:
    """Audit entries in words: when (local time), a sentence, and each change old → new."""
    entries = list(entries)
    lang = lang or current_language()
    vocabularies: Mapping[str, Vocabulary] = current_app.extensions.get(_EXTENSION, {})
    plain = Vocabulary()
    contexts = {
        kind: vocabulary.prepare([entry for entry in entries if entry.object_type == kind])
        for kind, vocabulary in vocabularies.items()
        if any(entry.object_type == kind for entry in entries)
    }
    return [
        _read(
            entry,
            vocabularies.get(entry.object_type, plain),
            contexts.get(entry.object_type),
            default_zone,
            lang,
        )
        for entry in entries
    ]


class RecordVocabulary(Vocabulary):
    """A record with a `display_name(lang)` (an organisation, a venue…), named as it is now.

    `sentences` gives one message per action, with %(actor)s and %(subject)s.
    """

    def __init__(
        self,
        model: type,
        sentences: Mapping[str, Any],
        field_labels: Mapping[str, Any] | None = None,
        text_fields: Mapping[str, Callable[[str], str]] | None = None,
    ):
        self.model = model
        self.sentences = sentences
        self.field_labels = field_labels or {}
        self.text_fields = text_fields or {}

    def prepare(self, entries: list[AuditEntry]) -> dict[int, Any]:
        ids = {entry.object_id for entry in entries} - {None}
        if not ids:
            return {}
        rows = db.session.execute(db.select(self.model).where(self.model.id.in_(ids)))
        return {row.id: row for row in rows.scalars()}

    def sentence(self, entry: AuditEntry, actor: str, context: Any, lang: str) -> Markup | None:
        message = self.sentences.get(entry.action)
        if message is None:
            return None
        record = context.get(entry.object_id)
        subject = record.display_name(lang) if record is not None else entry.object_label
        return sentence(message, actor=actor, subject=subject)
