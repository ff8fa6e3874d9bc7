"""Building the Atom 1.0 feed (RFC 4287) of upcoming events with feedgen: deterministic bytes.

Same data, same bytes, as for the iCalendar feeds: every `updated` comes from the data (never
from the clock, which feedgen would use by default), entries keep the order of the query, and
entry ids derive from the event's UID, which never changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote

from feedgen.feed import FeedGenerator
from flask_babel import force_locale, gettext

from planner.events.labels import kind_label
from planner.events.models import Event, EventStatus
from planner.feeds.ical import event_description
from planner.formatting import long_date, time_range
from planner.text import multi_line, one_line
from planner.urls import event_url, organisation_url

GENERATOR = "Remembrance Planner"
UID_AUTHORITY = "remembrance-planner"
_PLANNER_UID = re.compile(
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@remembrance-planner"
)
# XML 1.0 refuses these even escaped (lxml raises): surrogates and the two non-characters.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def entry_id(event: Event) -> str:
    """A URI that stays the entry's id forever: urn:uuid: for the planner's own UIDs, else a
    tag: URI (RFC 4151) holding the UID."""
    found = _PLANNER_UID.fullmatch(event.uid)
    if found:
        return f"urn:uuid:{found.group(1)}"
    return f"tag:{UID_AUTHORITY},2026:event:{quote(event.uid, safe='@')}"


def entry_updated(event: Event) -> datetime:
    """When what the entry shows last changed: the event, its venue, commemoration or hosts."""
    moments = [event.updated_at, event.venue.updated_at]
    if event.commemoration is not None:
        moments.append(event.commemoration.updated_at)
    moments.extend(organisation.updated_at for organisation in event.organisations)
    return max(moment for moment in moments if moment is not None)


def entry_title(event: Event, lang: str) -> str:
    title = one_line(event.display_title(lang))
    if event.status == EventStatus.CANCELLED:
        return gettext("Cancelled: %(title)s", title=title)
    if event.status == EventStatus.POSTPONED:
        return gettext("Postponed: %(title)s", title=title)
    return title


def entry_summary(event: Event, lang: str) -> str:
    """Plain text: when and where, then the status with its note, then the description."""
    when = gettext(
        "%(day)s, %(time)s",
        day=long_date(event.local_start, lang),
        time=time_range(event, lang),
    )
    where = one_line(event.venue.location_line(lang))
    parts = [f"{when}\n{where}", event_description(event, lang)]
    return multi_line("\n\n".join(part for part in parts if part))


def _add_entry(feed: FeedGenerator, event: Event, lang: str) -> None:
    entry = feed.add_entry(order="append")
    entry.id(entry_id(event))
    entry.title(_xml_text(entry_title(event, lang)))
    entry.updated(entry_updated(event))
    if event.published_at is not None:
        entry.published(event.published_at)
    # One link only: feedgen 1.0 drops an entry link's rel and type, so a second link would
    # be a second "alternate" (RFC 4287 allows one per type and language).
    entry.link(href=event_url(event.slug), rel="alternate", type="text/html")
    entry.summary(_xml_text(entry_summary(event, lang)), type="text")
    for organisation in event.organisations:
        author = {
            "name": _xml_text(one_line(organisation.display_name(lang))),
            "uri": organisation_url(organisation.slug),
        }
        if organisation.contact_email:
            author["email"] = organisation.contact_email
        entry.author(author)
    entry.category(term=event.kind.value, label=_xml_text(one_line(kind_label(event.kind))))
    entry.category(term=f"status:{event.status.value}", label=_status_label(event))
    if event.commemoration is not None:
        entry.category(
            term=event.commemoration.slug,
            label=_xml_text(one_line(event.commemoration.display_name(lang))),
        )


def _status_label(event: Event) -> str:
    if event.status == EventStatus.CANCELLED:
        return gettext("Cancelled")
    if event.status == EventStatus.POSTPONED:
        return gettext("Postponed")
    return gettext("Scheduled")


def events_feed(
    events: Iterable[Event],
    *,
    title: str,
    subtitle: str,
    self_url: str,
    page_url: str,
    lang: str,
    fallback_updated: datetime,
    site_name: str,
    site_url: str,
) -> bytes:
    """An Atom feed of public events, as bytes, in the order given.

    The feed's `updated` is the latest entry's, or `fallback_updated` (the data version's
    time) when there is no entry. Needs an app context (URLs, translations).
    """
    events = list(events)
    if any(event.status == EventStatus.DRAFT for event in events):
        raise ValueError("a draft never goes into a feed")
    with force_locale(lang):
        feed = FeedGenerator()
        feed.id(self_url)
        feed.title(_xml_text(one_line(title)))
        feed.subtitle(_xml_text(one_line(subtitle)))
        feed.link(href=self_url, rel="self", type="application/atom+xml")
        feed.link(href=page_url, rel="alternate", type="text/html")
        feed.language(lang)
        feed.author({"name": site_name, "uri": site_url})
        feed.generator(GENERATOR)
        updated = [entry_updated(event) for event in events]
        feed.updated(max(updated) if updated else fallback_updated)
        for event in events:
            _add_entry(feed, event, lang)
        return feed.atom_str(pretty=True, encoding="UTF-8")
