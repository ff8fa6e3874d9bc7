"""Submitting, correcting and moderating proposed events; naming moderators.

Every rule of a submission's life lives here: the public form and the moderation screens call
these functions. They validate before they change anything, flush and write the audit trail;
the request commits. An approved submission becomes an event through the same operations as
an organiser's plan (UID, SEQUENCE and audit included).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from planner.accounts.models import hash_token
from planner.audit.operations import record
from planner.db import ValidationError, now_utc
from planner.events.lifecycle import check_clashes
from planner.events.models import Event
from planner.events.operations import plan_event, publish
from planner.events.planning import local_instants
from planner.extensions import db
from planner.organisations.models import Organisation
from planner.slugs import make_slug
from planner.submissions.models import (
    ADDRESS_MAX,
    CITY_MAX,
    MESSAGE_MAX,
    NAME_MAX,
    Submission,
    SubmissionStatus,
)
from planner.venues.models import Venue

# What the submitter may give (and correct); the form checks each value first.
SUBMITTED_FIELDS = (
    "language",
    "title",
    "description",
    "kind",
    "commemoration",
    "venue",
    "venue_name",
    "venue_address",
    "venue_city",
    "country",
    "timezone",
    "starts_at",
    "ends_at",
    "group_name",
    "contact_email",
)
# What the audit trail keeps of a submission (never the contact address).
_AUDITED = ("title", "kind", "country", "starts_at", "ends_at", "group_name", "venue_name")


class StaleSubmissionError(Exception):
    """The submission was decided or corrected since the page was opened; nothing was done."""

    def __init__(self, submission: Submission):
        super().__init__(f"submission {submission.id} changed")
        self.submission = submission


class DecisionError(ValidationError):
    """A decision that the submission's state does not allow."""

    def __init__(self, message: Any):
        super().__init__("status", message)


def _check(submission: Submission, expected_version: int | None, *allowed: SubmissionStatus):
    if expected_version is None or int(expected_version) != submission.version:
        raise StaleSubmissionError(submission)
    if submission.status not in allowed:
        raise DecisionError(_l("this submission has already been decided"))


def _audit(action: str, submission: Submission, actor: Any, changes: dict, **where: Any) -> None:
    record(
        action,
        submission,
        actor,
        changes=changes,
        label=submission.title,
        event_id=where.get("event_id"),
        organisation_id=where.get("organisation_id"),
    )


def _snapshot(submission: Submission) -> dict[str, Any]:
    values = {field: getattr(submission, field) for field in _AUDITED}
    for key in ("starts_at", "ends_at"):
        values[key] = values[key].isoformat()
    values["kind"] = submission.kind.value
    return values


def _assign(submission: Submission, values: dict[str, Any]) -> None:
    unknown = set(values) - set(SUBMITTED_FIELDS)
    if unknown:
        raise ValueError(f"not a submission field: {', '.join(sorted(unknown))}")
    venue = values.get("venue")
    if venue is not None:
        # The chosen venue is described too: should it be deleted, the proposal still says
        # where the event is meant to be held.
        values = {
            **values,
            "venue_name": venue.display_name(values.get("language"))[:NAME_MAX],
            "venue_address": venue.address[:ADDRESS_MAX],
            "venue_city": venue.city[:CITY_MAX],
        }
    for key, value in values.items():
        setattr(submission, key, value)


def submit(values: dict[str, Any]) -> tuple[Submission, str]:
    """A new pending submission; returns it with the private link's token (only its hash is
    stored, so the token is shown once)."""
    token = secrets.token_urlsafe(32)
    submission = Submission(token_hash=hash_token(token), status=SubmissionStatus.PENDING)
    _assign(submission, values)
    db.session.add(submission)
    db.session.flush()
    _audit("submitted", submission, None, {"status": [None, "pending"]})
    return submission, token


def find_by_token(token: str) -> Submission | None:
    """The submission behind a private link, or None (for any malformed or unknown token)."""
    if not token or len(token) > 200:
        return None
    return db.session.execute(
        select(Submission).where(Submission.token_hash == hash_token(token))
    ).scalar_one_or_none()


def resubmit(
    submission: Submission, values: dict[str, Any], *, expected_version: int | None
) -> None:
    """The submitter's corrections to a returned submission: it waits for a moderator again."""
    _check(submission, expected_version, SubmissionStatus.RETURNED)
    before = _snapshot(submission)
    _assign(submission, values)
    submission.status = SubmissionStatus.PENDING
    submission.updated_at = now_utc()
    db.session.flush()
    after = _snapshot(submission)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    changes["status"] = ["returned", "pending"]
    _audit("resubmitted", submission, None, changes)


def _decide(submission: Submission, actor: Any, status: SubmissionStatus, message: str) -> None:
    submission.status = status
    submission.moderator_message = message
    submission.decided_by_id = getattr(actor, "id", None)
    submission.decided_at = submission.updated_at = now_utc()


def _message(text: str | None, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(field, _l("write a few words to the submitter"))
    if len(text) > MESSAGE_MAX:
        raise ValidationError(field, _l("keep it under %(num)d characters", num=MESSAGE_MAX))
    return text


def return_to_submitter(
    submission: Submission, actor: Any, message: str, *, expected_version: int | None
) -> None:
    """Send a pending submission back to its submitter with a message, to correct it."""
    text = _message(message, "message")
    _check(submission, expected_version, SubmissionStatus.PENDING)
    _decide(submission, actor, SubmissionStatus.RETURNED, text)
    db.session.flush()
    _audit(
        "returned", submission, actor, {"status": ["pending", "returned"], "message": [None, text]}
    )


def reject(
    submission: Submission, actor: Any, reason: str, *, expected_version: int | None
) -> None:
    """Refuse a submission (pending or waiting for corrections), giving the reason."""
    text = _message(reason, "reason")
    before = submission.status.value
    _check(submission, expected_version, SubmissionStatus.PENDING, SubmissionStatus.RETURNED)
    _decide(submission, actor, SubmissionStatus.REJECTED, text)
    db.session.flush()
    _audit("rejected", submission, actor, {"status": [before, "rejected"], "reason": [None, text]})


def _free_slug(model: type, text: str) -> str:
    base = make_slug(text, max_length=80)
    slug, number = base, 2
    while db.session.execute(select(model.id).where(model.slug == slug)).first() is not None:
        slug, number = f"{base}-{number}", number + 1
    return slug


def organisation_from(submission: Submission, actor: Any) -> Organisation:
    """A new organisation named as the submitter's group (its contact address stays private)."""
    organisation = Organisation(
        slug=_free_slug(Organisation, submission.group_name),
        name={submission.language: submission.group_name},
        country=submission.country,
    )
    db.session.add(organisation)
    db.session.flush()
    record(
        "create",
        organisation,
        actor,
        label=organisation.slug,
        organisation_id=organisation.id,
        changes={"name": [None, organisation.name], "country": [None, organisation.country]},
    )
    return organisation


def venue_from(submission: Submission, actor: Any) -> Venue:
    """The venue the submitter proposed, created (its zone from its country)."""
    venue = Venue(
        slug=_free_slug(Venue, f"{submission.venue_name} {submission.venue_city}"),
        name={submission.language: submission.venue_name},
        address=submission.venue_address,
        city=submission.venue_city,
        country=submission.country,
        timezone=submission.timezone,
    )
    db.session.add(venue)
    db.session.flush()
    record(
        "create",
        venue,
        actor,
        label=venue.slug,
        changes={"name": [None, venue.name], "city": [None, venue.city]},
    )
    return venue


def matching_venue(submission: Submission) -> Venue | None:
    """An existing venue that is probably the one proposed: same name (in any language) and
    town, in the same country."""
    if not submission.proposes_venue:
        return submission.venue
    wanted = (submission.venue_name.casefold(), submission.venue_city.casefold())
    candidates = db.session.execute(
        select(Venue).where(Venue.country == submission.country).order_by(Venue.slug)
    ).scalars()
    for venue in candidates:
        names = {name.casefold() for name in venue.name.values()}
        if wanted[0] in names and venue.city.casefold() == wanted[1]:
            return venue
    return None


def approve(
    submission: Submission,
    actor: Any,
    *,
    organisation: Organisation | None,
    venue: Venue | None,
    expected_version: int | None,
    clash_acknowledged: bool = False,
) -> Event:
    """Publish a pending submission as an event.

    `organisation` None makes a new organisation from the group's name; for a proposed venue,
    `venue` None creates it and an existing venue is used instead when given. The event is
    planned and published through the organisers' operations.
    """
    _check(submission, expected_version, SubmissionStatus.PENDING)
    place = submission.venue or venue
    starts_at, ends_at = _held_at(submission, place)
    if place is not None:
        # The planning rule, checked before anything is created (a new venue has no events).
        check_clashes(place, starts_at, ends_at, acknowledged=clash_acknowledged)
    organisation = organisation or organisation_from(submission, actor)
    place = place or venue_from(submission, actor)
    description = {submission.language: submission.description} if submission.description else {}
    event = plan_event(
        title={submission.language: submission.title},
        description=description,
        kind=submission.kind,
        commemoration=submission.commemoration,
        venue=place,
        starts_at=starts_at,
        ends_at=ends_at,
        organisations=[organisation],
        actor=actor,
        clash_acknowledged=clash_acknowledged,
    )
    publish(event, actor, clash_acknowledged=clash_acknowledged)
    _decide(submission, actor, SubmissionStatus.APPROVED, "")
    submission.event = event
    db.session.flush()
    _audit(
        "approved",
        submission,
        actor,
        {
            "status": ["pending", "approved"],
            "event": [None, event.slug],
            "organisation": [None, organisation.slug],
            "venue": [None, place.slug],
        },
    )
    return event


def _held_at(submission: Submission, venue: Venue | None) -> tuple[datetime, datetime]:
    """The submission's start and end at `venue`: the same clock time at the venue, should
    its zone differ from the one the submitter's time was read in (a country with several)."""
    if venue is None or venue.timezone == submission.timezone:
        return submission.starts_at, submission.ends_at
    start, end = submission.local_start, submission.local_end
    return local_instants(
        start.date(),
        start.time().replace(tzinfo=None),
        end.time().replace(tzinfo=None),
        venue.timezone,
        end.date(),
    )
