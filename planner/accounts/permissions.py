"""Who may do what. Every check on the server goes through these functions.

A site admin may do everything. An organisation's owner manages its members and, like an
editor, plans and edits its events. A co-hosted event may be edited by members of any of its
organisations.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from planner.events.models import Event, EventOrganisation
from planner.organisations.models import Organisation, Role


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_admin(user: Any) -> bool:
    return _signed_in(user) and bool(user.is_admin)


def can_plan_for(user: Any, organisation: Organisation) -> bool:
    """Whether the user may plan and edit events of this organisation."""
    if is_admin(user):
        return True
    return _signed_in(user) and user.role_in(organisation) in (Role.OWNER, Role.EDITOR)


def can_see_members(user: Any, organisation: Organisation) -> bool:
    """Members (editors and owners) and admins see who belongs to an organisation."""
    return can_plan_for(user, organisation)


def can_manage_members(user: Any, organisation: Organisation) -> bool:
    if is_admin(user):
        return True
    return _signed_in(user) and user.role_in(organisation) == Role.OWNER


def can_edit_event(user: Any, event: Event) -> bool:
    """Admins, and members of any organisation that hosts or co-hosts the event."""
    if is_admin(user):
        return True
    if not _signed_in(user):
        return False
    return bool(user.organisation_ids & {host.organisation_id for host in event.hosts})


def plannable_organisations(user: Any) -> Select[tuple[Organisation]]:
    """The organisations the user may plan events for (all of them for an admin)."""
    query = select(Organisation).order_by(Organisation.slug)
    if is_admin(user):
        return query
    return query.where(Organisation.id.in_(user.organisation_ids or {-1}))


def editable_events(user: Any) -> Select[tuple[Event]]:
    """Every event the user may edit, drafts included."""
    query = select(Event)
    if is_admin(user):
        return query
    return query.where(
        Event.id.in_(
            select(EventOrganisation.event_id).where(
                EventOrganisation.organisation_id.in_(user.organisation_ids or {-1})
            )
        )
    )
