"""VTIMEZONEs built from the tz database: one per TZID used, in TZID order, covering the years
the events need, with every transition as its own observance (deterministic bytes)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Event as VEvent
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.prop import vDDDTypes


def local_or_utc(moment: datetime, zone: ZoneInfo) -> datetime:
    """The local time with its zone (written with TZID), unless the wall time is ambiguous.

    In the hour repeated when clocks go back, RFC 5545 (3.3.5) reads a TZID time as its first
    occurrence but ical.js (Thunderbird) reads it as the second: only UTC says the same
    instant to every reader.
    """
    local = moment.astimezone(zone)
    if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
        return moment.astimezone(UTC)
    return local


def timezones_for(components: Iterable[VEvent]) -> list[Timezone]:
    """A VTIMEZONE for every TZID the components use, sorted by TZID, covering their years.

    Built here rather than by Calendar.add_missing_timezones(), whose order changes from one
    process to the next (it walks a set) and which writes a spring-forward onset an hour late.
    """
    years: dict[str, list[int]] = {}
    for component in components:
        for name in ("DTSTART", "DTEND"):
            value = component.get(name)
            tzid = value.params.get("TZID") if value is not None else None
            if tzid:
                years.setdefault(str(tzid), []).append(value.dt.year)
    return [vtimezone(tzid, min(found), max(found)) for tzid, found in sorted(years.items())]


@lru_cache(maxsize=1024)
def _tzid(zone_name: str) -> str | None:
    """The TZID the library writes for a time in this zone (None for UTC itself)."""
    tzid = vDDDTypes(datetime(2001, 1, 1, 12, tzinfo=ZoneInfo(zone_name))).params.get("TZID")
    return str(tzid) if tzid else None


def timezones_for_spans(
    spans: Iterable[tuple[str, datetime, datetime]],
    moments_of: Callable[[str], list[datetime]],
) -> list[bytes]:
    """`timezones_for`, as the bytes of each VTIMEZONE, from each zone's (name, earliest
    time, latest time) of its events.

    Only each zone's first and last times written with its TZID matter: local years rise with
    the instant among those (the times of a repeated hour, which would not, are written in
    UTC). When the earliest or the latest is such a time, `moments_of(zone)` gives them all.
    """
    years: dict[str, list[int]] = {}
    for zone_name, earliest, latest in spans:
        tzid = _tzid(zone_name)
        if not tzid:
            continue
        zone = ZoneInfo(zone_name)
        if _with_tzid(earliest, zone) and _with_tzid(latest, zone):
            ends = [earliest, latest]
        else:
            ends = _ends(sorted(moments_of(zone_name)), zone)
        if ends:  # else every time of the zone is written in UTC: no VTIMEZONE for it
            years.setdefault(tzid, []).extend(moment.astimezone(zone).year for moment in ends)
    return [vtimezone_ical(tzid, min(found), max(found)) for tzid, found in sorted(years.items())]


@lru_cache(maxsize=256)
def vtimezone_ical(tzid: str, first_year: int, last_year: int) -> bytes:
    """`vtimezone(...).to_ical()`: the same few zones and years in every feed, written once."""
    return vtimezone(tzid, first_year, last_year).to_ical()


def _ends(ordered: list[datetime], zone: ZoneInfo) -> list[datetime]:
    """The first and the last of `ordered` written with the zone's TZID (none if none is)."""
    first = next((moment for moment in ordered if _with_tzid(moment, zone)), None)
    if first is None:
        return []
    last = next(moment for moment in reversed(ordered) if _with_tzid(moment, zone))
    return [first, last]


def _with_tzid(moment: datetime, zone: ZoneInfo) -> bool:
    return local_or_utc(moment, zone).tzinfo is not UTC


def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for `tzid` with every transition from 1 January `first_year` to the end of
    `last_year`: one observance per transition, its onset in the local time before it."""
    start_offset, start_dst, start_name, changes = _transitions(tzid, first_year, last_year)
    timezone = Timezone()
    timezone.add("TZID", tzid)
    first = TimezoneDaylight() if start_dst else TimezoneStandard()
    first.add("DTSTART", datetime(first_year, 1, 1))
    first.add("TZOFFSETFROM", start_offset)
    first.add("TZOFFSETTO", start_offset)
    first.add("TZNAME", start_name)
    timezone.add_component(first)
    for onset, before, after, dst, name in changes:
        observance = TimezoneDaylight() if dst else TimezoneStandard()
        observance.add("DTSTART", onset)
        observance.add("TZOFFSETFROM", before)
        observance.add("TZOFFSETTO", after)
        observance.add("TZNAME", name)
        timezone.add_component(observance)
    return timezone


def _state(zone: ZoneInfo, instant: datetime) -> tuple[timedelta, bool, str]:
    local = instant.astimezone(zone)
    return local.utcoffset(), bool(local.dst()), local.tzname() or str(local.utcoffset())


@lru_cache(maxsize=256)
def _transitions(tzid: str, first_year: int, last_year: int):
    """(offset, dst, name) at the start, and each change: (local onset, from, to, dst, name)."""
    zone = ZoneInfo(tzid)
    start = datetime(first_year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    initial = _state(zone, start)
    changes = []
    cursor, state = start, initial
    # No zone of the tz database changes twice within a day and back (every zone, 1970-2040,
    # gives the same transitions with a 6-hour step): a day's step finds every change.
    step = timedelta(days=1)
    while cursor < end:
        following = min(cursor + step, end)
        new_state = _state(zone, following)
        if new_state != state:
            low, high = cursor, following  # state(low) == state, state(high) != state
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _state(zone, middle) == state:
                    low = middle
                else:
                    high = middle
            change_at = high.replace(microsecond=0)
            if _state(zone, change_at) == state:
                change_at += timedelta(seconds=1)
            now_state = _state(zone, change_at)
            onset = (change_at + state[0]).replace(tzinfo=None)
            changes.append((onset, state[0], now_state[0], now_state[1], now_state[2]))
            cursor, state = change_at, now_state
            continue
        cursor = following
    return initial[0], initial[1], initial[2], tuple(changes)
