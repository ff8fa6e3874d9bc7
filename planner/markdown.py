"""Markdown for descriptions: rendered by markdown-it-py, then sanitised by an allow-list (nh3).

The one place user Markdown becomes HTML; templates use the `markdown` filter.
"""

from __future__ import annotations

import nh3
from flask import Flask
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "s",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# A description sits under the page's h1 and h2: its headings start at h3.
HEADING_OFFSET = 2

# Raw HTML in the source is shown as text, never passed through; nh3 is the second wall.
_markdown = MarkdownIt("commonmark", {"html": False}).enable("strikethrough")


def _shift_headings(tokens) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + HEADING_OFFSET, 6)
            token.tag = f"h{level}"


def render_markdown(text: str | None) -> Markup:
    """Sanitised HTML for a Markdown text; links keep http(s) and mailto, scripts never pass."""
    if not text:
        return Markup("")
    tokens = _markdown.parse(text)
    _shift_headings(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(cleaned)  # sanitised above by the allow-list


def register_markdown_filter(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
