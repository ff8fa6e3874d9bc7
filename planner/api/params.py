"""Query parameters every API collection shares: the language and the page."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from planner.errors import BadParameter
from planner.events.filters import parse_page, whole_number

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


def parse_per_page(args: MultiDict) -> int:
    """`per_page`: 1 or more; a value over the cap is clamped to it (the documented behaviour)."""
    raw = args.get("per_page")
    if raw is None or raw == "":
        return DEFAULT_PER_PAGE
    try:
        value = whole_number(raw)
    except ValueError:
        raise BadParameter(
            "per_page", gettext("%(value)r is not a whole number", value=raw)
        ) from None
    if value < 1:
        raise BadParameter("per_page", gettext("must be 1 or more"))
    return min(value, MAX_PER_PAGE)


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int

    @classmethod
    def from_args(cls, args: MultiDict) -> PageRequest:
        return cls(page=parse_page(args), per_page=parse_per_page(args))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page
