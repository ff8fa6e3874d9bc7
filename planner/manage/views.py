"""The organiser area's routes, gathered on one blueprint; the dashboard is here."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from planner.events.dashboard import build_dashboard
from planner.manage import activity, bp, events, lifecycle  # noqa: F401  (their routes)

__all__ = ["bp"]


@bp.get("/")
def dashboard():
    return render_template("manage/dashboard.html", board=build_dashboard(current_user))
