"""Reading the audit trail: of one event, of one organisation and its events."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from planner.audit.models import AuditEntry
from planner.events.models import EventOrganisation


def _newest_first(query: Select) -> Select:
    return query.options(selectinload(AuditEntry.user)).order_by(
        AuditEntry.at.desc(), AuditEntry.id.desc()
    )


def event_trail(event_id: int) -> Select[tuple[AuditEntry]]:
    """Every change to one event, newest first."""
    return _newest_first(select(AuditEntry).where(AuditEntry.event_id == event_id))


def organisation_trail(organisation_id: int) -> Select[tuple[AuditEntry]]:
    """Changes to the organisation and to every event it hosts or co-hosts, newest first.

    Entries of deleted drafts stay, through the organisation they were recorded under.
    """
    hosted = select(EventOrganisation.event_id).where(
        EventOrganisation.organisation_id == organisation_id
    )
    return _newest_first(
        select(AuditEntry).where(
            or_(AuditEntry.organisation_id == organisation_id, AuditEntry.event_id.in_(hosted))
        )
    )
