"""The public event pages: the listing with its filters and archive, one event, its poster."""

from __future__ import annotations

import segno
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import select

from planner.commemorations.labels import distinct_labels
from planner.commemorations.models import Commemoration
from planner.db import now_utc
from planner.events.filters import FILTER_NAMES, EventFilters, parse_page
from planner.events.headings import events_in_country, listing_heading
from planner.events.listing import listing_page
from planner.events.models import Event
from planner.events.month import is_valid_month, month_grid
from planner.events.queries import public_events
from planner.events.schema_org import event_json_ld
from planner.extensions import db
from planner.formatting import month_caption, weekday_names
from planner.i18n import LANGUAGES, current_language
from planner.public.links import feed_url, google_calendar_url, outlook_calendar_url
from planner.text import markdown_to_text
from planner.urls import absolute_url
from planner.venues.models import Venue
from planner.web import one_by_slug_or_404

bp = Blueprint("events", __name__)

CALENDAR_DETAILS_LENGTH = 600


def public_event_or_404(slug: str) -> Event:
    """A public event by its slug, whatever its age; drafts and unknown slugs are a 404."""
    return one_by_slug_or_404(
        Event,
        slug,
        query=public_events(),
        description=gettext("No event has the address “%(slug)s”.", slug=slug),
    )


def _by_name(items):
    return sorted(items, key=lambda item: (item.display_name().casefold(), item.slug))


def _filter_choices(events, filters: EventFilters) -> dict:
    """What the filter form offers, small whatever the catalogue's size: every day of
    remembrance and country (few), and the venues and organisations of the events shown,
    with the chosen ones. Two queries; the events come with their venues and organisers."""
    commemorations = db.session.execute(select(Commemoration)).scalars().all()
    countries = db.session.execute(select(Venue.country).distinct()).scalars().all()
    venues = {event.venue for event in events} | ({filters.venue} if filters.venue else set())
    organisations = {organisation for event in events for organisation in event.organisations}
    if filters.organisation is not None:
        organisations.add(filters.organisation)
    labels = distinct_labels(commemorations)
    return {
        "commemorations": sorted(
            ((labels[item.id], item) for item in commemorations),
            key=lambda pair: (pair[0].casefold(), pair[1].slug),
        ),
        "organisations": _by_name(organisations),
        "venues": _by_name(venues),
        "countries": sorted(set(countries) | ({filters.country} if filters.country else set())),
    }


@bp.get("/events")
def index():
    filters = EventFilters.from_args(request.args)
    page = parse_page(request.args)
    pagination = listing_page(filters, page, current_app.config["EVENTS_PER_PAGE"])
    return render_template(
        "events/index.html",
        filters=filters,
        heading=listing_heading(filters),
        pagination=pagination,
        choices=_filter_choices(pagination.items, filters),
        # The feeds take the same filters; the archive is not a feed.
        feed_query={name: value for name, value in filters.raw.items() if name != "when"},
    )


@bp.get("/events/calendar")
def this_month():
    """The month view of the current month, with the same filters."""
    today = now_utc().date()
    kept = {name: request.args[name] for name in (*FILTER_NAMES, "lang") if request.args.get(name)}
    return redirect(url_for("events.month", year=today.year, month=today.month, **kept))


@bp.get("/events/calendar/<int:year>/<int:month>")
def month(year: int, month: int):
    if not is_valid_month(year, month):
        abort(404, description=gettext("There is no month view for that month."))
    filters = EventFilters.from_args(request.args)
    grid = month_grid(year, month, filters)
    keep = {name: value for name, value in filters.raw.items() if name != "when"}
    # The links to other months keep the filters, and a language given in the address.
    nav = keep | ({"lang": request.args["lang"]} if request.args.get("lang") in LANGUAGES else {})
    return render_template(
        "events/month.html",
        grid=grid,
        filters=filters,
        keep=keep,
        nav=nav,
        caption=month_caption(grid.first),
        weekdays=weekday_names(),
        today=now_utc().date(),
    )


def _calendar_details(event: Event, url: str) -> str:
    description = markdown_to_text(event.display_description())
    if len(description) > CALENDAR_DETAILS_LENGTH:
        description = description[:CALENDAR_DETAILS_LENGTH].rstrip() + "…"
    return "\n\n".join(part for part in (description, url) if part)


def _subscriptions(event: Event) -> list[tuple[str, object]]:
    """The feeds an event page offers: its day of remembrance, place, organisers, country, all."""
    feeds = []
    if event.commemoration is not None:
        feeds.append(
            (
                event.commemoration.distinct_name(),
                feed_url("commemoration", event.commemoration.slug),
            )
        )
    feeds.append((event.venue.display_name(), feed_url("venue", event.venue.slug)))
    for organisation in event.organisations:
        feeds.append((organisation.display_name(), feed_url("organisation", organisation.slug)))
    feeds.append(
        (
            events_in_country(event.venue.country),
            feed_url("country", event.venue.country),
        )
    )
    feeds.append((gettext("All events"), feed_url("all")))
    return feeds


@bp.get("/events/<slug>")
def show(slug: str):
    event = public_event_or_404(slug)
    url = absolute_url("events.show", slug=event.slug)
    organisation_urls = {
        organisation.slug: absolute_url("organisations.show", slug=organisation.slug)
        for organisation in event.organisations
    }
    title = event.display_title()
    details = _calendar_details(event, url)
    location = event.venue.location_line()
    return render_template(
        "events/show.html",
        event=event,
        canonical_url=url,
        json_ld=event_json_ld(event, url, organisation_urls, current_language()),
        ics_url=site_path_ics(event),
        google_url=google_calendar_url(title, event.starts_at, event.ends_at, details, location),
        outlook_url=outlook_calendar_url(title, event.starts_at, event.ends_at, details, location),
        subscriptions=_subscriptions(event),
    )


def site_path_ics(event: Event) -> str:
    """The event's own .ics, in the reader's language."""
    return url_for("feeds.event", slug=event.slug, lang=current_language())


def qr_svg(url: str, label: str) -> Markup:
    """An inline SVG QR code for `url`, drawn on the server (no script, no outside service)."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr-code", title=label)
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


@bp.get("/events/<slug>/poster")
def poster(slug: str):
    event = public_event_or_404(slug)
    url = absolute_url("events.show", slug=event.slug)
    return render_template(
        "events/poster.html",
        event=event,
        event_url=url,
        qr=qr_svg(url, event.display_title()),
    )
