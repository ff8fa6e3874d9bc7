"""Markdown written by organisers, rendered to safe HTML (an allow-list) or to plain text."""

from __future__ import annotations

from html import unescape

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# 'commonmark' without raw HTML: whatever HTML is typed is shown as text, then nh3 keeps only
# the allow-listed tags below (a second line of defence).
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

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
    "h2",
    "h3",
    "h4",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str | None) -> Markup:
    """Organiser-written Markdown as sanitised HTML, safe to put in a page."""
    if not text:
        return Markup("")
    html = _markdown.render(text)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)


def markdown_to_text(text: str | None) -> str:
    """The words of a Markdown text without its markup (for feeds and summaries)."""
    if not text:
        return ""
    html = _markdown.render(text)
    plain = nh3.clean(html, tags=set(), strip_comments=True)
    # nh3 keeps entities; turn them back into characters.
    lines = [line.strip() for line in unescape(plain).splitlines()]
    return "\n".join(line for line in lines if line).strip()
