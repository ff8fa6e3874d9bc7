"""Moderators: who decides on the submissions of which country.

An administrator names a user moderator for a country; administrators moderate every country.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from planner.accounts.models import User
from planner.accounts.permissions import is_admin
from planner.audit.operations import record
from planner.countries import normalise_country
from planner.db import ValidationError
from planner.extensions import db
from planner.submissions.models import Moderator, Submission


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


def moderators() -> Select:
    """Every moderator with their account, by country then address."""
    return (
        select(Moderator)
        .join(Moderator.user)
        .options(selectinload(Moderator.user))
        .order_by(Moderator.country, Moderator.user_id)
    )


def name_moderator(actor: Any, user: User, country: str) -> Moderator:
    """Let `user` moderate the submissions of `country` (an administrator's decision)."""
    country = normalise_country(country)
    existing = db.session.execute(
        select(Moderator.id).where(Moderator.user_id == user.id, Moderator.country == country)
    ).first()
    if existing is not None:
        raise ValidationError("email", _l("this person already moderates that country"))
    moderator = Moderator(user=user, country=country, named_by_id=getattr(actor, "id", None))
    db.session.add(moderator)
    db.session.flush()
    record(
        "moderator_named",
        moderator,
        actor,
        label=f"{user.email} ({moderator.country})",
        changes={"moderator": [None, user.email], "country": [None, moderator.country]},
    )
    return moderator


def remove_moderator(actor: Any, moderator: Moderator) -> None:
    """End a moderator's role for one country."""
    record(
        "moderator_removed",
        moderator,
        actor,
        label=f"{moderator.user.email} ({moderator.country})",
        changes={"moderator": [moderator.user.email, None], "country": [moderator.country, None]},
    )
    db.session.delete(moderator)
    db.session.flush()
