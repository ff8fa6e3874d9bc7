"""The embed's own parameters (limit, lang, theme, accent, frame) and its colours."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from planner.errors import BadParameter
from planner.web import parse_lang

DEFAULT_LIMIT = 10
MAX_LIMIT = 50
THEMES = ("light", "dark")
# The listing's background in each theme; the accent is kept readable against it.
BACKGROUNDS = {"light": "#ffffff", "dark": "#1b1b1d"}
DEFAULT_ACCENTS = {"light": "#6b2230", "dark": "#e7a5b1"}
MIN_TEXT_CONTRAST = 4.5
MIN_GRAPHIC_CONTRAST = 3.0
_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_FRAME_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class EmbedOptions:
    """How the listing looks: validated, so a bad value is a 400 that names it."""

    limit: int = DEFAULT_LIMIT
    lang: str | None = None
    theme: str = "light"
    accent: str | None = None  # '#rrggbb' as given (normalised), or None for the default
    frame: str | None = None

    @classmethod
    def from_args(cls, args: MultiDict) -> EmbedOptions:
        return cls(
            limit=_parse_limit(args.get("limit")),
            lang=parse_lang(args, default=None),
            theme=_parse_choice("theme", args.get("theme"), THEMES) or "light",
            accent=parse_accent(args.get("accent")),
            frame=_parse_frame(args.get("frame")),
        )

    @property
    def bar_colour(self) -> str:
        """The accent bar beside each event: at least 3:1 against the background (WCAG 1.4.11)."""
        accent = self.accent or DEFAULT_ACCENTS[self.theme]
        return readable_colour(accent, BACKGROUNDS[self.theme], MIN_GRAPHIC_CONTRAST)

    @property
    def link_colour(self) -> str:
        """The accent, darkened or lightened just enough to be readable as link text."""
        return readable_colour(self.accent or DEFAULT_ACCENTS[self.theme], BACKGROUNDS[self.theme])


def _parse_limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise BadParameter("limit", gettext("%(value)r is not a whole number", value=raw)) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise BadParameter("limit", gettext("use a number from 1 to %(max)d", max=MAX_LIMIT))
    return limit


def _parse_choice(name: str, raw: str | None, choices: tuple[str, ...]) -> str | None:
    if raw is None or raw == "":
        return None
    if raw not in choices:
        raise BadParameter(
            name,
            gettext("%(value)r is not one of: %(choices)s", value=raw, choices=", ".join(choices)),
        )
    return raw


def parse_accent(raw: str | None) -> str | None:
    """'6b2230', '#6b2230' or '#b23' as '#6b2230' / '#bb2233'; anything else is a 400."""
    if raw is None or raw == "":
        return None
    match = _HEX.fullmatch(raw.strip())
    if match is None:
        raise BadParameter(
            "accent",
            gettext(
                "%(value)r is not a colour; write it as six hexadecimal digits, e.g. 6b2230",
                value=raw,
            ),
        )
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(char * 2 for char in digits)
    return "#" + digits


def _parse_frame(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    if not _FRAME_ID.fullmatch(raw):
        raise BadParameter("frame", gettext("use up to 64 letters, digits, hyphens or underscores"))
    return raw


def frame_id(raw: str | None) -> str | None:
    """The frame's name if it is a valid one, else None (for pages that must not fail)."""
    return raw if raw and _FRAME_ID.fullmatch(raw) else None


def _channels(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of '#rrggbb'."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in _channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_colour(colour: str, background: str, minimum: float = MIN_TEXT_CONTRAST) -> str:
    """`colour`, mixed step by step towards black or white until it reads on `background`."""
    target = (0, 0, 0) if relative_luminance(background) > 0.5 else (255, 255, 255)
    start = _channels(colour)
    for step in range(21):
        share = step / 20
        mixed = "#" + "".join(
            f"{round(channel + (goal - channel) * share):02x}"
            for channel, goal in zip(start, target, strict=True)
        )
        if contrast_ratio(mixed, background) >= minimum:
            return mixed
    return "#000000" if target == (0, 0, 0) else "#ffffff"
