"""The snippets a partner site pastes to show a filtered listing."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from markupsafe import escape

from planner.i18n import current_language
from planner.urls import public_url

SNIPPET_FILTERS = ("organisation", "venue", "commemoration", "country")
FALLBACK_HEIGHT = 480


@dataclass(frozen=True)
class Snippets:
    script: str
    iframe: str
    preview_src: str
    preview_frame: str


def embed_snippets(filter_name: str, filter_value: str) -> Snippets:
    """The script and plain-iframe forms for one filter, and where the live preview loads."""
    if filter_name not in SNIPPET_FILTERS:
        raise ValueError(f"an embed is filtered by one of {SNIPPET_FILTERS}, not {filter_name!r}")
    name, value = escape(filter_name), escape(filter_value)
    title = escape(gettext("Remembrance events"))
    # The language is spelled out so that the partner sees where to change it.
    lang = current_language()
    script = (
        f'<script src="{public_url("/embed.js")}" data-{name}="{value}" data-lang="{lang}" '
        "async></script>"
    )
    listing = escape(public_url("/embed/events", {filter_name: filter_value, "lang": lang}))
    iframe = (
        f'<iframe src="{listing}" title="{title}" width="100%" height="{FALLBACK_HEIGHT}" '
        f'loading="lazy" style="border:0"></iframe>'
    )
    frame = f"embed-preview-{filter_name}"
    preview_src = public_url("/embed/events", {filter_name: filter_value, "frame": frame})
    return Snippets(script=script, iframe=iframe, preview_src=preview_src, preview_frame=frame)
