"""Reading a calendar file into the occurrences of the coming months, or refusing it whole.

Times: TZID with the file's VTIMEZONE (the icalendar library), UTC, Google's X-WR-TIMEZONE
(x-wr-timezone) and floating times in the organisation's zone. Recurrences are expanded by
recurring-ical-events, lazily, so a rule that repeats every second cannot hang the import.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone
from flask_babel import lazy_gettext as _l

from planner.countries import validate_timezone
from planner.db import ValidationError
from planner.imports.rules import RuleRefused, check_rules, never_occurs
from planner.text import multi_line, one_line

MAX_BYTES = 1_000_000
MAX_EVENTS = 500
MAX_OCCURRENCES = 1000
MAX_LINE = 20_000
WINDOW = timedelta(days=365)
TITLE_LENGTH = 300

# C0 and C1 control characters other than tab and line breaks: no calendar app writes them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_LINE_END = re.compile(r"\r?\n")
_CONTENT_LINE = re.compile(r"[A-Za-z0-9-]+(;[^\r\n]*?)?:")
_TIME_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")


class UnreadableCalendar(Exception):
    """The file cannot be imported; `message` says why in the reader's language."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class Occurrence:
    """One event (or one occurrence of a recurring event) of the file, in UTC."""

    source_key: str
    uid: str
    title: str
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    cancelled: bool
    language: str | None
    categories: tuple[str, ...] = ()


@dataclass
class Reading:
    occurrences: list[Occurrence] = field(default_factory=list)
    # (title, reason) of the file's entries that give no occurrence to import.
    left_out: list[tuple[str, object]] = field(default_factory=list)


def clean_line(text: str) -> str:
    return _BIDI.sub("", one_line(text))


def _text(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise UnreadableCalendar(_l("The file is larger than %(size)d kB.", size=MAX_BYTES // 1000))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableCalendar(
            _l("The file is not an iCalendar file: it is not UTF-8 text.")
        ) from None
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise UnreadableCalendar(
            _l("The file is not an iCalendar file: it does not begin with BEGIN:VCALENDAR.")
        )
    if _CONTROL.search(text):
        raise UnreadableCalendar(
            _l("The file holds control characters, which no calendar app writes.")
        )
    _check_lines(text)
    return text


def _check_lines(text: str) -> None:
    """Every content line (folded lines joined) is NAME[;PARAMS]:VALUE and not too long; the
    message names the line as an editor numbers it."""
    started, length = 0, 0
    # Split on CRLF or LF only: U+2028 and the like are text within a line.
    for number, line in enumerate(_LINE_END.split(text), start=1):
        if line[:1] in (" ", "\t") and started:
            length += len(line) - 1
        else:
            if line.strip() and not _CONTENT_LINE.match(line):
                raise UnreadableCalendar(
                    _l("Line %(line)d of the file is not an iCalendar line.", line=number)
                )
            started, length = number, len(line)
        if length > MAX_LINE:
            raise UnreadableCalendar(
                _l(
                    "Line %(line)d of the file is longer than %(max)d characters.",
                    line=started,
                    max=MAX_LINE,
                )
            )


def _parse(text: str) -> icalendar.Calendar:
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, TypeError, KeyError, IndexError):
        raise UnreadableCalendar(_l("The file is not valid iCalendar.")) from None
    if calendar.name != "VCALENDAR":
        raise UnreadableCalendar(_l("The file is not valid iCalendar."))
    return calendar


def _check_zones(calendar: icalendar.Calendar) -> None:
    """Every TZID must be known (from the file's VTIMEZONE or the IANA database)."""
    declared = calendar.get("X-WR-TIMEZONE")
    if declared is not None:
        try:
            validate_timezone(str(declared))
        except ValidationError:
            raise UnreadableCalendar(
                _l("The file names a time zone that is not known: %(zone)s.", zone=str(declared))
            ) from None
    for component in calendar.walk("VEVENT"):
        for name in _TIME_PROPERTIES:
            values = component.get(name)
            for value in values if isinstance(values, list) else [values]:
                if value is None or "TZID" not in getattr(value, "params", {}):
                    continue
                moments = [item.dt for item in getattr(value, "dts", [value])]
                if any(isinstance(m, datetime) and m.tzinfo is None for m in moments):
                    raise UnreadableCalendar(
                        _l(
                            "The file names a time zone that is not known: %(zone)s.",
                            zone=clean_line(str(value.params["TZID"]))[:80],
                        )
                    )


def _instant(value: date | datetime, zone: ZoneInfo) -> datetime:
    """UTC from a DATE (midnight where the organisation is), a floating or a zoned time."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _key(uid: str, recurrence: str) -> str:
    return hashlib.sha256(f"{uid}\n{recurrence}".encode()).hexdigest()


def _recurrence(component, zone: ZoneInfo) -> str:
    rid = component.get("RECURRENCE-ID") or component.get("DTSTART")
    return _instant(rid.dt, zone).isoformat()


def _occurrence(component, zone: ZoneInfo, recurring: bool) -> Occurrence:
    uid = str(component.get("UID"))
    starts_at = _instant(component.get("DTSTART").dt, zone)
    end = component.get("DTEND")
    ends_at = _instant(end.dt, zone) if end is not None else starts_at
    language = component.get("SUMMARY").params.get("LANGUAGE") if "SUMMARY" in component else None
    raw = component.get("CATEGORIES")
    items = raw if isinstance(raw, list) else [] if raw is None else [raw]
    categories = [clean_line(str(cat)) for item in items for cat in getattr(item, "cats", [item])]
    return Occurrence(
        source_key=_key(uid, _recurrence(component, zone) if recurring else ""),
        uid=uid,
        title=clean_line(str(component.get("SUMMARY", "")))[:TITLE_LENGTH],
        description=_BIDI.sub("", multi_line(str(component.get("DESCRIPTION", "")))),
        location=clean_line(str(component.get("LOCATION", ""))),
        starts_at=starts_at,
        ends_at=max(ends_at, starts_at),
        cancelled=str(component.get("STATUS", "")).upper() == "CANCELLED",
        language=str(language).lower()[:2] if language else None,
        categories=tuple(categories),
    )


def _ends_before_start(component) -> bool:
    end = component.get("DTEND")
    if end is None:
        return False
    start, finish = component.get("DTSTART").dt, end.dt
    if isinstance(start, datetime) != isinstance(finish, datetime):
        return False
    try:
        return finish < start
    except TypeError:  # a floating time against a zoned one: left to the library
        return False


def _usable(calendar: icalendar.Calendar, reading: Reading) -> dict[str, str]:
    """Drop entries without a UID or a start (reported); the titles of the rest, by UID."""
    titles: dict[str, str] = {}
    for component in list(calendar.subcomponents):
        if component.name != "VEVENT":
            continue
        title = clean_line(str(component.get("SUMMARY", ""))) or "—"
        reason = None
        if not str(component.get("UID", "")).strip():
            reason = _l("It has no UID, so a later import could not find it again.")
        elif component.get("DTSTART") is None:
            reason = _l("It has no start time.")
        elif _ends_before_start(component):
            reason = _l("It ends before it starts.")
        elif never_occurs(component):
            reason = _l("Its repeat rule never gives a date.")
        if reason is not None:
            calendar.subcomponents.remove(component)
            reading.left_out.append((title, reason))
        else:
            titles.setdefault(str(component.get("UID")), title)
    return titles


def read_calendar(data: bytes, *, zone: ZoneInfo, now: datetime) -> Reading:
    """The occurrences from `now` to twelve months on, or UnreadableCalendar saying why.

    `zone` is where floating times and all-day dates are read (the organisation's).
    """
    calendar = _parse(_text(data))
    if len(calendar.walk("VEVENT")) > MAX_EVENTS:
        raise UnreadableCalendar(
            _l("The file holds more than %(max)d events; import it in parts.", max=MAX_EVENTS)
        )
    _check_zones(calendar)
    try:
        check_rules(calendar.walk("VEVENT"), now.date())
    except RuleRefused as error:
        raise UnreadableCalendar(error.message) from None
    reading = Reading()
    titles = _usable(calendar, reading)
    recurring = {
        str(c.get("UID"))
        for c in calendar.walk("VEVENT")
        if any(name in c for name in ("RRULE", "RDATE", "RECURRENCE-ID"))
    }
    calendar = x_wr_timezone.to_standard(calendar)
    seen: set[str] = set()
    try:
        for component in recurring_ical_events.of(calendar).after(now):
            uid = str(component.get("UID"))
            occurrence = _occurrence(component, zone, uid in recurring)
            if occurrence.starts_at > now + WINDOW:
                break
            if occurrence.starts_at < now:
                continue  # under way already: not one of the coming dates
            if len(reading.occurrences) >= MAX_OCCURRENCES:
                raise UnreadableCalendar(
                    _l(
                        "The file gives more than %(max)d events in the coming twelve months.",
                        max=MAX_OCCURRENCES,
                    )
                )
            reading.occurrences.append(occurrence)
            seen.add(occurrence.uid)
    except (recurring_ical_events.InvalidCalendar, ValueError, TypeError, OverflowError):
        raise UnreadableCalendar(_l("The file is not valid iCalendar.")) from None
    for uid, title in titles.items():
        if uid not in seen:
            reading.left_out.append((title, _l("It has no date in the coming twelve months.")))
    return reading
