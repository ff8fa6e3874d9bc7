"""The queues moderators see, and what a decision needs to know."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from planner.audit.models import AuditEntry
from planner.events.lifecycle import find_clashes
from planner.events.models import Event
from planner.extensions import db
from planner.submissions.models import Submission, SubmissionStatus
from planner.submissions.moderators import is_moderator, moderated_countries
from planner.venues.models import Venue


def queue(user: Any, status: SubmissionStatus = SubmissionStatus.PENDING) -> Select:
    """The submissions in `status` from the user's countries, oldest first."""
    query = (
        select(Submission)
        .where(Submission.status == status)
        .options(selectinload(Submission.venue), selectinload(Submission.commemoration))
        .order_by(Submission.created_at, Submission.id)
    )
    countries = moderated_countries(user)
    if countries is not None:
        query = query.where(Submission.country.in_(countries or {""}))
    return query


def waiting_count(user: Any) -> int:
    """How many submissions wait for this user's decision (0 for a user who moderates none)."""
    if not is_moderator(user):
        return 0
    counted = queue(user).with_only_columns(func.count(Submission.id)).order_by(None)
    return db.session.execute(counted).scalar_one()


def submission_trail(submission: Submission) -> Select:
    """The decisions and corrections of one submission, newest first."""
    return (
        select(AuditEntry)
        .where(AuditEntry.object_type == Submission.__tablename__)
        .where(AuditEntry.object_id == submission.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def clashes_with(submission: Submission, venue: Venue | None) -> list[Event]:
    """Published events overlapping the submission at the venue it would be held at (the
    planning rule); a venue still to be created has none."""
    if venue is None:
        return []
    return find_clashes(venue, submission.starts_at, submission.ends_at)
