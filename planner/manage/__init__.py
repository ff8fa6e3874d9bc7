"""The organiser area under /manage: dashboard, planning, the event lifecycle, the audit trail.

One blueprint; its views are in events.py (planning, editing, the event's page), lifecycle.py
(publish, postpone, cancel, restore, delete, plan again), activity.py (the trail) and
importing.py (calendar import).
"""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from planner.extensions import login_manager

bp = Blueprint("manage", __name__, url_prefix="/manage")


@bp.before_request
def require_sign_in():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None
