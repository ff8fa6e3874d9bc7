"""Who moderates which submissions, and the queues they see."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from planner.accounts.permissions import is_admin
from planner.audit.models import AuditEntry
from planner.events.models import Event
from planner.events.planning import find_clashes
from planner.extensions import db
from planner.submissions.models import Moderator, Submission, SubmissionStatus
from planner.venues.models import Venue


def moderated_countries(user: Any) -> frozenset[str] | None:
    """The countries whose submissions the user moderates; None for an administrator (all)."""
    if is_admin(user):
        return None
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    rows = db.session.execute(select(Moderator.country).where(Moderator.user_id == user.id))
    return frozenset(rows.scalars())


def is_moderator(user: Any) -> bool:
    """Whether the user moderates any country (administrators moderate every one)."""
    countries = moderated_countries(user)
    return countries is None or bool(countries)


def can_moderate(user: Any, submission: Submission) -> bool:
    countries = moderated_countries(user)
    return countries is None or submission.country in countries


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


def moderators() -> Select:
    """Every moderator with their account, by country then address."""
    return (
        select(Moderator)
        .join(Moderator.user)
        .options(selectinload(Moderator.user))
        .order_by(Moderator.country, Moderator.user_id)
    )


def submission_trail(submission: Submission) -> Select:
    """The decisions and corrections of one submission, oldest first."""
    return (
        select(AuditEntry)
        .where(AuditEntry.object_type == Submission.__tablename__)
        .where(AuditEntry.object_id == submission.id)
        .order_by(AuditEntry.at, AuditEntry.id)
    )


def clashes_with(submission: Submission, venue: Venue | None) -> list[Event]:
    """Published events overlapping the submission at the venue it would be held at (the
    planning rule); a venue still to be created has none."""
    if venue is None:
        return []
    return find_clashes(venue, submission.starts_at, submission.ends_at)
