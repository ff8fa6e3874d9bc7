"""Characters no input may carry: checked once for every query parameter and every form field.

NUL cannot be stored in PostgreSQL (psycopg refuses it), and the other control characters,
lone surrogates and non-characters have no place in a slug, a date, a search or a name. A
query parameter holding one is a 400 that names it; a form field holding one is a form error.
Tab and line breaks are ordinary text and pass.
"""

from __future__ import annotations

import re

from flask import Flask, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import StopValidation

from planner.errors import BadParameter

FORBIDDEN = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


def has_forbidden_characters(value: str) -> bool:
    return FORBIDDEN.search(value) is not None


def refuse_forbidden_query_characters() -> None:
    """Before every request: a query parameter with a control character is a 400 naming it."""
    for name, value in request.args.items(multi=True):
        if has_forbidden_characters(name) or has_forbidden_characters(value):
            shown = FORBIDDEN.sub("", name)[:40] or "?"
            raise BadParameter(
                shown, gettext("This value holds a character that is not allowed here.")
            )


def without_forbidden_characters(data):
    """A form field's filter: what the field holds, the forbidden characters taken out."""
    if isinstance(data, str):
        return FORBIDDEN.sub("", data)
    if isinstance(data, list):
        return [FORBIDDEN.sub("", item) if isinstance(item, str) else item for item in data]
    return data


def no_forbidden_characters(_form, field) -> None:
    """A form field's check, put first on every field by PlannerForm: it says what was sent."""
    for value in field.raw_data or ():
        if isinstance(value, str) and has_forbidden_characters(value):
            field.errors[:] = []
            raise StopValidation(
                _l("This field holds a character that cannot be stored (a control character).")
            )


class PlannerForm(FlaskForm):
    """Every form of the planner: each field refuses control characters first.

    The filter keeps them from everything that reads the field (a select's value looked up
    in the database, the page shown again); the validator makes it a form error.
    """

    class Meta:
        def bind_field(self, form, unbound_field, options):
            given = unbound_field.kwargs
            options = {
                **options,
                "filters": [without_forbidden_characters, *(given.get("filters") or ())],
                "validators": [no_forbidden_characters, *(given.get("validators") or ())],
            }
            return super().bind_field(form, unbound_field, options)


def register_input_checks(app: Flask) -> None:
    app.before_request(refuse_forbidden_query_characters)
