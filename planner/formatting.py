"""Dates, times and ordinals for the reader's locale (Babel), always in the event's own zone."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_time, get_day_names, get_month_names
from flask import Flask
from flask_babel import get_translations, gettext
from markupsafe import Markup

from planner.commemorations.models import ordinal_en
from planner.i18n import current_language, current_translations, pick
from planner.sentence_dates import date_in_sentence


@lru_cache(maxsize=64)
def _locale(identifier: str) -> Locale:
    return Locale.parse(identifier)


def babel_locale(lang: str | None = None) -> Locale:
    """The Babel locale for a language; English dates are written the British way (14 June).
    Parsed once per language: each date and time on a page would parse it again."""
    lang = lang or current_language()
    return _locale("en_GB" if lang == "en" else lang)


def long_date(day: date | datetime, lang: str | None = None) -> str:
    """'Monday, 14 June 2027' in the reader's language."""
    if isinstance(day, datetime):
        day = day.date()
    return format_date(day, "full", locale=babel_locale(lang))


def medium_date(day: date | datetime, lang: str | None = None) -> str:
    if isinstance(day, datetime):
        day = day.date()
    return format_date(day, "d MMM y", locale=babel_locale(lang))


def clock(moment: datetime, lang: str | None = None) -> str:
    """'18:00' (or '6:00 PM' where the locale says so), in the time's own zone."""
    return format_time(moment, "short", tzinfo=moment.tzinfo, locale=babel_locale(lang))


def time_range(event, lang: str | None = None) -> str:
    """'18:00–19:30 EEST (Europe/Riga)': local times with the zone named."""
    start, end = event.local_start, event.local_end
    text = f"{clock(start, lang)}–{clock(end, lang)}"
    if end.date() != start.date():
        text = f"{clock(start, lang)} – {medium_date(end, lang)} {clock(end, lang)}"
    return f"{text} {start.tzname()} ({event.timezone})"


def month_caption(first: date, lang: str | None = None) -> str:
    """'June 2027', 'juuni 2027', '2027. gada jūnijs', '2027 m. birželis'."""
    names = get_month_names("wide", context="stand-alone", locale=babel_locale(lang))
    return gettext("%(month)s %(year)s", month=names[first.month], year=first.year)


def weekday_names(lang: str | None = None) -> list[tuple[str, str]]:
    """(abbreviated, full) names of the weekdays, Monday first, in the reader's language."""
    locale = babel_locale(lang)
    short = get_day_names("abbreviated", context="stand-alone", locale=locale)
    wide = get_day_names("wide", context="stand-alone", locale=locale)
    return [(short[number], wide[number]) for number in range(7)]


def ordinal(number: int, lang: str | None = None) -> str:
    """The ordinal of an anniversary: '86th', '86.' (et, lv), '86-osios' (lt).

    Lithuanian writes the ordinal with its ending, agreeing with "metinės" (anniversary),
    the only noun it is used with.
    """
    lang = lang or current_language()
    if lang == "en":
        return ordinal_en(number)
    if lang == "lt":
        return f"{number}-osios"
    return f"{number}."


def _ordinal_in(msgid: str, number: int, lang: str | None) -> str:
    """The ordinal written as the sentence around it is: until a catalogue translates the
    sentence it stays English, so '86th anniversary', never '86. anniversary'."""
    if get_translations().gettext(msgid) == msgid:
        lang = "en"
    return ordinal(number, lang)


def anniversary_label(commemoration, on: date, lang: str | None = None) -> str:
    """'86th anniversary of the June deportation of 1941', or '' when the year is unknown."""
    number = commemoration.anniversary(on)
    if number is None:
        return ""
    return gettext(
        "%(ordinal)s anniversary of the %(name)s",
        ordinal=_ordinal_in("%(ordinal)s anniversary of the %(name)s", number, lang),
        name=commemoration.display_name(lang),
    )


def anniversary_short(commemoration, on: date, lang: str | None = None) -> str:
    """'86th anniversary', where the commemoration's name is already on the page; or ''."""
    number = commemoration.anniversary(on)
    if number is None:
        return ""
    return gettext(
        "%(ordinal)s anniversary", ordinal=_ordinal_in("%(ordinal)s anniversary", number, lang)
    )


def wall_clock(event) -> str:
    """'18:00–19:30' as a passer-by reads it on a poster: the local time, no zone names."""
    start, end = event.local_start, event.local_end
    if end.date() != start.date():
        return f"{clock(start)} – {medium_date(end)} {clock(end)}"
    return f"{clock(start)}–{clock(end)}"


def foreign_lang(text) -> str:
    """The language `text` is in when it is not the page's (LocalText from a fallback), else ''."""
    lang = getattr(text, "lang", None)
    return lang if text and lang and lang != current_language() else ""


def in_lang(text) -> Markup | str:
    """Text shown in another language than the page's, wrapped so screen readers say it right."""
    lang = foreign_lang(text)
    if not lang:
        return text
    return Markup('<span lang="%s">%s</span>') % (lang, text)


def lang_attr(text) -> Markup:
    """' lang="et"' for an element holding text in another language than the page's."""
    lang = foreign_lang(text)
    return Markup(' lang="%s"') % lang if lang else Markup("")


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(
        long_date=long_date,
        medium_date=medium_date,
        clock=clock,
        pick=pick,
        in_sentence=date_in_sentence,
        in_lang=in_lang,
        lang_attr=lang_attr,
    )
    app.jinja_env.globals.update(
        time_range=time_range,
        wall_clock=wall_clock,
        anniversary_label=anniversary_label,
        anniversary_short=anniversary_short,
        current_language=current_language,
    )
    # Flask-Babel's callables find the translations through its proxies for every message
    # of a template; these keep them for the request (current_translations).
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: current_translations().ugettext(string),
        ngettext=lambda singular, plural, n: current_translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: current_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: current_translations().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
