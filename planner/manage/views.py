"""The organiser area's routes, gathered on one blueprint; the dashboard is here."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from planner.events.dashboard import build_dashboard
from planner.manage import activity, bp, events, importing, lifecycle  # noqa: F401  (their routes)
from planner.submissions.moderators import is_moderator
from planner.submissions.queries import waiting_count

__all__ = ["bp"]


@bp.get("/")
def dashboard():
    return render_template(
        "manage/dashboard.html",
        board=build_dashboard(current_user),
        # None for a user who moderates nothing: the dashboard then says nothing about them.
        waiting_submissions=waiting_count(current_user) if is_moderator(current_user) else None,
    )
