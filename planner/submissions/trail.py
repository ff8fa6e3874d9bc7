"""How the entries of proposals and moderators read in the audit trail."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from planner.audit.models import AuditEntry
from planner.audit.presentation import Vocabulary, sentence
from planner.extensions import db
from planner.submissions.models import Submission

# The submitter has no account: their entries have no actor and are said without one.
_SENTENCES = {
    "submitted": _l("“%(subject)s” was proposed through the public form."),
    "resubmitted": _l("The submitter corrected “%(subject)s” and sent it again."),
    "returned": _l("%(actor)s returned “%(subject)s” to the submitter."),
    "rejected": _l("%(actor)s rejected “%(subject)s”."),
    "approved": _l("%(actor)s published “%(subject)s”."),
}


class SubmissionVocabulary(Vocabulary):
    field_labels = {
        "message": _l("Message to the submitter"),
        "reason": _l("Reason"),
        "title": _l("Title"),
        "starts_at": _l("Start"),
        "ends_at": _l("End"),
        "venue_name": _l("Venue"),
        "group_name": _l("Group"),
    }
    time_fields = frozenset({"starts_at", "ends_at"})

    def prepare(self, entries: list[AuditEntry]) -> dict[int, Submission]:
        ids = {entry.object_id for entry in entries} - {None}
        if not ids:
            return {}
        rows = db.session.execute(db.select(Submission).where(Submission.id.in_(ids)))
        return {row.id: row for row in rows.scalars()}

    def sentence(self, entry: AuditEntry, actor: str, context: Any, lang: str) -> Markup | None:
        message = _SENTENCES.get(entry.action)
        if message is None:
            return None
        return sentence(message, actor=actor, subject=entry.object_label)

    def zone(self, entry: AuditEntry, context: Any) -> ZoneInfo | None:
        submission = context.get(entry.object_id)
        return submission.zone if submission is not None else None


class ModeratorVocabulary(Vocabulary):
    def sentence(self, entry: AuditEntry, actor: str, context: Any, lang: str) -> Markup | None:
        message = {
            "moderator_named": _l("%(actor)s named a moderator: %(subject)s."),
            "moderator_removed": _l("%(actor)s removed a moderator: %(subject)s."),
        }.get(entry.action)
        if message is None:
            return None
        return sentence(message, actor=actor, subject=entry.object_label)


VOCABULARIES = {"submissions": SubmissionVocabulary(), "moderators": ModeratorVocabulary()}
