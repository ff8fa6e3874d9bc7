"""Content in several languages: texts stored as {language: text} with a fallback."""

from __future__ import annotations

from collections.abc import Mapping

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


def pick(texts: Mapping[str, str] | None, lang: str | None = None) -> str:
    """`texts` in `lang`, else English, else the first language it has (sorted, so stable)."""
    if not texts:
        return ""
    lang = lang or current_language()
    for candidate in (lang, "en"):
        if texts.get(candidate):
            return texts[candidate]
    for key in sorted(texts):
        if texts[key]:
            return texts[key]
    return ""


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
