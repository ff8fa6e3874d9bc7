"""The public listing filters, shared by /events, the feeds, the embed and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from werkzeug.datastructures import MultiDict

from planner.commemorations.models import Commemoration
from planner.countries import is_country
from planner.errors import BadParameter
from planner.events.models import Event, EventOrganisation
from planner.organisations.models import Organisation
from planner.venues.models import Venue
from planner.web import one_by_slug_or_404

FILTER_NAMES = ("country", "commemoration", "organisation", "venue", "from", "to", "q", "when")
MAX_QUERY_LENGTH = 200


def _parse_date(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadParameter(
            name, gettext("%(value)r is not a date; use YYYY-MM-DD", value=value)
        ) from None


def whole_number(raw: str) -> int:
    """A whole number as a query gives it: '3', or '3.0' (JSON Schema's integers include 3.0,
    and the API's document promises integers); anything else is ValueError."""
    try:
        return int(raw)
    except ValueError:
        integral, dot, zeros = raw.strip().partition(".")
        if dot and integral.lstrip("-").isdigit() and zeros and set(zeros) == {"0"}:
            return int(integral)
        raise


def parse_page(args: MultiDict, name: str = "page") -> int:
    """`page`: a whole number from 1; anything else is a 400 naming the parameter."""
    raw = args.get(name)
    if raw is None or raw == "":
        return 1
    try:
        page = whole_number(raw)
    except ValueError:
        raise BadParameter(name, gettext("%(value)r is not a whole number", value=raw)) from None
    if page < 1:
        raise BadParameter(name, gettext("must be 1 or more"))
    return page


# What a reader is told when a filter names nothing (the public wording, one whole sentence).
NOT_FOUND = {
    "commemoration": _l("No commemoration has the address “%(slug)s”."),
    "organisation": _l("No organisation has the address “%(slug)s”."),
    "venue": _l("No venue has the address “%(slug)s”."),
}


def not_found_description(name: str, slug: str) -> str:
    """The 404 sentence for a `commemoration`, `organisation` or `venue` slug naming nothing."""
    return str(NOT_FOUND[name]) % {"slug": slug}


def _lookup(model: type, name: str, slug: str) -> Any:
    return one_by_slug_or_404(model, slug, description=not_found_description(name, slug))


@dataclass
class EventFilters:
    """Validated filters; unknown slugs are a 404, malformed values a 400 naming the parameter."""

    country: str | None = None
    commemoration: Commemoration | None = None
    organisation: Organisation | None = None
    venue: Venue | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str | None = None
    past: bool = False
    raw: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: MultiDict, **fixed: Any) -> EventFilters:
        """Parse request arguments; `fixed` are filters from the path (e.g. organisation=...)."""
        filters = cls(**fixed)
        raw: dict[str, str] = {}
        country = args.get("country")
        if country:
            if not is_country(country):
                raise BadParameter(
                    "country", gettext("%(value)r is not an ISO 3166-1 country code", value=country)
                )
            filters.country = country.strip().upper()
            raw["country"] = filters.country
        for name, model in (
            ("commemoration", Commemoration),
            ("organisation", Organisation),
            ("venue", Venue),
        ):
            slug = args.get(name)
            if slug:
                setattr(filters, name, _lookup(model, name, slug))
                raw[name] = slug
        if args.get("from"):
            filters.date_from = _parse_date("from", args["from"])
            raw["from"] = args["from"]
        if args.get("to"):
            filters.date_to = _parse_date("to", args["to"])
            raw["to"] = args["to"]
        if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
            raise BadParameter("to", gettext("must not be before 'from'"))
        given = args.get("q") or ""
        if len(given) > MAX_QUERY_LENGTH:
            raise BadParameter("q", gettext("use at most %(max)d characters", max=MAX_QUERY_LENGTH))
        # PostgreSQL refuses NUL in text; no control character is searchable text anyway.
        if any(ord(char) < 32 for char in given):
            raise BadParameter("q", gettext("control characters are not searchable text"))
        text = given.strip()
        if text:
            filters.text = text
            raw["q"] = text
        when = args.get("when")
        if when:
            if when not in ("past", "upcoming"):
                raise BadParameter("when", gettext("use 'past' or 'upcoming'"))
            filters.past = when == "past"
            if filters.past:
                raw["when"] = "past"
        filters.raw = raw
        return filters

    def apply(self, query: Select) -> Select:
        """Narrow a select of events by these filters (dates are the events' local dates)."""
        if self.country:
            query = query.where(
                Event.venue_id.in_(select(Venue.id).where(Venue.country == self.country))
            )
        if self.commemoration is not None:
            query = query.where(Event.commemoration_id == self.commemoration.id)
        if self.venue is not None:
            query = query.where(Event.venue_id == self.venue.id)
        if self.organisation is not None:
            query = query.where(
                Event.id.in_(
                    select(EventOrganisation.event_id).where(
                        EventOrganisation.organisation_id == self.organisation.id
                    )
                )
            )
        if self.date_from is not None:
            query = query.where(Event.local_end_date >= self.date_from)
        if self.date_to is not None:
            query = query.where(Event.local_start_date <= self.date_to)
        if self.text:
            query = query.where(Event.search_text.contains(self.text.casefold(), autoescape=True))
        return query

    @property
    def active(self) -> bool:
        return bool(self.raw)
