"""Names of event kinds and statuses as readers see them, in their language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from planner.events.models import EventKind

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
    EventKind.OTHER: _l("Event"),
}


def kind_label(kind: EventKind) -> str:
    """'Vigil', 'Flower-laying'… in the reader's language."""
    return str(KIND_LABELS.get(kind, KIND_LABELS[EventKind.OTHER]))
