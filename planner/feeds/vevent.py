"""Writing one event's VEVENT straight to bytes, as `icalendar` 7 writes the same component.

A feed of 10,000 events spends most of its build in the library's generic machinery: type
inference and parameter objects for every property, then a character-by-character fold of
every line. Here the lines are formatted directly: the properties whose values repeat across
events (LOCATION, GEO, CATEGORIES, STATUS, ORGANIZER, CONTACT and the TZID of a start) are
written once per distinct value by the library itself and remembered; the ones unique to an
event (times, UID, SUMMARY, DESCRIPTION, URL, SEQUENCE) are formatted by the library's rules
(RFC 5545 text escaping, date-time form), and lines are folded as the library folds them.
tests/test_feeds_vevent.py holds this to the library's bytes for awkward values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from icalendar import Event as VEvent
from icalendar import vCalAddress, vText


@dataclass(frozen=True)
class Organiser:
    """One host as a VEVENT names it: ORGANIZER (with its address) or CONTACT."""

    name: str
    page: str
    email: str | None  # set for the ORGANIZER only


@dataclass(frozen=True)
class EventValues:
    """Everything one event's VEVENT holds, before it is written."""

    uid: str
    stamp: datetime
    start: datetime
    end: datetime
    summary: str
    description: str
    location: str
    geo: tuple[float, float] | None
    url: str
    categories: tuple[str, ...]
    status: str
    sequence: int
    created: datetime
    organisers: tuple[Organiser, ...]


BEGIN = b"BEGIN:VEVENT\r\n"
END = b"END:VEVENT\r\n"
# The library's fold: at most 74 octets a line, continuation lines start with a space.
LIMIT = 75
FOLD = b"\r\n "
ESCAPES = b"\\^"


def write_event(values: EventValues) -> bytes:
    """The VEVENT's bytes; properties in the library's order (its canonical ones first, then
    by name; several values of one property in the order they were added)."""
    lines = [
        BEGIN,
        fold(f"SUMMARY:{_escape(values.summary)}"),
        _datetime_line("DTSTART", values.start),
        _datetime_line("DTEND", values.end),
        _utc_line("DTSTAMP", values.stamp),
        fold(f"UID:{_escape(values.uid)}"),
        b"SEQUENCE:%d\r\n" % values.sequence,
        _library_line("CATEGORIES", values.categories),
    ]
    lines.extend(
        _organiser_line(organiser) for organiser in values.organisers if not organiser.email
    )
    lines.append(_utc_line("CREATED", values.created))
    if values.description:
        lines.append(fold(f"DESCRIPTION:{_escape(values.description)}"))
    if values.geo is not None:
        lines.append(_library_line("GEO", values.geo))
    lines.append(_utc_line("LAST-MODIFIED", values.stamp))
    lines.append(_library_line("LOCATION", values.location))
    lines.extend(_organiser_line(organiser) for organiser in values.organisers if organiser.email)
    lines.append(_library_line("STATUS", values.status))
    lines.append(fold(f"URL:{values.url}"))
    lines.append(END)
    return b"".join(lines)


def _escape(text: str) -> str:
    """RFC 5545 TEXT escaping, in the library's order (icalendar.parser.string)."""
    return (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _stamp(moment: datetime) -> str:
    return (
        f"{moment.year:04}{moment.month:02}{moment.day:02}"
        f"T{moment.hour:02}{moment.minute:02}{moment.second:02}"
    )


def _utc_line(name: str, moment: datetime) -> bytes:
    # DTSTAMP, CREATED and LAST-MODIFIED: the library turns them into UTC.
    return f"{name}:{_stamp(moment.astimezone(UTC))}Z\r\n".encode()


def _datetime_line(name: str, moment: datetime) -> bytes:
    if moment.tzinfo is UTC:
        return f"{name}:{_stamp(moment)}Z\r\n".encode()
    return fold(_zone_prefix(name, moment.tzinfo.key) + _stamp(moment))


@lru_cache(maxsize=256)
def _zone_prefix(name: str, zone_name: str) -> str:
    """`DTSTART;TZID=…:` as the library writes it for a local time in this zone."""
    from zoneinfo import ZoneInfo

    line = _unfolded(name, datetime(2001, 1, 1, 12, tzinfo=ZoneInfo(zone_name)))
    prefix = line[: line.rindex(":") + 1]
    if ";TZID=" not in prefix:
        raise ValueError(f"the library writes no TZID for {zone_name}")
    return prefix


@lru_cache(maxsize=4096)
def _library_line(name: str, value) -> bytes:
    """A property whose value repeats across events, written by the library once."""
    if isinstance(value, tuple) and name == "CATEGORIES":
        value = list(value)
    return fold(_unfolded(name, value))


@lru_cache(maxsize=4096)
def _organiser_line(organiser: Organiser) -> bytes:
    if organiser.email:
        address = vCalAddress(f"mailto:{organiser.email}")
        address.params["CN"] = vText(organiser.name)
        return fold(_unfolded("ORGANIZER", address))
    text = vText(f"{organiser.name}, {organiser.page}")
    return fold(_unfolded("CONTACT", text, {"ALTREP": organiser.page}))


def _unfolded(name: str, value, parameters=None) -> str:
    component = VEvent()
    component.add(name, value, parameters=parameters)
    return str(component.content_line(name, component[name]))


def fold(line: str) -> bytes:
    """The line as the library folds it (icalendar.parser.string._foldline), with its CRLF.

    The library cuts before the character that would bring a line to 75 octets, so each
    line holds the longest run of whole characters within 74 octets; a cut never separates a
    backslash or a caret from the character after it (it moves to the next line). The same
    on the UTF-8 bytes: back from 74 octets to the start of a character, then before a
    trailing backslash or caret.
    """
    data = line.encode()
    size = len(data)
    if size < LIMIT:
        return data + b"\r\n"
    parts = []
    start = 0
    while size - start >= LIMIT:
        cut = start + LIMIT - 1
        while data[cut] & 0xC0 == 0x80:  # inside a character: cut before it
            cut -= 1
        if data[cut - 1] in ESCAPES:
            cut -= 1
        parts.append(data[start:cut])
        start = cut
    parts.append(data[start:])
    return FOLD.join(parts) + b"\r\n"
