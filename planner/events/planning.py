"""The rules behind the planning forms: suggested titles, local times, hosts.

Views and forms call these; the lifecycle itself (publish, postpone, …) is in operations.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from flask_babel import force_locale, get_translations, gettext, lazy_gettext

from planner.accounts.permissions import can_plan_for, plannable_organisations
from planner.commemorations.models import Commemoration
from planner.db import ValidationError
from planner.events.fields import FORM_LANGUAGES
from planner.events.labels import KIND_LABELS
from planner.events.models import Event, EventKind
from planner.extensions import db
from planner.formatting import ordinal
from planner.i18n import N_
from planner.organisations.models import Organisation
from planner.timeutil import local_to_utc
from planner.venues.models import Venue

# The language of each country whose language the interface speaks.
COUNTRY_LANGUAGES = {"EE": "et", "LV": "lv", "LT": "lt"}

LANGUAGE_NAMES = {
    "en": lazy_gettext("English"),
    "et": lazy_gettext("Estonian"),
    "lv": lazy_gettext("Latvian"),
    "lt": lazy_gettext("Lithuanian"),
}

_TITLE_WITH_ANNIVERSARY = N_("%(kind)s — %(ordinal)s anniversary of %(name)s")
_TITLE_WITHOUT_ANNIVERSARY = N_("%(kind)s — %(name)s")
# For an event of no named kind, the anniversary alone.
_ANNIVERSARY_ONLY = N_("%(ordinal)s anniversary of %(name)s")


def venue_language(venue: Venue | None) -> str | None:
    """The language of the venue's country, when the form offers it (LV -> lv)."""
    if venue is None:
        return None
    return COUNTRY_LANGUAGES.get(venue.country)


def _translated(msgid: str) -> bool:
    return get_translations().gettext(msgid) != msgid


def suggest_title(
    commemoration: Commemoration,
    day: date,
    lang: str = "en",
    kind: EventKind | str = EventKind.VIGIL,
) -> str:
    """A title naming the kind and the anniversary, e.g.
    'Vigil — 86th anniversary of the June deportation of 1941'."""
    kind = EventKind(kind)
    with force_locale(lang):
        name = commemoration.display_name(lang)
        if lang == "en" and not name.lower().startswith("the "):
            name = f"the {name}"
        number = commemoration.anniversary(day)
        kind_label = str(KIND_LABELS[kind])
        if kind == EventKind.OTHER:
            if number is None:
                return commemoration.display_name(lang)
            return gettext(_ANNIVERSARY_ONLY, ordinal=ordinal(number, lang), name=name)
        if number is None:
            return gettext(_TITLE_WITHOUT_ANNIVERSARY, kind=kind_label, name=name)
        return gettext(
            _TITLE_WITH_ANNIVERSARY, kind=kind_label, ordinal=ordinal(number, lang), name=name
        )


def suggested_titles(
    commemoration: Commemoration,
    day: date,
    kind: EventKind | str,
    languages: Iterable[str] = FORM_LANGUAGES,
) -> dict[str, str]:
    """Suggested titles in English and in each language whose wording has been translated
    (an untranslated suggestion would put English words in a Latvian field)."""
    titles = {}
    for lang in languages:
        if lang != "en":
            with force_locale(lang):
                if not _translated(_TITLE_WITH_ANNIVERSARY):
                    continue
        titles[lang] = suggest_title(commemoration, day, lang, kind)
    return titles


def suggestion_languages(interface: str, venue: Venue | None) -> tuple[str, ...]:
    """The languages a suggestion fills: those the organiser is looking at (English, the
    interface's language) and the one the venue's country speaks; never the others, which
    would be published unseen."""
    wanted = {"en", interface, venue_language(venue)}
    return tuple(lang for lang in FORM_LANGUAGES if lang in wanted)


def read_suggestions(raw: str | None) -> dict[str, str]:
    """The titles last suggested, as the form carried them back (JSON {lang: title});
    anything else is no suggestion."""
    try:
        found = json.loads(raw or "{}")
    except ValueError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {
        lang: title
        for lang, title in found.items()
        if lang in FORM_LANGUAGES and isinstance(title, str)
    }


def fill_suggested_titles(
    titles: Mapping[str, str],
    suggested: Mapping[str, str],
    commemoration: Commemoration,
    day: date,
    kind: EventKind | str,
    languages: Iterable[str],
) -> tuple[dict[str, str], dict[str, str]]:
    """Suggest titles for `languages`: an empty title, or one still as last suggested, gets
    the suggestion; a title the organiser wrote stays. Returns (titles, suggestions now shown)."""
    fresh = suggested_titles(commemoration, day, kind, languages)
    result, shown = dict(titles), {}
    for lang, title in fresh.items():
        current = (titles.get(lang) or "").strip()
        if not current or current == suggested.get(lang):
            result[lang] = shown[lang] = title
    return result, shown


def refresh_suggested_titles(
    titles: Mapping[str, str],
    suggested: Mapping[str, str],
    commemoration: Commemoration | None,
    day: date | None,
    kind: EventKind | str,
) -> tuple[dict[str, str], dict[str, str]]:
    """Titles still as suggested follow a new date, kind or day of remembrance (the
    anniversary in them changes with the year); titles the organiser changed stay."""
    untouched = [
        lang
        for lang, title in suggested.items()
        if title and (titles.get(lang) or "").strip() == title
    ]
    if commemoration is None or day is None or not untouched:
        return dict(titles), {lang: suggested[lang] for lang in untouched}
    return fill_suggested_titles(titles, suggested, commemoration, day, kind, untouched)


def retitled(
    title: Mapping[str, str],
    commemoration: Commemoration,
    kind: EventKind | str,
    old_day: date,
    new_day: date,
) -> dict[str, str]:
    """An event's titles moved on from `old_day` to `new_day` (planning it again next year).

    A title that is the suggestion for the old day becomes the suggestion for the new one;
    another keeps its words, with the year and the anniversary (written as each language
    writes it: '86th', '86.', '86-osios') moved on.
    """
    old_number, new_number = commemoration.anniversary(old_day), commemoration.anniversary(new_day)
    titles = {}
    for lang, text in title.items():
        if text == suggest_title(commemoration, old_day, lang, kind):
            titles[lang] = suggest_title(commemoration, new_day, lang, kind)
            continue
        new = text.replace(str(old_day.year), str(new_day.year))
        if old_number and new_number:
            new = new.replace(ordinal(old_number, lang), ordinal(new_number, lang))
        titles[lang] = new
    return titles


def local_instants(
    day: date, start: time, end: time, zone: str, end_day: date | None = None
) -> tuple[datetime, datetime]:
    """The UTC start and end of an event given as local date and times at the venue.

    A time skipped or repeated by a clock change is refused (with local_to_utc's explanation);
    the end must come after the start. Errors name the form field at fault.
    """
    end_day = end_day or day
    if end_day < day:
        raise ValidationError("end_day", gettext("The end date is before the start date."))
    starts_at = local_to_utc(day, start, zone, "start_time")
    ends_at = local_to_utc(end_day, end, zone, "end_time")
    if ends_at <= starts_at:
        raise ValidationError(
            "end_time",
            gettext(
                "The event must end after it starts. If it ends after midnight, "
                "give the day it ends too."
            ),
        )
    return starts_at, ends_at


def check_title_languages(title: Mapping[str, str], venue: Venue | None) -> None:
    """A title in English or in the language of the venue's country is required."""
    needed = ["en"]
    local = venue_language(venue)
    if local:
        needed.append(local)
    if any((title.get(lang) or "").strip() for lang in needed):
        return
    if local:
        message = gettext(
            "Give the title in English or in %(language)s (the language of the venue's country).",
            language=LANGUAGE_NAMES[local],
        )
    else:
        message = gettext("Give the title in English.")
    raise ValidationError("title_en", message)


def merge_texts(
    old: Mapping[str, str] | None, new: Mapping[str, str], languages: Sequence[str]
) -> dict[str, str]:
    """Texts from the form for its languages, keeping those the form does not show."""
    merged = {lang: text for lang, text in (old or {}).items() if lang not in languages}
    merged.update({lang: text for lang, text in new.items() if text and text.strip()})
    return merged


def resolve_hosts(
    user: Any,
    host: Organisation | None,
    cohosts: Sequence[Organisation] = (),
    event: Event | None = None,
) -> list[Organisation]:
    """The organising groups, host first. The host must be one the user plans for (or stay
    the event's current host); any organisation may be named a co-host."""
    if host is None:
        raise ValidationError("organisation", gettext("Choose the organising group."))
    allowed = set(db.session.execute(plannable_organisations(user)).scalars())
    if event is not None and event.hosts:
        allowed.add(event.hosts[0].organisation)
    if host not in allowed:
        raise ValidationError(
            "organisation", gettext("You can only plan events for your own organisations.")
        )
    if event is not None and event.hosts:
        current = event.hosts[0].organisation
        # A co-host's member edits the event, but does not take it over.
        if host != current and not can_plan_for(user, current):
            raise ValidationError(
                "organisation",
                gettext(
                    "Only members of %(name)s, the main organiser, can change the main organiser.",
                    name=current.display_name(),
                ),
            )
    return [host, *(cohost for cohost in dict.fromkeys(cohosts) if cohost != host)]
