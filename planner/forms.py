"""Form helpers shared by the blueprints (accounts, admin), so none imports another's views."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm

from planner.db import ValidationError


def form_errors_from(form: FlaskForm, error: ValidationError) -> None:
    """Show a domain ValidationError beside the form field it names (else above the form)."""
    field = getattr(form, error.field, None) or getattr(form, f"{error.field}_en", None)
    message = str(error.message)
    if field is None:
        form.form_errors.append(message)
    else:
        field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


def form_status(form: FlaskForm) -> int:
    """200 for a form shown afresh; 422 for one sent back with errors (nothing was saved)."""
    return 422 if form.is_submitted() and request.method == "POST" else 200
