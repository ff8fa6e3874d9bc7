"""Labels that tell commemorations apart: two days may bear the same name in a language.

In Latvian both 14 June and 25 March are "Komunistiskā genocīda upuru piemiņas diena" (by
law). Wherever commemorations are listed or named, a name shared with another commemoration in
the reader's language carries the day it falls on: "… (14. jūnijs)".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from babel.dates import format_skeleton
from flask_babel import gettext
from sqlalchemy import select

from planner.commemorations.models import Commemoration
from planner.extensions import db
from planner.i18n import LocalText, current_language

# A leap year, so that a rule on 29 February still has a day to show.
_SAMPLE_YEAR = 2028


def _babel_locale(lang: str) -> str:
    return "en_GB" if lang == "en" else lang


def day_of_year_label(commemoration: Commemoration, lang: str) -> str:
    """The day the commemoration falls on, as a calendar names it: '14 June', '14. jūnijs',
    '14. juuni', 'birželio 14 d.'; a rule by weekday gives its day in the coming year."""
    parts = dict(part.split("=", 1) for part in commemoration.rrule.split(";") if "=" in part)
    fixed = parts.get("BYMONTH", "").isdigit() and parts.get("BYMONTHDAY", "").isdigit()
    if fixed:
        try:
            day = date(_SAMPLE_YEAR, int(parts["BYMONTH"]), int(parts["BYMONTHDAY"]))
        except ValueError:  # a broken rule written straight into the database
            return commemoration.slug
        return format_skeleton("MMMMd", day, locale=_babel_locale(lang))
    coming = commemoration.next_occurrence()
    if coming is None:
        return commemoration.slug
    return format_skeleton("yMMMMd", coming, locale=_babel_locale(lang))


def capitalise(text: str) -> str:
    """A name as it starts a line or heading: Estonian day names are written in lower case
    ("leinapäev") and take a capital only there."""
    return text[:1].upper() + text[1:]


def distinct_labels(
    commemorations: Iterable[Commemoration], lang: str | None = None
) -> dict[int, LocalText]:
    """{id: label} in `lang`: the name, and where two share it, the name with its day.

    A shared name whose days also coincide (two rules on one date) gets the slug as well, so
    no two labels are ever equal."""
    lang = lang or current_language()
    items = list(commemorations)
    names = {item.id: item.display_name(lang) for item in items}
    shared = Counter(name.casefold() for name in names.values())
    labels: dict[int, str] = {}
    for item in items:
        name = names[item.id]
        if shared[name.casefold()] > 1:
            name = gettext("%(name)s (%(day)s)", name=name, day=day_of_year_label(item, lang))
        labels[item.id] = LocalText(capitalise(name), getattr(names[item.id], "lang", lang))
    again = Counter(label.casefold() for label in labels.values())
    for item in items:
        if again[labels[item.id].casefold()] > 1:
            labels[item.id] = LocalText(f"{labels[item.id]} [{item.slug}]", labels[item.id].lang)
    return labels


def all_labels(lang: str | None = None) -> dict[int, str]:
    """Distinct labels of every commemoration (one query)."""
    return distinct_labels(db.session.execute(select(Commemoration)).scalars(), lang)


def label(commemoration: Commemoration, lang: str | None = None) -> str:
    """The commemoration's name as it should be shown where others may bear the same name."""
    return all_labels(lang).get(commemoration.id) or commemoration.display_name(lang)
