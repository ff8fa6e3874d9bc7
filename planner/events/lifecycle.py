"""The rules every change of an event goes through, each written once.

The transition table says which steps each status allows: the manage page offers exactly those
buttons and the operations refuse the others. The version check refuses a change made on a
stale copy (a missing or malformed version is stale). The clash policy refuses a time that
overlaps a published event at the same venue unless the organiser acknowledged the clash.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from planner.db import ValidationError
from planner.events.models import Event, EventStatus
from planner.events.queries import clashes
from planner.extensions import db
from planner.venues.models import Venue


class Step(enum.StrEnum):
    """A lifecycle step; the value is the step's name in URLs and form prefixes."""

    PUBLISH = "publish"
    POSTPONE = "postpone"
    CANCEL = "cancel"
    RESTORE = "restore"
    DELETE = "delete"
    PLAN_AGAIN = "plan-again"


# The steps each status allows. Two steps have one more condition each (see allowed_steps):
# only a draft never published can be deleted, only an event for a commemoration planned again.
TRANSITIONS: dict[EventStatus, frozenset[Step]] = {
    EventStatus.DRAFT: frozenset({Step.PUBLISH, Step.DELETE, Step.PLAN_AGAIN}),
    EventStatus.SCHEDULED: frozenset({Step.POSTPONE, Step.CANCEL, Step.PLAN_AGAIN}),
    EventStatus.POSTPONED: frozenset({Step.POSTPONE, Step.CANCEL, Step.PLAN_AGAIN}),
    EventStatus.CANCELLED: frozenset({Step.RESTORE, Step.PLAN_AGAIN}),
}

_REFUSALS = {
    Step.PUBLISH: _l("only a draft can be published"),
    Step.POSTPONE: _l("only a scheduled or postponed event can be postponed"),
    Step.CANCEL: _l("only a scheduled or postponed event can be cancelled"),
    Step.RESTORE: _l("only a cancelled event can be restored"),
    Step.DELETE: _l("only a draft can be deleted; cancel a published event instead"),
    Step.PLAN_AGAIN: _l("only an event for a commemoration can be planned again"),
}


class LifecycleError(ValidationError):
    """A lifecycle step that the event's status does not allow."""

    def __init__(self, message: Any):
        super().__init__("status", message)


class StaleEditError(Exception):
    """The event changed since the form was opened; nothing was overwritten."""

    def __init__(self, event: Event):
        self.event = event
        self.changed_by = event.updated_by.name if event.updated_by else None
        self.changed_at = event.updated_at
        super().__init__(f"{event.slug} was changed by {self.changed_by} at {self.changed_at}")


class ClashError(ValidationError):
    """The new time overlaps a published event at the same venue; nothing was changed."""

    def __init__(self, clashing: Sequence[Event]):
        self.clashes = list(clashing)
        super().__init__("confirm_clash", _l("another event is planned at this venue then"))


def allowed_steps(event: Event) -> frozenset[Step]:
    """The steps the event's status allows: what the manage page offers and the guards accept."""
    steps = set(TRANSITIONS[event.status])
    if event.published_at is not None:
        steps.discard(Step.DELETE)
    if event.commemoration_id is None:
        steps.discard(Step.PLAN_AGAIN)
    return frozenset(steps)


def require_step(event: Event, step: Step) -> None:
    """Refuse a step the event's status does not allow."""
    if step not in allowed_steps(event):
        raise LifecycleError(_REFUSALS[step])


# Passed by callers that hold the current row themselves (the CLI, the demo loader, tests);
# a form always passes what it was sent, and what it was sent may be missing.
CURRENT = object()


def check_version(event: Event, expected_version: Any) -> None:
    """Refuse a change made on a stale copy: a missing or malformed version is stale too."""
    if expected_version is CURRENT:
        return
    try:
        expected = int(str(expected_version).strip())
    except ValueError:
        raise StaleEditError(event) from None
    if expected != event.version:
        raise StaleEditError(event)


def find_clashes(
    venue: Venue, starts_at: datetime, ends_at: datetime, exclude: Event | None = None
) -> list[Event]:
    """Published events (scheduled or postponed) at the venue overlapping the given time."""
    query = clashes(venue.id, starts_at, ends_at, exclude.id if exclude is not None else None)
    return list(db.session.execute(query).scalars())


def check_clashes(
    venue: Venue,
    starts_at: datetime,
    ends_at: datetime,
    *,
    acknowledged: bool,
    exclude: Event | None = None,
) -> None:
    """Refuse a time that clashes with a published event, unless the organiser acknowledged it."""
    if acknowledged:
        return
    clashing = find_clashes(venue, starts_at, ends_at, exclude)
    if clashing:
        raise ClashError(clashing)


def kept_length(event: Event, starts_at: datetime) -> datetime:
    """The end of the event moved to `starts_at` with its length kept."""
    return starts_at + (event.ends_at - event.starts_at)
