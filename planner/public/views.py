"""The public front: the home page and the health check."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from planner.commemorations.models import Commemoration
from planner.commemorations.queries import by_next_day
from planner.dataversion import current_version
from planner.events.queries import upcoming_events
from planner.extensions import cache, db
from planner.feeds.cache import cache_epoch

bp = Blueprint("public", __name__)

HOME_EVENT_COUNT = 12


def _next_days() -> list[tuple[date, Commemoration]]:
    """The next day of each commemoration, soonest first: worked out once per data version
    and day (the days as the observing countries see them), then read from the cache."""
    commemorations = db.session.execute(select(Commemoration)).scalars().all()
    version, _ = current_version()
    days = sorted({commemoration.today().isoformat() for commemoration in commemorations})
    key = f"home-next-days:{cache_epoch()}:{version}:{','.join(days)}"
    found = cache.get(key)
    if found is None:
        ordered = by_next_day(commemorations)
        found = [(day.isoformat(), item.id) for day, item in ordered if day is not None]
        cache.set(key, found)
    by_id = {commemoration.id: commemoration for commemoration in commemorations}
    return [(date.fromisoformat(day), by_id[key]) for day, key in found if key in by_id]


@bp.get("/")
def index():
    events = db.session.execute(upcoming_events().limit(HOME_EVENT_COUNT)).scalars().all()
    return render_template("public/index.html", events=events, next_days=_next_days())


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        # The answer (503) rolls the request back (planner.web).
        return {"status": "unavailable", "database": "not answering"}, 503
    return {"status": "ok", "database": "ok"}
