"""An event's address (its slug): free, from its title and date, even under concurrent plans."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from planner.db import ValidationError
from planner.events.models import Event
from planner.extensions import db
from planner.slugs import make_slug

# A slug taken by a concurrent plan is retried with the next free one this many times.
SLUG_ATTEMPTS = 20


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


def insert_with_free_slug(event: Event, slug: str | None) -> None:
    """Insert a new event under `slug`, or under a free slug from its title and date.

    Two organisers planning the same title for the same day at the same moment both find the
    slug free; the second insert then fails on the unique slug, and is retried (in a savepoint,
    so the rest of the request is kept) with the next free one.
    """
    day = event.starts_at.astimezone(event.zone).date()
    for _attempt in range(SLUG_ATTEMPTS):
        event.slug = slug or unique_event_slug(event.display_title("en"), day)
        try:
            with db.session.begin_nested():
                db.session.add(event)
                db.session.flush()
            return
        except IntegrityError:
            if slug:
                taken = _l("this address is taken by another event")
                raise ValidationError("slug", taken) from None
    raise ValidationError("slug", _l("no free address was found for this event; try again"))
