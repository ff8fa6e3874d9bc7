"""Building iCalendar feeds with the `icalendar` library: deterministic bytes from the data.

Same data, same bytes (DESIGN.md, iCalendar rules 1-9): no clock, no random UID, stable
ordering, VTIMEZONEs built here in TZID order, and every piece of user text cleaned of
control characters before the library escapes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from flask import current_app, has_request_context, request
from flask_babel import force_locale, gettext
from icalendar import (
    Calendar,
    vCalAddress,
    vDuration,
    vRecur,
    vText,
)
from icalendar import Event as VEvent

from planner.commemorations.models import Commemoration
from planner.events.labels import kind_label
from planner.events.models import Event, EventStatus, HostRole
from planner.feeds.timezones import local_or_utc, timezones_for
from planner.feeds.vevent import EventValues, Organiser, write_event
from planner.formatting import clock
from planner.i18n import LANGUAGES
from planner.sentence_dates import date_in_sentence
from planner.slugs import SLUG_PATTERN
from planner.text import markdown_to_text, multi_line, one_line
from planner.urls import commemoration_url, event_url, organisation_url, site_root

PRODID = "-//Remembrance Planner//Feeds 1.0//EN"
FOOTER = b"END:VCALENDAR\r\n"
FEED_LANGUAGES = LANGUAGES  # a feed speaks every language of the service
UID_DOMAIN = "remembrance-planner"

# --- the calendar -----------------------------------------------------------------------------


def _calendar(
    name: str, description: str, url: str | None, source: str | None, refresh_hours: int | None
) -> Calendar:
    # Plain Calendar() and explicit properties: Calendar.new() would invent a random UID.
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    name = one_line(name)
    # Wrapped in vText, or NAME and the X-WR-* names would go out unescaped.
    calendar.add("NAME", vText(name))
    calendar.add("X-WR-CALNAME", vText(name))
    description = multi_line(description)
    if description:
        calendar.add("DESCRIPTION", vText(description))
        calendar.add("X-WR-CALDESC", vText(description))
    if url:
        calendar.add("URL", url)
    if source:
        calendar.add("SOURCE", source, parameters={"VALUE": "URI"})
    hours = refresh_hours if refresh_hours is not None else _config_refresh_hours()
    refresh = vDuration(timedelta(hours=max(1, int(hours))))
    # The library writes REFRESH-INTERVAL without its required VALUE=DURATION; say it here.
    calendar.add("REFRESH-INTERVAL", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(timedelta(hours=max(1, int(hours)))))
    return calendar


def _config_refresh_hours() -> int:
    return int(current_app.config.get("FEED_REFRESH_HOURS", 6))


def _check_lang(lang: str) -> str:
    if lang not in FEED_LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(FEED_LANGUAGES)}")
    return lang


def events_calendar(
    events: Iterable[Event],
    *,
    name: str,
    description: str = "",
    url: str | None = None,
    lang: str = "en",
    source: str | None = None,
    refresh_hours: int | None = None,
) -> bytes:
    """A VCALENDAR of public events, as bytes: one VEVENT per event, ordered by start and UID.

    Needs an app context (absolute URLs, translations). Drafts are refused: the caller passes
    only public events, and a draft here is a programming error.
    """
    lang = _check_lang(lang)
    ordered = sorted(events, key=lambda event: (event.starts_at, event.uid))
    with force_locale(lang):
        calendar = _calendar(name, description, url, source, refresh_hours)
        components = [event_component(event, lang) for event in ordered]
        for timezone in timezones_for(components):
            calendar.add_component(timezone)
        for component in components:
            calendar.add_component(component)
        return calendar.to_ical()


def calendar_head(
    *,
    name: str,
    description: str = "",
    url: str | None = None,
    lang: str = "en",
    source: str | None = None,
    refresh_hours: int | None = None,
) -> bytes:
    """The calendar's opening and properties, as `events_calendar` writes them: a feed
    assembled from fragments is this, its VTIMEZONEs, its VEVENTs and FOOTER."""
    lang = _check_lang(lang)
    with force_locale(lang):
        whole = _calendar(name, description, url, source, refresh_hours).to_ical()
    if not whole.endswith(FOOTER):
        raise ValueError("a calendar without subcomponents ends with its END line")
    return whole[: -len(FOOTER)]


def event_fragment(event: Event, lang: str) -> bytes:
    """One VEVENT's bytes, folded, exactly as a whole calendar holds them (in `lang`'s locale).

    Written by `planner.feeds.vevent` from the same values `event_component` adds to the
    library's component (`event_values`), several times faster; tests hold the two to the
    same bytes.
    """
    return write_event(event_values(event, lang))


def commemorations_calendar(
    commemorations: Iterable[Commemoration],
    *,
    name: str,
    description: str = "",
    url: str | None = None,
    lang: str = "en",
    source: str | None = None,
    refresh_hours: int | None = None,
) -> bytes:
    """The days of remembrance as all-day events repeating by their RRULE, ordered by slug."""
    lang = _check_lang(lang)
    with force_locale(lang):
        calendar = _calendar(name, description, url, source, refresh_hours)
        for commemoration in sorted(commemorations, key=lambda c: c.slug):
            # A rule that is not accepted (written straight into the database) stays out.
            if commemoration.readable_rrule is not None:
                calendar.add_component(commemoration_component(commemoration, lang))
        return calendar.to_ical()


# --- one event --------------------------------------------------------------------------------


def ical_status(event: Event) -> str:
    """CONFIRMED, TENTATIVE (postponed with no new time yet) or CANCELLED."""
    if event.status == EventStatus.CANCELLED:
        return "CANCELLED"
    if event.status == EventStatus.POSTPONED and not event.is_rescheduled:
        return "TENTATIVE"
    if event.status == EventStatus.DRAFT:
        raise ValueError(f"a draft ({event.slug}) never goes into a feed")
    return "CONFIRMED"


def status_text(event: Event, lang: str) -> str:
    """The line a subscriber reads about a postponement or a cancellation, with its note."""
    if event.status not in (EventStatus.CANCELLED, EventStatus.POSTPONED):
        return ""
    note = multi_line(event.display_note(lang))
    if event.status == EventStatus.CANCELLED:
        head = gettext("This event is cancelled.")
    elif event.is_rescheduled:
        previous = event.previous_starts_at.astimezone(event.zone)
        head = gettext(
            "Postponed: it was first planned for %(date)s at %(time)s.",
            date=date_in_sentence(previous, lang),
            time=clock(previous, lang),
        )
    else:
        head = gettext("Postponed; the new time is not known yet.")
    return f"{head}\n{note}" if note else head


def event_description(event: Event, lang: str) -> str:
    """Plain text: the status (when postponed or cancelled), then the description."""
    parts = [status_text(event, lang), _description_text(event.display_description(lang))]
    return "\n\n".join(part for part in parts if part)


# Many events share a description (series, copies): its Markdown is parsed once per process.
_description_text = lru_cache(maxsize=1024)(markdown_to_text)


def event_modified(event: Event) -> datetime:
    """When anything the event's VEVENT shows last changed: the event itself, its venue, its
    commemoration or an organisation organising it (DTSTAMP and LAST-MODIFIED)."""
    moments = [event.updated_at, event.venue.updated_at]
    if event.commemoration is not None:
        moments.append(event.commemoration.updated_at)
    moments.extend(link.organisation.updated_at for link in event.hosts)
    return max(moment.astimezone(UTC) for moment in moments)


def event_values(event: Event, lang: str) -> EventValues:
    """The values of one public event's VEVENT (in `lang`'s locale)."""
    zone = event.zone
    base = _url_base()
    venue = event.venue
    categories = [_kind_label(event.kind, lang)]
    if event.commemoration is not None:
        categories.append(_shared_line(event.commemoration.display_name(lang)))
    geo = None
    if venue.has_coordinates:
        geo = (round(venue.latitude, 6), round(venue.longitude, 6))
    return EventValues(
        uid=event.uid,
        stamp=event_modified(event),
        start=local_or_utc(event.starts_at, zone),
        end=local_or_utc(event.ends_at, zone),
        summary=one_line(event.display_title(lang)),
        description=event_description(event, lang),
        location=_shared_line(venue.location_line(lang)),
        geo=geo,
        url=_event_url(event.slug, base),
        categories=tuple(category for category in categories if category),
        status=ical_status(event),
        sequence=event.sequence,
        created=event.created_at.astimezone(UTC),
        organisers=_organisers(event, lang, base),
    )


# Places, organisations and commemorations recur in many events: each text cleaned once.
_shared_line = lru_cache(maxsize=4096)(one_line)


def _event_url(slug: str, base: tuple[str, str]) -> str:
    """`event_url(slug)`, without routing each event's: a valid slug needs no quoting, so
    its URL is the same prefix (made once for each base URL) and the slug."""
    if not SLUG_PATTERN.fullmatch(slug):
        return event_url(slug)
    return _event_url_prefix(base) + slug


def _url_base() -> tuple[str, str]:
    """What the absolute URLs made here depend on beyond their arguments (cache keys)."""
    return site_root(), request.script_root if has_request_context() else ""


@lru_cache(maxsize=16)
def _event_url_prefix(base: tuple[str, str]) -> str:
    sample = event_url("slug")
    if not sample.endswith("/slug"):
        raise ValueError(f"an event's URL does not end with its slug: {sample}")
    return sample[: -len("slug")]


@lru_cache(maxsize=64)
def _kind_label(kind: str, lang: str) -> str:
    """The kind's name in `lang`: the same few labels for every event, translated once."""
    with force_locale(lang):
        return one_line(kind_label(kind))


@lru_cache(maxsize=4096)
def _organisation_url(base: tuple[str, str], slug: str) -> str:
    """The organisation's page, made once for each base URL (`_url_base`)."""
    return organisation_url(slug)


def _organisers(event: Event, lang: str, base: tuple[str, str]) -> tuple[Organiser, ...]:
    """ORGANIZER for the host with a contact address, else CONTACT; co-hosts as CONTACT."""
    found: list[Organiser] = []
    has_organizer = False
    for link in event.hosts:
        organisation = link.organisation
        name = _shared_line(organisation.display_name(lang))
        page = _organisation_url(base, organisation.slug)
        if link.role == HostRole.HOST and not has_organizer and organisation.contact_email:
            found.append(Organiser(name, page, organisation.contact_email))
            has_organizer = True
        else:
            found.append(Organiser(name, page, None))
    return tuple(found)


def event_component(event: Event, lang: str = "en") -> VEvent:
    """The VEVENT of one public event, built with the library."""
    values = event_values(event, lang)
    # Both UID and DTSTAMP passed: Event.new() would otherwise invent them (random, clock).
    component = VEvent.new(uid=values.uid, stamp=values.stamp)
    component.add("DTSTART", values.start)
    component.add("DTEND", values.end)
    component.add("SUMMARY", values.summary)
    if values.description:
        component.add("DESCRIPTION", values.description)
    component.add("LOCATION", values.location)
    if values.geo is not None:
        component.add("GEO", values.geo)
    component.add("URL", values.url)
    component.add("CATEGORIES", list(values.categories))
    component.add("STATUS", values.status)
    component.add("SEQUENCE", values.sequence)
    component.add("CREATED", values.created)
    component.add("LAST-MODIFIED", values.stamp)
    for organiser in values.organisers:
        if organiser.email:
            address = vCalAddress(f"mailto:{organiser.email}")
            address.params["CN"] = vText(organiser.name)
            component.add("ORGANIZER", address)
        else:
            text = vText(f"{organiser.name}, {organiser.page}")
            component.add("CONTACT", text, parameters={"ALTREP": organiser.page})
    return component


# --- commemoration days -----------------------------------------------------------------------


def commemoration_uid(commemoration: Commemoration) -> str:
    """Stable forever: derived from the slug, which never changes once published."""
    return f"commemoration-{commemoration.slug}@{UID_DOMAIN}"


def first_occurrence(commemoration: Commemoration) -> date:
    """The first day of remembrance in the year the recurrence starts (or the next one it has)."""
    start = date(commemoration.start_year, 1, 1)
    found = commemoration.occurrences_after(start, 1)
    return found[0] if found else start


def commemoration_component(commemoration: Commemoration, lang: str = "en") -> VEvent:
    """An all-day VEVENT repeating by the commemoration's RRULE."""
    component = VEvent.new(
        uid=commemoration_uid(commemoration), stamp=commemoration.updated_at.astimezone(UTC)
    )
    day = first_occurrence(commemoration)
    component.add("DTSTART", day)
    component.add("DTEND", day + timedelta(days=1))
    component.add("RRULE", vRecur.from_ical(commemoration.readable_rrule))
    component.add("SUMMARY", one_line(commemoration.display_name(lang)))
    description = markdown_to_text(commemoration.display_description(lang))
    if description:
        component.add("DESCRIPTION", description)
    component.add("URL", commemoration_url(commemoration.slug))
    component.add("CATEGORIES", [one_line(gettext("Day of remembrance"))])
    component.add("TRANSP", "TRANSPARENT")
    component.add("CREATED", commemoration.created_at.astimezone(UTC))
    component.add("LAST-MODIFIED", commemoration.updated_at.astimezone(UTC))
    return component
