"""The organiser area under /manage: dashboard, planning, the event lifecycle, the audit trail."""
