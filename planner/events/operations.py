"""Changing events: planning, publishing, editing, postponing, cancelling, planning again.

Forms, the CLI and the demo loader call these functions; the rules they apply (the transition
table, the version check, the clash policy) are in lifecycle.py. They check before they change
anything, flush and write the audit trail; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from planner.audit.operations import diff
from planner.commemorations.models import Commemoration
from planner.db import ValidationError, now_utc
from planner.events.addresses import insert_with_free_slug
from planner.events.fields import EDITABLE_FIELDS
from planner.events.lifecycle import (
    CURRENT,
    ClashError,
    LifecycleError,
    StaleEditError,
    Step,
    check_clashes,
    check_version,
    kept_length,
    require_step,
)
from planner.events.models import (
    PUBLIC_STATUSES,
    Event,
    EventKind,
    EventOrganisation,
    EventStatus,
    HostRole,
)
from planner.events.planning import retitled
from planner.events.trail import log_change, snapshot
from planner.extensions import db
from planner.organisations.models import Organisation
from planner.timeutil import local_to_utc
from planner.venues.models import Venue

# Fields whose change a subscriber's calendar must pick up: time, place and status. The
# previous start tells a postponement with a new time (CONFIRMED) from one without (TENTATIVE).
SEQUENCE_FIELDS = ("starts_at", "ends_at", "timezone", "venue_id", "status", "previous_starts_at")


def _set_hosts(event: Event, organisations: Sequence[Organisation]) -> None:
    if not organisations:
        raise ValidationError("organisations", _l("an event needs at least one organising group"))
    unique = list(dict.fromkeys(organisations))
    current = {host.organisation_id: host for host in event.hosts}
    hosts = []
    for position, organisation in enumerate(unique):
        host = current.get(organisation.id) or EventOrganisation(organisation=organisation)
        host.role = HostRole.HOST if position == 0 else HostRole.COHOST
        host.position = position
        hosts.append(host)
    event.hosts = hosts


def _touch(event: Event, actor: Any) -> None:
    event.updated_at = now_utc()
    event.updated_by_id = getattr(actor, "id", None)


def _apply(
    event: Event,
    actor: Any,
    action: str,
    values: dict[str, Any],
    *,
    organisations: Sequence[Organisation] | None = None,
) -> dict[str, list[Any]]:
    before = snapshot(event)
    try:
        # A savepoint: when another save landed since the version was checked, the write is
        # refused and the rest of the request can still show the current version.
        with db.session.begin_nested():
            changes = _change(event, values, organisations, before)
            if changes:
                _touch(event, actor)
                db.session.flush()
    except StaleDataError:
        db.session.refresh(event)
        raise StaleEditError(event) from None
    if changes:
        log_change(action, event, actor, changes)
    return changes


def _change(
    event: Event,
    values: dict[str, Any],
    organisations: Sequence[Organisation] | None,
    before: dict[str, Any],
) -> dict[str, list[Any]]:
    if "starts_at" in values or "ends_at" in values:
        event.set_times(
            values.pop("starts_at", event.starts_at), values.pop("ends_at", event.ends_at)
        )
    for key, value in values.items():
        setattr(event, key, value)
    if organisations is not None:
        _set_hosts(event, organisations)
    changes = diff(before, snapshot(event))
    if before["status"] in PUBLIC_STATUSES and any(field in changes for field in SEQUENCE_FIELDS):
        event.sequence += 1
    return changes


def plan_event(
    *,
    title: dict[str, str],
    venue: Venue,
    starts_at: datetime,
    ends_at: datetime,
    organisations: Sequence[Organisation],
    actor: Any = None,
    description: dict[str, str] | None = None,
    kind: EventKind = EventKind.VIGIL,
    commemoration: Commemoration | None = None,
    timezone: str | None = None,
    slug: str | None = None,
    clash_acknowledged: bool = False,
) -> Event:
    """A new draft event. The zone defaults to the venue's. A time that clashes with a
    published event at the venue is refused (ClashError) unless the clash was acknowledged."""
    if venue is None:
        raise ValidationError("venue", _l("choose a venue"))
    check_clashes(venue, starts_at, ends_at, acknowledged=clash_acknowledged)
    event = Event(
        title=title,
        description=description or {},
        kind=kind,
        commemoration=commemoration,
        venue=venue,
        timezone=timezone or venue.timezone,
        starts_at=starts_at,
        ends_at=ends_at,
        status=EventStatus.DRAFT,
        sequence=0,
    )
    _set_hosts(event, organisations)
    event.created_by_id = event.updated_by_id = getattr(actor, "id", None)
    insert_with_free_slug(event, slug)
    log_change("created", event, actor, diff({}, snapshot(event)))
    return event


def edit_event(
    event: Event,
    actor: Any,
    *,
    expected_version: Any = CURRENT,
    organisations: Sequence[Organisation] | None = None,
    clash_acknowledged: bool = False,
    **values: Any,
) -> dict[str, list[Any]]:
    """Change an event's details. A published change of time, place or status raises SEQUENCE;
    a move onto a time the venue is taken is refused unless the clash was acknowledged."""
    check_version(event, expected_version)
    venue = values.pop("venue", None)
    if venue is not None:
        values["venue_id"] = venue.id
    if "commemoration" in values:
        commemoration = values.pop("commemoration")
        values["commemoration_id"] = commemoration.id if commemoration else None
    unknown = set(values) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    starts_at = values.get("starts_at", event.starts_at)
    ends_at = values.get("ends_at", event.ends_at)
    venue_id = values.get("venue_id", event.venue_id)
    if (event.venue_id, event.starts_at, event.ends_at) != (venue_id, starts_at, ends_at):
        check_clashes(
            venue or db.session.get(Venue, venue_id),
            starts_at,
            ends_at,
            acknowledged=clash_acknowledged,
            exclude=event,
        )
    changes = _apply(event, actor, "edited", values, organisations=organisations)
    if "venue_id" in values:
        db.session.expire(event, ["venue"])
    return changes


def publish(
    event: Event,
    actor: Any,
    *,
    expected_version: Any = CURRENT,
    clash_acknowledged: bool = False,
) -> dict:
    """Make a draft public. Its SEQUENCE starts at 0."""
    check_version(event, expected_version)
    require_step(event, Step.PUBLISH)
    check_clashes(
        event.venue, event.starts_at, event.ends_at, acknowledged=clash_acknowledged, exclude=event
    )
    values = {"status": EventStatus.SCHEDULED, "published_at": now_utc()}
    return _apply(event, actor, "published", values)


def postpone(
    event: Event,
    actor: Any,
    *,
    note: dict[str, str] | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    expected_version: Any = CURRENT,
    clash_acknowledged: bool = False,
) -> dict:
    """Postpone a published event: to a new time (without an end, it keeps its length), or
    (with no time given) until further notice."""
    check_version(event, expected_version)
    require_step(event, Step.POSTPONE)
    values: dict[str, Any] = {"status": EventStatus.POSTPONED, "status_note": note or {}}
    if starts_at is not None:
        ends_at = ends_at or kept_length(event, starts_at)
        check_clashes(
            event.venue, starts_at, ends_at, acknowledged=clash_acknowledged, exclude=event
        )
        values.update(previous_starts_at=event.starts_at, starts_at=starts_at, ends_at=ends_at)
    else:
        values["previous_starts_at"] = None
    return _apply(event, actor, "postponed", values)


def cancel(
    event: Event,
    actor: Any,
    *,
    note: dict[str, str] | None = None,
    expected_version: Any = CURRENT,
) -> dict:
    """Cancel a published event: it stays public, marked cancelled, until it is over."""
    check_version(event, expected_version)
    require_step(event, Step.CANCEL)
    values = {"status": EventStatus.CANCELLED, "status_note": note or {}}
    return _apply(event, actor, "cancelled", values)


def restore(event: Event, actor: Any, *, expected_version: Any = CURRENT) -> dict:
    """Undo a cancellation: the event is scheduled again."""
    check_version(event, expected_version)
    require_step(event, Step.RESTORE)
    values = {"status": EventStatus.SCHEDULED, "status_note": {}, "previous_starts_at": None}
    return _apply(event, actor, "restored", values)


def delete_draft(event: Event, actor: Any, *, expected_version: Any = CURRENT) -> None:
    """Delete an event that was never published; published ones are cancelled instead."""
    check_version(event, expected_version)
    require_step(event, Step.DELETE)
    log_change("deleted", event, actor, {"status": [event.status.value, None]})
    db.session.delete(event)
    db.session.flush()


def plan_again(event: Event, actor: Any, *, expected_version: Any = CURRENT) -> Event:
    """Copy an event to its commemoration's next occurrence after it, as a draft, with its
    title's year and anniversary moved on (a suggested title becomes the new suggestion)."""
    check_version(event, expected_version)
    require_step(event, Step.PLAN_AGAIN)
    commemoration = event.commemoration
    local_start, local_end = event.local_start, event.local_end
    after = max(local_start.date(), commemoration.today() - timedelta(days=1))
    found = commemoration.occurrences_after(after, 1, inclusive=False)
    if not found:
        raise ValidationError("commemoration", _l("this commemoration has no later occurrence"))
    day = found[0]
    starts_at = local_to_utc(day, local_start.timetz(), event.zone, "starts_at")
    end_day = day + (local_end.date() - local_start.date())
    ends_at = local_to_utc(end_day, local_end.timetz(), event.zone, "ends_at")
    return plan_event(
        title=retitled(event.title, commemoration, event.kind, local_start.date(), day),
        description=dict(event.description),
        kind=event.kind,
        commemoration=commemoration,
        venue=event.venue,
        timezone=event.timezone,
        starts_at=starts_at,
        ends_at=ends_at,
        organisations=event.organisations,
        actor=actor,
        # Last year's event at the same place is not a clash to warn about; a new draft
        # is checked again when it is published.
        clash_acknowledged=True,
    )


__all__ = [
    "ClashError",
    "LifecycleError",
    "StaleEditError",
    "cancel",
    "delete_draft",
    "edit_event",
    "plan_again",
    "plan_event",
    "postpone",
    "publish",
    "restore",
]
