"""How a commemoration's entries read in the audit trail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from planner.audit.presentation import RecordVocabulary
from planner.commemorations.models import Commemoration

VOCABULARIES = {
    "commemorations": RecordVocabulary(
        Commemoration,
        {
            "create": _l("%(actor)s added the day of remembrance “%(subject)s”."),
            "update": _l("%(actor)s changed the day of remembrance “%(subject)s”."),
            "delete": _l("%(actor)s deleted the day of remembrance “%(subject)s”."),
        },
    )
}
