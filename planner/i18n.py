"""Content in several languages: texts stored as {language: text} with a fallback."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from babel.languages import get_official_languages
from flask import current_app, has_app_context
from flask_babel import get_locale

from config import Config
from planner.db import ValidationError

# The languages the service speaks, declared once (in the configuration).
LANGUAGES: tuple[str, ...] = tuple(Config.LANGUAGES)
# Content may also be written in the languages of other observing countries.
CONTENT_LANGUAGES = (*LANGUAGES, "ro", "uk", "ru", "pl", "fi", "de")


def N_(msgid: str) -> str:
    """Mark a message for `make messages`; it is translated where it is used, with gettext."""
    return msgid


def current_language() -> str:
    """The language of the current request, or English outside one."""
    if has_app_context():
        try:
            locale = get_locale()
        except RuntimeError:
            locale = None
        if locale is not None:
            return locale.language
    return "en"


class LocalText(str):
    """Text picked from a {language: text} mapping, knowing the language it is written in, so
    that a page can mark text shown in another language than its own (`lang` attribute)."""

    lang: str

    def __new__(cls, text: str, lang: str) -> LocalText:
        value = super().__new__(cls, text)
        value.lang = lang
        return value


def country_languages(countries: Iterable[str]) -> tuple[str, ...]:
    """The content languages the given countries speak officially, in order: EE -> et."""
    found: list[str] = []
    for code in countries:
        for lang in _official_languages(code.upper()):
            if lang in CONTENT_LANGUAGES and lang not in found:
                found.append(lang)
    return tuple(found)


@lru_cache(maxsize=512)
def _official_languages(code: str) -> tuple[str, ...]:
    # Babel reads its territory data on every call; a feed asks this for every event.
    return tuple(get_official_languages(code))


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
