"""An event's fields, declared once: their label, whether the trail records them, whether an
edit may change them, and which fields of the planning form show them.

The audit trail, edit_event's allowed set, the stale-edit page and the audit labels follow
from this list (as Indico's `log_fields` sit beside its event operations).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from planner.i18n import LANGUAGES

# The languages the planning form offers a title, a description and a note in: all of them.
FORM_LANGUAGES = LANGUAGES


@dataclass(frozen=True)
class EventField:
    name: str
    label: object
    # Recorded in the trail (old -> new) when it changes.
    audited: bool = True
    # edit_event may change it (the lifecycle steps change the others).
    editable: bool = False
    # The planning form's fields that show it.
    form_fields: tuple[str, ...] = ()


def _per_language(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}_{lang}" for lang in FORM_LANGUAGES)


FIELDS = (
    EventField("title", _l("Title"), editable=True, form_fields=_per_language("title")),
    EventField(
        "description",
        _l("Description"),
        editable=True,
        form_fields=_per_language("description"),
    ),
    EventField("kind", _l("Kind of event"), editable=True, form_fields=("kind",)),
    EventField(
        "commemoration_id", _l("Commemoration"), editable=True, form_fields=("commemoration",)
    ),
    EventField("venue_id", _l("Venue"), editable=True, form_fields=("venue",)),
    EventField("starts_at", _l("Start"), editable=True, form_fields=("day", "start_time")),
    EventField("ends_at", _l("End"), editable=True, form_fields=("end_day", "end_time")),
    EventField("timezone", _l("Time zone"), editable=True),
    EventField("status", _l("Status")),
    EventField("status_note", _l("Note to the public"), editable=True),
    EventField("previous_starts_at", _l("Start before postponing")),
    EventField(
        "organisations",
        _l("Organising groups"),
        form_fields=("organisation", "cohosts"),
    ),
)

AUDITED_FIELDS = tuple(field.name for field in FIELDS if field.audited)
EDITABLE_FIELDS = frozenset(field.name for field in FIELDS if field.editable)
FIELD_LABELS = {field.name: field.label for field in FIELDS}
# The planning form's fields in the order the form shows them.
FORM_FIELDS = (
    "organisation",
    "cohosts",
    "commemoration",
    "kind",
    "venue",
    "day",
    "start_time",
    "end_time",
    "end_day",
    *_per_language("title"),
    *_per_language("description"),
)
