"""What the organiser views share: the event a user may edit, lookups, the stale message."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext, lazy_gettext
from flask_login import current_user
from sqlalchemy import select

from planner.accounts.permissions import can_edit_event
from planner.audit.presentation import local_moment
from planner.commemorations.models import Commemoration
from planner.events.lifecycle import StaleEditError
from planner.events.models import Event
from planner.events.queries import with_details
from planner.organisations.models import Organisation
from planner.venues.models import Venue
from planner.web import one_by_slug_or_404

_NOT_FOUND = {
    Venue: lazy_gettext("No venue has the slug %(slug)s."),
    Commemoration: lazy_gettext("No day of remembrance has the slug %(slug)s."),
    Organisation: lazy_gettext("No organisation has the slug %(slug)s."),
}


def by_slug_or_404(model: type, slug: str) -> Any:
    """A venue, commemoration or organisation by slug, or a 404 page naming what is missing."""
    return one_by_slug_or_404(model, slug, description=str(_NOT_FOUND[model]) % {"slug": slug})


def editable_event(slug: str) -> Event:
    """The event, if the signed-in user may edit it: 404 when unknown, 403 when not theirs."""
    event = one_by_slug_or_404(
        Event,
        slug,
        query=with_details(select(Event)),
        description=gettext("There is no event at this address."),
    )
    if not can_edit_event(current_user, event):
        abort(
            403,
            description=gettext(
                "Only members of the organisations that organise this event can manage it."
            ),
        )
    return event


def stale_message(error: StaleEditError) -> str:
    event = error.event
    when = local_moment(error.changed_at, event.zone) if error.changed_at else ""
    if error.changed_by:
        return gettext(
            "This event was changed by %(name)s at %(time)s while you were editing. "
            "Your changes were not saved: review the current version below, then make your "
            "changes again.",
            name=error.changed_by,
            time=when,
        )
    return gettext(
        "This event was changed at %(time)s while you were editing. Your changes were not "
        "saved: review the current version below, then make your changes again.",
        time=when,
    )
