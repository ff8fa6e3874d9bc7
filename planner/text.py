"""Plain text from user text: control characters out, Markdown turned into readable text.

Used wherever markup cannot go: calendar feeds, structured data, calendar links.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

# C0 and C1 control characters and DEL; tab and line breaks are handled before these go.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Never shown as text: the replacement character, non-characters, and the bidirectional
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) that can reorder a line.
_UNWANTED = re.compile(
    "[\ufffd\ufdd0-\ufdef\u202a-\u202e\u2066-\u2069"
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
    )
    + "]"
)
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")

# Raw HTML is text here as on the page (planner.markdown): `<Main gate>` reads the same.
_markdown = MarkdownIt("commonmark", {"html": False}).enable("strikethrough")


def one_line(text: str | None) -> str:
    """A single line: line breaks and tabs become spaces, control characters go."""
    if not text:
        return ""
    text = _LINE_BREAKS.sub(" ", text).replace("\t", " ")
    return _SPACES.sub(" ", _remove_unwanted(text)).strip()


def multi_line(text: str | None) -> str:
    """Text that keeps its line breaks (as \\n) but loses every other control character."""
    if not text:
        return ""
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    lines = [_SPACES.sub(" ", line).strip() for line in _remove_unwanted(text).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _remove_unwanted(text: str) -> str:
    return _UNWANTED.sub("", _CONTROL.sub("", text))


def markdown_to_text(source: str | None) -> str:
    """Markdown as a calendar shows it: paragraphs, list bullets and link targets, no markup."""
    if not source:
        return ""
    # Cleaned before parsing: the parser would turn a NUL into U+FFFD.
    source = _remove_unwanted(_LINE_BREAKS.sub("\n", source))
    out: list[str] = []
    lists: list[list[int | None]] = []  # per open list: the next number, or None for bullets
    for token in _markdown.parse(source):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = token.attrGet("start")
            lists.append([int(start) if start else 1] if kind == "ordered_list_open" else [None])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            out.append("\n")
        elif kind == "list_item_open":
            marker = lists[-1][0] if lists else None
            indent = "  " * (len(lists) - 1)
            if marker is None:
                out.append(f"{indent}- ")
            else:
                out.append(f"{indent}{marker}. ")
                lists[-1][0] = marker + 1
        elif kind == "inline":
            out.append(_inline_text(token.children or []))
        elif kind in ("fence", "code_block"):
            out.append(token.content.rstrip("\n") + "\n\n")
        elif kind in ("paragraph_close", "heading_close"):
            out.append("\n" if lists and token.hidden else "\n\n")
        elif kind == "hr":
            out.append("\n")
    return multi_line("".join(out))


def _inline_text(children) -> str:
    parts: list[str] = []
    link_stack: list[tuple[str, int]] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "image":
            parts.append(child.content or "")
        elif kind == "link_open":
            link_stack.append((str(child.attrGet("href") or ""), len(parts)))
        elif kind == "link_close" and link_stack:
            href, start = link_stack.pop()
            label = "".join(parts[start:])
            if href and href != label and href.removeprefix("mailto:") != label:
                parts.append(f" ({href})")
    return "".join(parts)
