"""The public venue pages: where events are held, and what is planned there."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import gettext
from sqlalchemy import select

from planner.events.filters import EventFilters
from planner.events.queries import upcoming_events
from planner.extensions import db
from planner.urls import absolute_url
from planner.venues.models import Venue
from planner.web import one_by_slug_or_404

bp = Blueprint("venues", __name__)


@bp.get("/venues")
def index():
    venues = db.session.execute(select(Venue)).scalars().all()
    venues = sorted(
        venues, key=lambda venue: (venue.country, venue.city, venue.display_name().casefold())
    )
    return render_template("venues/index.html", venues=venues)


@bp.get("/venues/<slug>")
def show(slug: str):
    venue = one_by_slug_or_404(
        Venue, slug, description=gettext("No venue has the address “%(slug)s”.", slug=slug)
    )
    limit = current_app.config["EVENTS_PER_PAGE"]
    events = (
        db.session.execute(EventFilters(venue=venue).apply(upcoming_events()).limit(limit + 1))
        .scalars()
        .all()
    )
    return render_template(
        "venues/show.html",
        venue=venue,
        canonical_url=absolute_url("venues.show", slug=venue.slug),
        events=events[:limit],
        more=len(events) > limit,
    )
