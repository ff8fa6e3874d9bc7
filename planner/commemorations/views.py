"""The public commemoration pages: what is remembered, the next days, the events, the history."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext
from sqlalchemy import select

from planner.commemorations.labels import distinct_labels
from planner.commemorations.models import Commemoration
from planner.commemorations.queries import by_next_day, coming_events
from planner.events.filters import EventFilters, parse_page
from planner.events.listing import listing_page
from planner.extensions import db
from planner.urls import absolute_url
from planner.web import one_by_slug_or_404

bp = Blueprint("commemorations", __name__)

NEXT_DAYS_SHOWN = 3


@bp.get("/commemorations")
def index():
    commemorations = db.session.execute(select(Commemoration)).scalars().all()
    return render_template(
        "commemorations/index.html",
        next_days=by_next_day(commemorations),
        labels=distinct_labels(commemorations),
    )


@bp.get("/commemorations/<slug>")
def show(slug: str):
    page = parse_page(request.args)
    commemoration = one_by_slug_or_404(
        Commemoration,
        slug,
        description=gettext("No commemoration has the address “%(slug)s”.", slug=slug),
    )
    next_days = commemoration.next_occurrences(NEXT_DAYS_SHOWN + 1)
    # Events for the coming day are those before the day after it; later ones are listed apart.
    this_cycle_ends = next_days[1] if len(next_days) > 1 else None
    coming = db.session.execute(coming_events(commemoration)).scalars().all()
    if this_cycle_ends is None:
        next_events, later_events = coming, []
    else:
        next_events = [e for e in coming if e.local_start.date() < this_cycle_ends]
        later_events = [e for e in coming if e.local_start.date() >= this_cycle_ends]
    past = listing_page(
        EventFilters(commemoration=commemoration, past=True),
        page,
        current_app.config["EVENTS_PER_PAGE"],
    )
    return render_template(
        "commemorations/show.html",
        commemoration=commemoration,
        canonical_url=absolute_url("commemorations.show", slug=commemoration.slug),
        next_days=next_days[:NEXT_DAYS_SHOWN],
        next_events=next_events,
        later_events=later_events,
        past=past,
    )
