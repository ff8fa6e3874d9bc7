"""The public organisation pages: who organises, and their events to come and past."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import gettext
from sqlalchemy import select

from planner.events.filters import EventFilters
from planner.events.models import Event
from planner.events.queries import past_events, upcoming_events
from planner.extensions import db
from planner.organisations.models import Organisation
from planner.urls import absolute_url
from planner.web import one_by_slug_or_404

bp = Blueprint("organisations", __name__)


@bp.get("/organisations")
def index():
    organisations = db.session.execute(select(Organisation)).scalars().all()
    organisations = sorted(
        organisations, key=lambda item: (item.display_name().casefold(), item.slug)
    )
    return render_template("organisations/index.html", organisations=organisations)


def _limited(query, limit: int) -> tuple[list[Event], bool]:
    """At most `limit` events, and whether there are more (one query)."""
    found = db.session.execute(query.limit(limit + 1)).scalars().all()
    return list(found[:limit]), len(found) > limit


@bp.get("/organisations/<slug>")
def show(slug: str):
    organisation = one_by_slug_or_404(
        Organisation,
        slug,
        description=gettext("No organisation has the address “%(slug)s”.", slug=slug),
    )
    hosted = EventFilters(organisation=organisation)
    limit = current_app.config["EVENTS_PER_PAGE"]
    upcoming, more_upcoming = _limited(hosted.apply(upcoming_events()), limit)
    past, more_past = _limited(hosted.apply(past_events()), limit)
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        canonical_url=absolute_url("organisations.show", slug=organisation.slug),
        upcoming=upcoming,
        more_upcoming=more_upcoming,
        past=past,
        more_past=more_past,
    )
