"""Writing the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from planner.audit.models import AuditEntry
from planner.extensions import db


def _as_text(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        key: [_as_text(before.get(key)), _as_text(after.get(key))]
        for key in after
        if before.get(key) != after.get(key)
    }


def record(
    action: str,
    obj: Any,
    actor: Any = None,
    *,
    changes: dict[str, list[Any]] | None = None,
    label: str = "",
    event_id: int | None = None,
    organisation_id: int | None = None,
) -> AuditEntry:
    """Record one change. An organisation's trail also shows the entries of its events."""
    db.session.flush()
    entry = AuditEntry(
        user_id=getattr(actor, "id", None),
        actor=getattr(actor, "email", "") or "system",
        action=action,
        object_type=getattr(obj, "__tablename__", type(obj).__name__.lower()),
        object_id=getattr(obj, "id", None),
        object_label=label[:200],
        event_id=event_id,
        organisation_id=organisation_id,
        changes=changes or {},
    )
    db.session.add(entry)
    return entry
