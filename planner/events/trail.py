"""The event's entries in the audit trail: which fields are recorded (events/fields.py), and
one entry per change with each field's old and new value (as Indico's `_log_event_update`)."""

from __future__ import annotations

from typing import Any

from planner.audit.operations import record
from planner.events.fields import AUDITED_FIELDS
from planner.events.models import Event


def snapshot(event: Event) -> dict[str, Any]:
    """The recorded fields' values, organisers by slug."""
    values = {name: getattr(event, name, None) for name in AUDITED_FIELDS}
    values["organisations"] = [host.organisation.slug for host in event.hosts]
    return values


def log_change(action: str, event: Event, actor: Any, changes: dict[str, list[Any]]) -> None:
    """One entry in the event's trail and in its host organisation's."""
    primary = event.hosts[0].organisation_id if event.hosts else None
    record(
        action,
        event,
        actor,
        changes=changes,
        label=event.display_title("en"),
        event_id=event.id,
        organisation_id=primary,
    )
