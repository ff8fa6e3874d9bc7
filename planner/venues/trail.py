"""How a venue's entries read in the audit trail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from planner.audit.presentation import RecordVocabulary
from planner.venues.models import Venue

VOCABULARIES = {
    "venues": RecordVocabulary(
        Venue,
        {
            "create": _l("%(actor)s added the venue “%(subject)s”."),
            "update": _l("%(actor)s changed the venue “%(subject)s”."),
            "delete": _l("%(actor)s deleted the venue “%(subject)s”."),
        },
    )
}
