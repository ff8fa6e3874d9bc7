"""What a listing shows, said in its heading: "Upcoming events in Latvia".

A heading naming a country is one whole sentence per language where the country is one the
service is written for (Latvian needs "Latvijā", Lithuanian "Lietuvoje"); other countries and the
other filters follow a colon, where every language keeps the name as it is.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from planner.countries import country_name
from planner.i18n import current_language

_IN_COUNTRY = {
    ("upcoming", "EE"): _l("Upcoming events in Estonia"),
    ("upcoming", "LV"): _l("Upcoming events in Latvia"),
    ("upcoming", "LT"): _l("Upcoming events in Lithuania"),
    ("past", "EE"): _l("Past events in Estonia"),
    ("past", "LV"): _l("Past events in Latvia"),
    ("past", "LT"): _l("Past events in Lithuania"),
    ("all", "EE"): _l("Events in Estonia"),
    ("all", "LV"): _l("Events in Latvia"),
    ("all", "LT"): _l("Events in Lithuania"),
}


def _plain(when: str) -> str:
    if when == "past":
        return gettext("Past events")
    if when == "upcoming":
        return gettext("Upcoming events")
    return gettext("Events")


def events_in_country(code: str, when: str = "all", lang: str | None = None) -> str:
    """'Upcoming events in Latvia' (`when`: upcoming, past or all)."""
    code = code.upper()
    sentence = _IN_COUNTRY.get((when, code))
    if sentence is not None:
        return str(sentence)
    return gettext(
        "%(events)s: %(scope)s",
        events=_plain(when),
        scope=country_name(code, lang or current_language()),
    )


def listing_heading(filters) -> str:
    """The heading of a filtered listing (/events, the embed): what it shows."""
    when = "past" if filters.past else "upcoming"
    heading = events_in_country(filters.country, when) if filters.country else _plain(when)
    scopes = []
    if filters.commemoration is not None:
        scopes.append(filters.commemoration.distinct_name())
    scopes += [found.display_name() for found in (filters.organisation, filters.venue) if found]
    if filters.text:
        scopes.append(gettext("“%(words)s”", words=filters.text))
    if not scopes:
        return heading
    return gettext("%(events)s: %(scope)s", events=heading, scope=", ".join(scopes))
