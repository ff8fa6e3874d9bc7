"""Content in several languages: texts stored as {language: text} with a fallback."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from babel.languages import get_official_languages
from flask import current_app, has_app_context
from flask.globals import _cv_app
from flask_babel import get_locale, get_translations
from werkzeug.datastructures import LanguageAccept

from config import Config
from planner.db import ValidationError

# The languages the service speaks, declared once (in the configuration).
LANGUAGES: tuple[str, ...] = tuple(Config.LANGUAGES)
# Content may also be written in the languages of other observing countries.
CONTENT_LANGUAGES = (*LANGUAGES, "ro", "uk", "ru", "pl", "fi", "de")


def N_(msgid: str) -> str:
    """Mark a message for `make messages`; it is translated where it is used, with gettext."""
    return msgid


def choose_language(
    chosen: str | None, accepted: LanguageAccept | None, languages: Sequence[str]
) -> str:
    """The reader's language: the one chosen (`?lang=`, else the language cookie) if the service
    speaks it, else the browser's best match, else the first."""
    if chosen in languages:
        return chosen  # type: ignore[return-value]
    return (accepted.best_match(languages) if accepted else None) or languages[0]


def _babel_state() -> Any:
    """Flask-Babel's per-context namespace (where it keeps the locale it worked out, and
    `force_locale` puts another), read without its proxies: a page asks for the language
    hundreds of times."""
    context = _cv_app.get(None)
    if context is None:
        return None
    return context.g.__dict__.get("_flask_babel")


def current_language() -> str:
    """The language of the current request, or English outside one."""
    locale = getattr(_babel_state(), "babel_locale", None)
    if locale is not None:
        return locale.language
    if has_app_context():
        try:
            locale = get_locale()
        except RuntimeError:
            locale = None
        if locale is not None:
            return locale.language
    return "en"


def current_translations() -> Any:
    """Flask-Babel's translations for the current locale, kept beside that locale for the
    context, so that each of a template's many messages does not look them up again."""
    state = _babel_state()
    locale = getattr(state, "babel_locale", None)
    kept = getattr(state, "planner_translations", None)
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    state = _babel_state()
    locale = getattr(state, "babel_locale", None)
    if state is not None and locale is not None:
        state.planner_translations = (locale, translations)
    return translations


class LocalText(str):
    """Text picked from a {language: text} mapping, knowing the language it is written in, so
    that a page can mark text shown in another language than its own (`lang` attribute)."""

    lang: str

    def __new__(cls, text: str, lang: str) -> LocalText:
        value = super().__new__(cls, text)
        value.lang = lang
        return value


@lru_cache(maxsize=512)
def _official_languages(code: str) -> tuple[str, ...]:
    # Babel's territory data does not change while the process runs; every name on a page
    # asks for its country's languages.
    return tuple(lang for lang in get_official_languages(code) if lang in CONTENT_LANGUAGES)


def country_languages(countries: Iterable[str]) -> tuple[str, ...]:
    """The content languages the given countries speak officially, in order: EE -> et."""
    found: list[str] = []
    for code in countries:
        for lang in _official_languages(code.upper()):
            if lang not in found:
                found.append(lang)
    return tuple(found)


def pick(
    texts: Mapping[str, str] | None,
    lang: str | None = None,
    originals: Iterable[str] = (),
) -> LocalText:
    """`texts` in `lang`, else in the language it was written in (`originals`: the languages of
    the place or group it belongs to, in order), else English, else the first language it has
    (sorted, so stable). The result knows its language (LocalText.lang)."""
    lang = lang or current_language()
    if not texts:
        return LocalText("", lang)
    for candidate in (lang, *originals, "en"):
        if texts.get(candidate):
            return LocalText(texts[candidate], candidate)
    for key in sorted(texts):
        if texts[key]:
            return LocalText(texts[key], key)
    return LocalText("", lang)


def clean_texts(field: str, texts: Mapping[str, str] | None, *, required: bool) -> dict[str, str]:
    """Validate a {language: text} mapping: known language codes, stripped, empties dropped."""
    if texts is None:
        texts = {}
    if not isinstance(texts, Mapping):
        raise ValidationError(field, "must map language codes to text")
    cleaned: dict[str, str] = {}
    for lang, text in texts.items():
        if lang not in CONTENT_LANGUAGES:
            raise ValidationError(field, f"unknown language code {lang!r}")
        if text is None:
            continue
        if not isinstance(text, str):
            raise ValidationError(field, "must be text")
        text = text.strip()
        if text:
            cleaned[lang] = text
    if required and not cleaned:
        raise ValidationError(field, "is required in at least one language")
    return cleaned


def configured_languages() -> tuple[str, ...]:
    if has_app_context():
        return tuple(current_app.config["LANGUAGES"])
    return LANGUAGES
