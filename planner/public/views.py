"""The public front: the home page and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from planner.commemorations.models import Commemoration
from planner.commemorations.queries import by_next_day
from planner.errors import log_database_unavailable, rollback_quietly
from planner.events.queries import upcoming_events
from planner.extensions import db
from planner.outage import redis_health

bp = Blueprint("public", __name__)

HOME_EVENT_COUNT = 12


@bp.get("/")
def index():
    events = db.session.execute(upcoming_events().limit(HOME_EVENT_COUNT)).scalars().all()
    commemorations = db.session.execute(select(Commemoration)).scalars().all()
    next_days = [(day, item) for day, item in by_next_day(commemorations) if day is not None]
    return render_template("public/index.html", events=events, next_days=next_days)


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
