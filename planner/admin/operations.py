"""Creating, changing and deleting the curated records, each with an audit entry."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select

from planner.audit.operations import diff, record
from planner.commemorations.models import Commemoration
from planner.db import ValidationError
from planner.events.models import Event, EventOrganisation
from planner.extensions import db
from planner.organisations.models import Organisation
from planner.venues.models import Venue


def _snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {field: getattr(obj, field, None) for field in fields}


def _check_slug_free(model: type, slug: str, current: Any = None) -> None:
    query = select(model.id).where(model.slug == slug)
    if current is not None and current.id is not None:
        query = query.where(model.id != current.id)
    if db.session.execute(query).first() is not None:
        raise ValidationError("slug", _l("this web address name is already used"))


def save(model: type, obj: Any | None, values: dict[str, Any], actor: Any) -> Any:
    """Create (obj None) or change a record from `values`; the models validate every field.

    A ValidationError leaves the session to be rolled back by the caller: nothing is saved.
    """
    _check_slug_free(model, values["slug"], obj)
    with db.session.no_autoflush:
        if obj is None:
            obj = model(**values)
            db.session.add(obj)
            before: dict[str, Any] = {}
            action = "create"
        else:
            before = _snapshot(obj, list(values))
            for field, value in values.items():
                setattr(obj, field, value)
            action = "update"
    changes = diff(before, _snapshot(obj, list(values)))
    if changes or action == "create":
        record(
            action,
            obj,
            actor,
            changes=changes,
            label=obj.slug,
            organisation_id=obj.id if isinstance(obj, Organisation) else None,
        )
    return obj


def event_count(obj: Any) -> int:
    """How many events refer to this venue, commemoration or organisation."""
    if isinstance(obj, Venue):
        query = select(func.count()).select_from(Event).where(Event.venue_id == obj.id)
    elif isinstance(obj, Commemoration):
        query = select(func.count()).select_from(Event).where(Event.commemoration_id == obj.id)
    elif isinstance(obj, Organisation):
        query = (
            select(func.count())
            .select_from(EventOrganisation)
            .where(EventOrganisation.organisation_id == obj.id)
        )
    else:
        raise TypeError(f"not a curated record: {obj!r}")
    return db.session.execute(query).scalar_one()


def delete(obj: Any, actor: Any) -> None:
    """Delete a record that no event refers to."""
    count = event_count(obj)
    if count:
        raise ValidationError(
            "events",
            lazy_ngettext(
                "%(num)d event refers to it; change or delete that event first",
                "%(num)d events refer to it; change or delete those events first",
                count,
            ),
        )
    record("delete", obj, actor, label=obj.slug)
    db.session.delete(obj)
