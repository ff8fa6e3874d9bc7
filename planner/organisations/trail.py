"""How an organisation's own entries read in the audit trail (its events have their own)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from planner.audit.presentation import RecordVocabulary
from planner.organisations.models import Organisation
from planner.text import markdown_to_text, one_line

VOCABULARIES = {
    "organisations": RecordVocabulary(
        Organisation,
        {
            "create": _l("%(actor)s added the organisation “%(subject)s”."),
            "update": _l("%(actor)s changed the details of the organisation “%(subject)s”."),
            "delete": _l("%(actor)s deleted the organisation “%(subject)s”."),
        },
        field_labels={
            "slug": _l("Web address name"),
            "name": _l("Name"),
            "description": _l("Description"),
            "website": _l("Website"),
            "contact_email": _l("Contact e-mail address"),
            "country": _l("Country"),
            "city": _l("City"),
        },
        text_fields={"name": one_line, "description": markdown_to_text},
    )
}
