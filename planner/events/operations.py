"""Changing events: planning, publishing, editing, postponing, cancelling, planning again.

Every rule of the event lifecycle lives here, once: forms, the CLI and the demo loader call
these functions. They flush and write the audit trail; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from planner.audit.operations import diff, record
from planner.commemorations.models import Commemoration
from planner.db import ValidationError, now_utc
from planner.events.models import (
    PUBLIC_STATUSES,
    Event,
    EventKind,
    EventOrganisation,
    EventStatus,
    HostRole,
)
from planner.extensions import db
from planner.organisations.models import Organisation
from planner.slugs import make_slug
from planner.timeutil import local_to_utc
from planner.venues.models import Venue

# Fields whose change a subscriber's calendar must pick up: time, place and status. The
# previous start tells a postponement with a new time (CONFIRMED) from one without (TENTATIVE).
SEQUENCE_FIELDS = ("starts_at", "ends_at", "timezone", "venue_id", "status", "previous_starts_at")
AUDITED_FIELDS = (
    "title",
    "description",
    "kind",
    "commemoration_id",
    "venue_id",
    "starts_at",
    "ends_at",
    "timezone",
    "status",
    "status_note",
    "previous_starts_at",
    "organisations",
)


class StaleEditError(Exception):
    """The event changed since the form was opened; nothing was overwritten."""

    def __init__(self, event: Event):
        self.event = event
        self.changed_by = event.updated_by.name if event.updated_by else None
        self.changed_at = event.updated_at
        super().__init__(f"{event.slug} was changed by {self.changed_by} at {self.changed_at}")


class LifecycleError(ValidationError):
    """A lifecycle step that the event's status does not allow."""

    def __init__(self, message: str):
        super().__init__("status", message)


def _snapshot(event: Event) -> dict[str, Any]:
    values = {field: getattr(event, field, None) for field in AUDITED_FIELDS[:-1]}
    values["organisations"] = [host.organisation.slug for host in event.hosts]
    return values


def check_version(event: Event, expected_version: int | None) -> None:
    """Refuse an edit made on a stale copy of the event."""
    if expected_version is not None and int(expected_version) != event.version:
        raise StaleEditError(event)


def unique_event_slug(title: str, day: date, exclude_id: int | None = None) -> str:
    """A free slug from the title and the date, e.g. vigil-at-the-freedom-monument-2027-06-14."""
    base = f"{make_slug(title, max_length=80)}-{day.isoformat()}"
    slug, number = base, 2
    while True:
        query = select(Event.id).where(Event.slug == slug)
        if exclude_id is not None:
            query = query.where(Event.id != exclude_id)
        if db.session.execute(query).first() is None:
            return slug
        slug, number = f"{base}-{number}", number + 1


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


def _label(event: Event) -> str:
    return event.display_title("en")


def _audit(action: str, event: Event, actor: Any, changes: dict[str, list[Any]]) -> None:
    primary = event.hosts[0].organisation_id if event.hosts else None
    record(
        action,
        event,
        actor,
        changes=changes,
        label=_label(event),
        event_id=event.id,
        organisation_id=primary,
    )


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
    expected_version: int | None = None,
) -> dict[str, list[Any]]:
    check_version(event, expected_version)
    before = _snapshot(event)
    if "starts_at" in values or "ends_at" in values:
        event.set_times(
            values.pop("starts_at", event.starts_at), values.pop("ends_at", event.ends_at)
        )
    for key, value in values.items():
        setattr(event, key, value)
    if organisations is not None:
        _set_hosts(event, organisations)
    after = _snapshot(event)
    changes = diff(before, after)
    if not changes:
        return {}
    if before["status"] in PUBLIC_STATUSES and any(field in changes for field in SEQUENCE_FIELDS):
        event.sequence += 1
    _touch(event, actor)
    db.session.flush()
    _audit(action, event, actor, changes)
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
) -> Event:
    """A new draft event. The zone defaults to the venue's."""
    if venue is None:
        raise ValidationError("venue", _l("choose a venue"))
    zone = timezone or venue.timezone
    event = Event(
        title=title,
        description=description or {},
        kind=kind,
        commemoration=commemoration,
        venue=venue,
        timezone=zone,
        starts_at=starts_at,
        ends_at=ends_at,
        status=EventStatus.DRAFT,
        sequence=0,
    )
    event.slug = slug or unique_event_slug(
        event.display_title("en"), starts_at.astimezone(event.zone).date()
    )
    _set_hosts(event, organisations)
    event.created_by_id = event.updated_by_id = getattr(actor, "id", None)
    db.session.add(event)
    db.session.flush()
    _audit("created", event, actor, diff({}, _snapshot(event)))
    return event


def edit_event(
    event: Event,
    actor: Any,
    *,
    expected_version: int | None = None,
    organisations: Sequence[Organisation] | None = None,
    **values: Any,
) -> dict[str, list[Any]]:
    """Change an event's details. A published change of time, place or status raises SEQUENCE."""
    allowed = {
        "title",
        "description",
        "kind",
        "commemoration",
        "commemoration_id",
        "venue",
        "venue_id",
        "starts_at",
        "ends_at",
        "timezone",
        "status_note",
    }
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    if "venue" in values:
        venue = values.pop("venue")
        values["venue_id"] = venue.id
    if "commemoration" in values:
        commemoration = values.pop("commemoration")
        values["commemoration_id"] = commemoration.id if commemoration else None
    changes = _apply(
        event,
        actor,
        "edited",
        values,
        organisations=organisations,
        expected_version=expected_version,
    )
    if "venue_id" in values:
        db.session.expire(event, ["venue"])
    return changes


def publish(event: Event, actor: Any, *, expected_version: int | None = None) -> dict:
    """Make a draft public. Its SEQUENCE starts at 0."""
    if event.status != EventStatus.DRAFT:
        raise LifecycleError(_l("only a draft can be published"))
    changes = _apply(
        event,
        actor,
        "published",
        {"status": EventStatus.SCHEDULED},
        expected_version=expected_version,
    )
    event.published_at = now_utc()
    return changes


def postpone(
    event: Event,
    actor: Any,
    *,
    note: dict[str, str] | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    expected_version: int | None = None,
) -> dict:
    """Postpone a published event: to a new time, or (with no time given) until further notice."""
    if event.status not in (EventStatus.SCHEDULED, EventStatus.POSTPONED):
        raise LifecycleError(_l("only a scheduled or postponed event can be postponed"))
    values: dict[str, Any] = {"status": EventStatus.POSTPONED, "status_note": note or {}}
    if starts_at is not None:
        if ends_at is None:
            ends_at = starts_at + (event.ends_at - event.starts_at)
        values.update(previous_starts_at=event.starts_at, starts_at=starts_at, ends_at=ends_at)
    else:
        values["previous_starts_at"] = None
    return _apply(event, actor, "postponed", values, expected_version=expected_version)


def cancel(
    event: Event,
    actor: Any,
    *,
    note: dict[str, str] | None = None,
    expected_version: int | None = None,
) -> dict:
    """Cancel a published event: it stays public, marked cancelled, until it is over."""
    if event.status not in (EventStatus.SCHEDULED, EventStatus.POSTPONED):
        raise LifecycleError(_l("only a scheduled or postponed event can be cancelled"))
    values = {"status": EventStatus.CANCELLED, "status_note": note or {}}
    return _apply(event, actor, "cancelled", values, expected_version=expected_version)


def restore(event: Event, actor: Any, *, expected_version: int | None = None) -> dict:
    """Undo a cancellation: the event is scheduled again."""
    if event.status != EventStatus.CANCELLED:
        raise LifecycleError(_l("only a cancelled event can be restored"))
    values = {"status": EventStatus.SCHEDULED, "status_note": {}, "previous_starts_at": None}
    return _apply(event, actor, "restored", values, expected_version=expected_version)


def delete_draft(event: Event, actor: Any, *, expected_version: int | None = None) -> None:
    """Delete an event that was never published; published ones are cancelled instead."""
    check_version(event, expected_version)
    if event.status != EventStatus.DRAFT or event.published_at is not None:
        raise LifecycleError(_l("only a draft can be deleted; cancel a published event instead"))
    _audit("deleted", event, actor, {"status": [event.status.value, None]})
    db.session.delete(event)
    db.session.flush()


def plan_again(event: Event, actor: Any) -> Event:
    """Copy an event to its commemoration's next occurrence after it, as a draft."""
    if event.commemoration is None:
        raise ValidationError(
            "commemoration", _l("only an event for a commemoration can be planned again")
        )
    local_start, local_end = event.local_start, event.local_end
    after = max(local_start.date(), event.commemoration.today() - timedelta(days=1))
    found = event.commemoration.occurrences_after(after, 1, inclusive=False)
    if not found:
        raise ValidationError("commemoration", _l("this commemoration has no later occurrence"))
    day = found[0]
    starts_at = local_to_utc(day, local_start.timetz(), event.zone, "starts_at")
    end_day = day + (local_end.date() - local_start.date())
    ends_at = local_to_utc(end_day, local_end.timetz(), event.zone, "ends_at")
    copy = plan_event(
        title=_retitle(event, day),
        description=dict(event.description),
        kind=event.kind,
        commemoration=event.commemoration,
        venue=event.venue,
        timezone=event.timezone,
        starts_at=starts_at,
        ends_at=ends_at,
        organisations=event.organisations,
        actor=actor,
    )
    return copy


def _retitle(event: Event, day: date) -> dict[str, str]:
    """The title with its year and anniversary number moved on to the new date."""
    old = event.local_start.date()
    commemoration = event.commemoration
    titles = {}
    for lang, text in event.title.items():
        new = text.replace(str(old.year), str(day.year))
        if commemoration is not None:
            old_n, new_n = commemoration.anniversary(old), commemoration.anniversary(day)
            if old_n and new_n:
                from planner.commemorations.models import ordinal_en

                new = new.replace(ordinal_en(old_n), ordinal_en(new_n)).replace(
                    f"{old_n}.", f"{new_n}."
                )
        titles[lang] = new
    return titles
