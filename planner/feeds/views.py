"""The .ics routes: every feed of the public URL contract, cached by data version, conditional."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, request
from flask_babel import force_locale, gettext
from sqlalchemy import select

from planner.commemorations.labels import label
from planner.commemorations.models import Commemoration
from planner.countries import country_name, is_country
from planner.dataversion import current_state
from planner.errors import BadParameter
from planner.events.filters import FILTER_NAMES, EventFilters
from planner.events.headings import events_in_country
from planner.events.models import Event
from planner.extensions import db
from planner.feeds import atom as atom_feed
from planner.feeds import ical
from planner.feeds.queries import feed_events, feed_selection, public_selection
from planner.feeds.serve import Builder, assemble, past_days, serve
from planner.organisations.models import Organisation
from planner.urls import absolute_url, event_url, public_url, site_root
from planner.venues.models import Venue
from planner.web import one_by_slug_or_404

bp = Blueprint("feeds", __name__)

# The Atom feed holds the soonest events; a reader wants news, not the whole catalogue.
ATOM_ENTRIES = 100


def _normalised_args(drop: tuple[str, ...] = ()) -> dict[str, str]:
    """The filter arguments that shape a feed, trimmed, with the country code upper-case."""
    args = {}
    for name in FILTER_NAMES:
        value = (request.args.get(name) or "").strip()
        if value and name not in drop:
            args[name] = value.upper() if name == "country" else value
    return args


def _filter_args(drop: tuple[str, ...] = ()):
    """The request's arguments without those a path already fixes."""
    args = request.args.copy()
    for name in drop:
        args.pop(name, None)
    return args


def _with_query(path: str, args: dict[str, str]) -> str:
    query = urlencode(sorted(args.items()))
    return public_url(path) + (f"?{query}" if query else "")


def _events_feed(
    *,
    filters_fixed: dict,
    drop: tuple[str, ...],
    name: Callable[[], str],
    description: Callable[[], str],
    page: tuple[str, dict[str, str]],
    source_path: str,
) -> Builder:
    def build(lang: str, today: date) -> bytes:
        filters = EventFilters.from_args(_filter_args(drop), **filters_fixed)
        source_args = _normalised_args(drop) | ({"lang": lang} if lang != "en" else {})
        with force_locale(lang):
            calendar_name, calendar_description = name(), description()
        calendar = {
            "name": calendar_name,
            "description": calendar_description,
            "url": _with_query(*page),
            "source": _with_query(source_path, source_args),
        }
        return assemble(feed_selection(filters, today, past_days()), lang, calendar)

    return build


def _by_slug(model: type, slug: str):
    return one_by_slug_or_404(model, slug)


def _site() -> str:
    return current_app.config["SITE_NAME"]


@bp.get("/calendar.ics")
def calendar():
    args = _normalised_args()
    build = _events_feed(
        filters_fixed={},
        drop=(),
        name=lambda: gettext("%(site)s: remembrance events", site=_site()),
        description=lambda: gettext(
            "Vigils, flower-layings and memorial services on the days of remembrance."
        ),
        page=("/events", args),
        source_path="/calendar.ics",
    )
    return serve("calendar.ics", build, args)


@bp.get("/commemorations/<slug>/events.ics")
def commemoration(slug: str):
    args = _normalised_args(drop=("commemoration",))

    def build(lang: str, today: date) -> bytes:
        found = _by_slug(Commemoration, slug)
        return _events_feed(
            filters_fixed={"commemoration": found},
            drop=("commemoration",),
            name=lambda: gettext(
                "%(name)s: events (%(site)s)", name=label(found, lang), site=_site()
            ),
            description=lambda: gettext(
                "Events on the day of remembrance: %(name)s.", name=label(found, lang)
            ),
            page=(f"/commemorations/{slug}", {}),
            source_path=f"/commemorations/{slug}/events.ics",
        )(lang, today)

    return serve(f"commemoration-{slug}.ics", build, args)


@bp.get("/venues/<slug>/events.ics")
def venue(slug: str):
    args = _normalised_args(drop=("venue",))

    def build(lang: str, today: date) -> bytes:
        found = _by_slug(Venue, slug)
        return _events_feed(
            filters_fixed={"venue": found},
            drop=("venue",),
            name=lambda: gettext(
                "Events at %(venue)s (%(site)s)", venue=found.display_name(lang), site=_site()
            ),
            description=lambda: gettext(
                "Remembrance events at %(place)s.", place=found.location_line(lang)
            ),
            page=(f"/venues/{slug}", {}),
            source_path=f"/venues/{slug}/events.ics",
        )(lang, today)

    return serve(f"venue-{slug}.ics", build, args)


@bp.get("/organisations/<slug>/events.ics")
def organisation(slug: str):
    args = _normalised_args(drop=("organisation",))

    def build(lang: str, today: date) -> bytes:
        found = _by_slug(Organisation, slug)
        return _events_feed(
            filters_fixed={"organisation": found},
            drop=("organisation",),
            name=lambda: gettext(
                "Events by %(organisation)s (%(site)s)",
                organisation=found.display_name(lang),
                site=_site(),
            ),
            description=lambda: gettext(
                "Remembrance events organised by %(organisation)s.",
                organisation=found.display_name(lang),
            ),
            page=(f"/organisations/{slug}", {}),
            source_path=f"/organisations/{slug}/events.ics",
        )(lang, today)

    return serve(f"organisation-{slug}.ics", build, args)


@bp.get("/countries/<cc>/events.ics")
def country(cc: str):
    if not is_country(cc):
        abort(404)
    code = cc.strip().upper()
    args = _normalised_args(drop=("country",))

    def build(lang: str, today: date) -> bytes:
        return _events_feed(
            filters_fixed={"country": code},
            drop=("country",),
            name=lambda: gettext(
                "%(events)s (%(site)s)", events=events_in_country(code, lang=lang), site=_site()
            ),
            description=lambda: gettext(
                "Remembrance events in %(country)s.", country=country_name(code, lang)
            ),
            page=("/events", {"country": code}),
            source_path=f"/countries/{code.lower()}/events.ics",
        )(lang, today)

    return serve(f"events-{code.lower()}.ics", build, args)


@bp.get("/events/<slug>.ics")
def event(slug: str):
    """One public event, whatever its age; a draft is not found."""

    def build(lang: str, _today: date) -> bytes:
        found = one_by_slug_or_404(Event, slug, query=public_selection())
        with force_locale(lang):
            description = gettext("One event, kept up to date (%(site)s).", site=_site())
        calendar = {
            "name": found.display_title(lang),
            "description": description,
            "url": event_url(slug),
            "source": _with_query(f"/events/{slug}.ics", {"lang": lang} if lang != "en" else {}),
        }
        return assemble(public_selection().where(Event.slug == slug), lang, calendar)

    return serve(f"{slug}.ics", build, {})


@bp.get("/commemorations.ics")
def commemorations():
    """The days of remembrance themselves, as all-day events repeating every year."""

    def build(lang: str, _today: date) -> bytes:
        found = db.session.execute(select(Commemoration).order_by(Commemoration.slug)).scalars()
        with force_locale(lang):
            name = gettext("Days of remembrance (%(site)s)", site=_site())
            description = gettext(
                "The days of remembrance observed in the Baltic states and beyond, every year."
            )
        return ical.commemorations_calendar(
            found.all(),
            name=name,
            description=description,
            url=absolute_url("commemorations.index"),
            source=_with_query("/commemorations.ics", {"lang": lang} if lang != "en" else {}),
            lang=lang,
        )

    return serve("commemorations.ics", build, {})


@bp.get("/events.atom")
def atom():
    """Upcoming public events as an Atom feed; the /events filters and `lang`."""
    args = _normalised_args()
    if args.get("when") == "past":
        raise BadParameter("when", gettext("the Atom feed holds upcoming events only"))

    def build(lang: str, today: date) -> bytes:
        filters = EventFilters.from_args(request.args)
        query = feed_events(filters, today, 0).limit(ATOM_ENTRIES)
        events = db.session.execute(query).scalars().all()
        page_args = {k: v for k, v in args.items() if k != "when"}
        with force_locale(lang):
            title = gettext("%(site)s: upcoming remembrance events", site=_site())
            subtitle = gettext(
                "Vigils, flower-layings and memorial services on the days of remembrance."
            )
        return atom_feed.events_feed(
            events,
            title=title,
            subtitle=subtitle,
            self_url=_with_query("/events.atom", page_args | _lang_arg(lang)),
            page_url=_with_query("/events", page_args | _lang_arg(lang)),
            lang=lang,
            fallback_updated=current_state()[1],
            site_name=_site(),
            site_url=site_root() + "/",
        )

    return serve("events.atom", build, args, mimetype="application/atom+xml")


def _lang_arg(lang: str) -> dict[str, str]:
    return {"lang": lang} if lang != "en" else {}
