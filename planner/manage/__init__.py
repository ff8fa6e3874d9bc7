"""The organiser area under /manage: dashboard, planning, the event lifecycle, the audit trail."""

# Each module of the area adds its routes to the one blueprint in views.
from planner.manage import importing  # noqa: F401
