"""The public front: the home page and the health check."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from planner.commemorations.labels import distinct_labels
from planner.commemorations.models import Commemoration
from planner.commemorations.queries import by_next_day
from planner.events.queries import upcoming_events
from planner.extensions import db

bp = Blueprint("public", __name__)

HOME_EVENT_COUNT = 12


@bp.get("/")
def index():
    events = db.session.execute(upcoming_events().limit(HOME_EVENT_COUNT)).scalars().all()
    commemorations = db.session.execute(select(Commemoration)).scalars().all()
    next_days = [(day, item) for day, item in by_next_day(commemorations) if day is not None]
    return render_template(
        "public/index.html",
        events=events,
        next_days=next_days,
        labels=distinct_labels(commemorations),
        countries=sorted({event.venue.country for event in events}),
    )


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        # The answer (503) rolls the request back (planner.web).
        return {"status": "unavailable", "database": "not answering"}, 503
    return {"status": "ok", "database": "ok"}
