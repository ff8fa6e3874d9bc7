"""The stale-edit page's two lists: what the other person changed, and what this organiser did.

The edit form carries the values it was opened with (`original`); comparing them with the
current version tells what someone else changed (before -> after), and comparing them with
what was sent tells what this organiser changed. Only the latter are "your changes".
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from planner.events.fields import FORM_FIELDS
from planner.manage.forms import EventForm


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


def sent_values(formdata: MultiDict) -> dict[str, str]:
    values = {name: (formdata.get(name) or "").strip() for name in FORM_FIELDS}
    values["cohosts"] = ",".join(formdata.getlist("cohosts"))
    return values


def original_values(form: EventForm) -> dict[str, str] | None:
    """The values the form was opened with, or None when it did not say (an older page)."""
    try:
        found = json.loads(form.original.data or "")
    except ValueError:
        return None
    if not isinstance(found, dict):
        return None
    return {name: str(found.get(name, "")) for name in FORM_FIELDS}


def _same(name: str, one: str, other: str) -> bool:
    if name.endswith("_time"):  # 18:00 and 18:00:00 are one time
        return one[:5] == other[:5]
    return one == other


def _shown(form: EventForm, name: str, value: str) -> str:
    field = getattr(form, name)
    labels = {
        str(choice.value): str(choice.label) for choice in getattr(field, "choices", None) or []
    }
    if name == "cohosts":
        return ", ".join(labels.get(slug, slug) for slug in value.split(",") if slug)
    return labels.get(value, value)


def changes_between(
    form: EventForm, before: dict[str, str], after: dict[str, str]
) -> list[FieldChange]:
    """The fields whose value differs, labelled as the form labels them."""
    return [
        FieldChange(
            label=str(getattr(form, name).label.text),
            before=_shown(form, name, before[name]),
            after=_shown(form, name, after[name]),
        )
        for name in FORM_FIELDS
        if not _same(name, before[name], after[name])
    ]
