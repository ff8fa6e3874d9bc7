"""The accounts blueprint: signing in (sign_in), invitations, and an organisation's members.

Views translate HTTP only: the operations hold the rules, and the request commits once
(planner.web.PlannerFlask).
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from planner.accounts.views import invitations, members, sign_in  # noqa: E402, F401
