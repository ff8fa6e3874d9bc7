"""Names of event kinds and statuses as readers see them, in their language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from planner.events.models import EventKind, EventStatus

KIND_LABELS = {
    EventKind.VIGIL: _l("Vigil"),
    EventKind.FLOWER_LAYING: _l("Flower-laying"),
    EventKind.CANDLE_LIGHTING: _l("Candle lighting"),
    EventKind.MEMORIAL_SERVICE: _l("Memorial service"),
    EventKind.READING_OF_NAMES: _l("Reading of names"),
    EventKind.PROCESSION: _l("Procession"),
    EventKind.EXHIBITION_OPENING: _l("Exhibition opening"),
    EventKind.SCREENING: _l("Screening"),
    EventKind.LECTURE: _l("Lecture"),
    EventKind.OTHER: _l("Other"),
}

STATUS_LABELS = {
    EventStatus.DRAFT: _l("Draft (not public)"),
    EventStatus.SCHEDULED: _l("Published"),
    EventStatus.POSTPONED: _l("Postponed"),
    EventStatus.CANCELLED: _l("Cancelled"),
}


def kind_label(kind: EventKind) -> str:
    """'Vigil', 'Flower-laying'… in the reader's language; an unnamed kind is an 'Event'."""
    if kind == EventKind.OTHER or kind not in KIND_LABELS:
        return str(_l("Event"))
    return str(KIND_LABELS[kind])


def status_label(status: EventStatus | str) -> str:
    """'Published', 'Postponed'… in the reader's language."""
    return str(STATUS_LABELS[EventStatus(status)])


def register_label_helpers(app) -> None:
    """The event labels every template may use (globals: imported macros see globals only)."""
    from planner.events.planning import LANGUAGE_NAMES

    app.jinja_env.globals.update(
        kind_label=kind_label, status_label=status_label, language_names=LANGUAGE_NAMES
    )
