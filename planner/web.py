"""What every view shares: the request's single commit point and the one lookup by slug.

Views never commit or roll back. Operations change the models and flush; when the view has
answered with a success or a redirect (status below 400) the request commits once, and any
other answer, or an exception, rolls back (as Indico's request handler does).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from flask import Flask, abort
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.sql import Select

from planner.errors import BadParameter
from planner.extensions import db
from planner.i18n import LANGUAGES
from planner.requestlog import log_unexpected
from planner.slugs import SLUG_MAX_LENGTH, SLUG_PATTERN

Model = TypeVar("Model")


class PlannerFlask(Flask):
    """Flask with one commit point per request, logging every exception no handler took."""

    def handle_exception(self, e: Exception):  # type: ignore[override]
        # Logged here, in every configuration: Flask itself logs only when it does not re-raise
        # (not under TESTING or DEBUG), and without the request's id.
        log_unexpected(e)
        return super().handle_exception(e)

    def log_exception(self, exc_info) -> None:  # type: ignore[override]
        if exc_info[1] is not None:
            log_unexpected(exc_info[1])

    def dispatch_request(self):  # type: ignore[override]
        response = self.make_response(super().dispatch_request())
        if response.status_code < 400:
            # Errors raised here (a unique slug taken by a concurrent request, say) go through
            # the app's error handlers like any other error of the view.
            db.session.commit()
        else:
            db.session.rollback()
        return response


def parse_lang(args: Mapping[str, str], default: str | None = "en") -> str | None:
    """The `lang` parameter: one of the service's languages; `default` when absent or empty.

    Anything else is a 400 naming the parameter (problem JSON under /api/).
    """
    lang = (args.get("lang") or "").strip()
    if not lang:
        return default
    if lang not in LANGUAGES:
        raise BadParameter(
            "lang",
            gettext(
                "%(value)r is not one of: %(choices)s", value=lang, choices=", ".join(LANGUAGES)
            ),
        )
    return lang


def is_slug(value: str) -> bool:
    """Whether `value` could be a slug at all (NUL bytes and the like never reach the database)."""
    return len(value) <= SLUG_MAX_LENGTH and SLUG_PATTERN.fullmatch(value) is not None


def one_by_slug_or_404(
    model: type[Model],
    slug: str,
    *,
    query: Select | None = None,
    description: str | None = None,
) -> Model:
    """The `model` row with `slug`, or a 404 page for an unknown or malformed slug.

    `query` (a `select(model)` with eager loads or extra conditions) replaces the plain select.
    """
    if is_slug(slug):
        statement = query if query is not None else select(model)
        found: Any = db.session.execute(
            statement.where(model.slug == slug)  # type: ignore[attr-defined]
        ).scalar_one_or_none()
        if found is not None:
            return found
    abort(404, description=description)
