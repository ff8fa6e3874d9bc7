"""Absolute links the public pages hand out: canonical URLs, feed subscriptions, calendar apps.

The feed paths are fixed by the public URL contract, so they are built here from those paths
rather than from the feeds blueprint's endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from planner.i18n import current_language
from planner.urls import absolute_url, page_in_language, site_root

FEED_PATHS = {
    "all": "/calendar.ics",
    "commemoration": "/commemorations/{slug}/events.ics",
    "venue": "/venues/{slug}/events.ics",
    "organisation": "/organisations/{slug}/events.ics",
    "country": "/countries/{slug}/events.ics",
}
GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"
OUTLOOK_WEB = "https://outlook.live.com/calendar/0/deeplink/compose"
OUTLOOK_SUBSCRIBE = "https://outlook.live.com/calendar/0/addfromweb"


@dataclass(frozen=True)
class FeedLink:
    https: str
    webcal: str

    @property
    def google(self) -> str:
        """Subscribe in Google Calendar (it fetches the feed itself)."""
        return f"{GOOGLE_CALENDAR}?{urlencode({'cid': self.webcal})}"

    def outlook(self, name: str) -> str:
        """Subscribe in Outlook on the web, under `name`."""
        return f"{OUTLOOK_SUBSCRIBE}?{urlencode({'url': self.https, 'name': name})}"


def feed_url(
    kind: str,
    slug: str | None = None,
    query: dict[str, str] | None = None,
    lang: str | None = None,
) -> FeedLink:
    """The subscription links of a feed: `kind` is all, commemoration, venue, organisation or
    country (whose slug is the ISO code, written in lower case); `query` adds filters. The feed
    speaks `lang` (by default the reader's), so its name and events are in the reader's language."""
    query = {**(query or {}), "lang": lang or current_language()}
    path = FEED_PATHS[kind]
    if kind == "country" and slug:
        slug = slug.lower()
    if "{slug}" in path:
        if not slug:
            raise ValueError(f"a {kind} feed needs a slug")
        path = path.format(slug=slug)
    address = site_root() + path + "?" + urlencode(query)
    webcal = "webcal://" + address.split("://", 1)[1] if "://" in address else address
    return FeedLink(https=address, webcal=webcal)


def atom_feed_url(query: dict[str, str] | None = None, lang: str | None = None) -> str:
    """The Atom feed of upcoming events with the page's filters and language (English is the
    default and goes unsaid)."""
    args = dict(query or {})
    args.pop("when", None)
    if lang and lang != "en":
        args["lang"] = lang
    address = site_root() + "/events.atom"
    return address + ("?" + urlencode(args) if args else "")


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(
    title: str, starts_at: datetime, ends_at: datetime, details: str, location: str
) -> str:
    """A one-click 'add to Google Calendar' link; the times are given in UTC."""
    query = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_utc_stamp(starts_at)}/{_utc_stamp(ends_at)}",
        "details": details,
        "location": location,
    }
    return f"{GOOGLE_CALENDAR}?{urlencode(query)}"


def outlook_calendar_url(
    title: str, starts_at: datetime, ends_at: datetime, details: str, location: str
) -> str:
    """A one-click 'add to Outlook on the web' link; the times are given in UTC."""
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "enddt": ends_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": details,
        "location": location,
    }
    return f"{OUTLOOK_WEB}?{urlencode(query)}"


def register_link_helpers(app) -> None:
    from planner.countries import country_name

    def country_label(code: str) -> str:
        return country_name(code, current_language())

    from planner.events.headings import events_in_country

    app.jinja_env.globals.update(
        feed_url=feed_url,
        atom_feed_url=lambda query=None: atom_feed_url(query, current_language()),
        absolute_url=absolute_url,
        country_name=country_label,
        page_in_language=page_in_language,
        events_in_country=events_in_country,
    )
