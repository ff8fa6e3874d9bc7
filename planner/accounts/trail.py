"""How accounts, invitations and memberships read in the audit trail: one sentence each,
roles named ("… made Ieva Ozola an owner."), never a stored code."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from planner.accounts.models import User
from planner.audit.models import AuditEntry
from planner.audit.presentation import Vocabulary, sentence
from planner.extensions import db

# {action: {role or flag: message}}; the role is the one the entry's changes give.
_BY_ROLE = {
    "invite": {
        "editor": _l("%(actor)s invited %(person)s to join as an editor."),
        "owner": _l("%(actor)s invited %(person)s to join as an owner."),
        None: _l("%(actor)s invited %(person)s to become a site administrator."),
    },
    "accept_invitation": {
        "editor": _l("%(actor)s accepted the invitation and joined as an editor."),
        "owner": _l("%(actor)s accepted the invitation and joined as an owner."),
        None: _l("%(actor)s accepted the invitation and became a site administrator."),
    },
    "add_member": {
        "editor": _l("%(actor)s added %(person)s as an editor."),
        "owner": _l("%(actor)s added %(person)s as an owner."),
    },
    "change_role": {
        "editor": _l("%(actor)s made %(person)s an editor."),
        "owner": _l("%(actor)s made %(person)s an owner."),
    },
    "remove_member": {
        "editor": _l("%(actor)s removed %(person)s, an editor, from the members."),
        "owner": _l("%(actor)s removed %(person)s, an owner, from the members."),
    },
    "revoke_invitation": {
        "editor": _l("%(actor)s revoked the invitation of %(person)s to join as an editor."),
        "owner": _l("%(actor)s revoked the invitation of %(person)s to join as an owner."),
        None: _l("%(actor)s revoked the invitation of %(person)s to become an administrator."),
    },
    "set_admin": {
        True: _l("%(actor)s made %(person)s a site administrator."),
        False: _l("%(actor)s took the administrator rights away from %(person)s."),
    },
    "set_active": {
        True: _l("%(actor)s reactivated the account of %(person)s."),
        False: _l("%(actor)s deactivated the account of %(person)s."),
    },
    "change_password": {None: _l("%(actor)s changed their password.")},
}


def _key(entry: AuditEntry) -> Any:
    """The role, or the flag's new value, that picks the entry's sentence."""
    changes = entry.changes or {}
    for field in ("is_admin", "active"):
        if field in changes:
            return bool(changes[field][1])
    old, new = changes.get("role", [None, None])
    return (old if entry.action in ("remove_member", "revoke_invitation") else new) or None


def _address(entry: AuditEntry) -> str:
    # Older entries read "person@example.org in organisation-slug".
    return entry.object_label.split(" in ", 1)[0]


class AccountVocabulary(Vocabulary):
    """Entries about users, invitations and memberships; people named as they call themselves."""

    def prepare(self, entries: list[AuditEntry]) -> dict[str, str]:
        addresses = {_address(entry) for entry in entries}
        rows = db.session.execute(
            select(User.email, User.display_name).where(User.email.in_(addresses or {""}))
        )
        return {row.email: row.display_name or row.email for row in rows}

    def sentence(self, entry: AuditEntry, actor: str, context: Any, lang: str) -> Markup | None:
        message = _BY_ROLE.get(entry.action, {}).get(_key(entry))
        if message is None:
            return None
        address = _address(entry)
        return sentence(message, actor=actor, person=context.get(address, address))


VOCABULARIES = {
    "users": AccountVocabulary(),
    "invitations": AccountVocabulary(),
    "memberships": AccountVocabulary(),
}
