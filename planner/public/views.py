"""The public front: the home page and the health check."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from planner.caching import remembered
from planner.commemorations.labels import distinct_labels
from planner.commemorations.models import Commemoration
from planner.commemorations.queries import by_next_day
from planner.dataversion import current_state
from planner.errors import log_database_unavailable, rollback_quietly
from planner.events.queries import upcoming_events
from planner.extensions import db
from planner.outage import redis_health

bp = Blueprint("public", __name__)

HOME_EVENT_COUNT = 12


def _next_days() -> list[tuple[date, Commemoration]]:
    """The next day of each commemoration, soonest first: worked out once per data version
    and day (the days as the observing countries see them), then read from the cache."""
    commemorations = db.session.execute(select(Commemoration)).scalars().all()
    version, _, epoch = current_state()
    days = sorted({commemoration.today().isoformat() for commemoration in commemorations})
    key = f"home-next-days:{epoch}:{version}:{','.join(days)}"

    def work_out() -> list[tuple[str, int]]:
        ordered = by_next_day(commemorations)
        return [(day.isoformat(), item.id) for day, item in ordered if day is not None]

    found = remembered(key, work_out)
    by_id = {commemoration.id: commemoration for commemoration in commemorations}
    return [(date.fromisoformat(day), by_id[key]) for day, key in found if key in by_id]


@bp.get("/")
def index():
    events = db.session.execute(upcoming_events().limit(HOME_EVENT_COUNT)).scalars().all()
    next_days = _next_days()
    return render_template(
        "public/index.html",
        events=events,
        next_days=next_days,
        labels=distinct_labels([item for _day, item in next_days]),
        countries=sorted({event.venue.country for event in events}),
    )


@bp.get("/healthz")
def healthz():
    """200 when the database answers (status "degraded" when a configured Redis does not),
    503 when it does not."""
    body: dict = {"database": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log_database_unavailable(error)
        rollback_quietly()
        body["database"] = "not answering"
    redis = redis_health(current_app.config)
    if redis:
        body["redis"] = redis
    if body["database"] != "ok":
        body["status"] = "unavailable"
        retry_after = str(current_app.config["RETRY_AFTER_SECONDS"])
        return body, 503, {"Retry-After": retry_after}
    body["status"] = "degraded" if any(value != "ok" for value in redis.values()) else "ok"
    return body
