"""The yearly rules of days of remembrance: which RRULEs are accepted, and their dates.

A rule is accepted only when every calendar app reads it the same way. Mozilla's ical.js
(Thunderbird) disagrees with dateutil (and RFC 5545) on several shapes, found by expanding
thousands of rules with both (tests/test_recurrence_rules.py keeps checking that):
BYWEEKNO (every Monday instead of one), BYSETPOS, numbered weekdays without BYMONTH (20MO),
BYMONTHDAY without BYMONTH, BYYEARDAY with BYMONTH, days counted from the month's end, a day
that some listed month lacks (31 June becomes 1 July), numbered weekdays with BYMONTHDAY, and
numbered and plain weekdays mixed. So the accepted shapes are:

- BYMONTH with BYMONTHDAY (14 June), optionally filtered by plain weekdays (BYDAY=SU);
- BYMONTH with BYDAY, every weekday numbered (3SU, -1SU) or none;
- BYYEARDAY alone;

with FREQ=YEARLY, an INTERVAL from 1 to MAX_YEARS_BETWEEN and WKST allowed, and the rule must
give a date at least once every MAX_YEARS_BETWEEN years (29 February: every 4 to 8 years).
Evaluating a rule is bounded in time: it is checked first (a rule that reached the database
some other way gives no dates), and every search ends a known number of years ahead.
"""

from __future__ import annotations

import calendar
import itertools
import math
import re
from datetime import date, datetime, time
from functools import lru_cache

from dateutil.rrule import rrulestr
from flask_babel import lazy_gettext as _l

from planner.db import ValidationError

MAX_RULE_LENGTH = 200
MAX_YEARS_BETWEEN = 8
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# The order parts are written in, once accepted.
_ORDER = ("FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYDAY", "WKST")
_NUMBER = re.compile(r"[+-]?\d{1,4}")
_WEEKDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
# The Gregorian calendar (weekdays included) repeats every 400 years.
_CYCLE = 400


def _numbers(value: str, allowed, message) -> tuple[int, ...]:
    items = value.split(",")
    if not all(_NUMBER.fullmatch(item) for item in items):
        raise ValidationError("rrule", message)
    numbers = tuple(int(item) for item in items)
    if not all(number in allowed for number in numbers):
        raise ValidationError("rrule", message)
    return numbers


def _weekdays(value: str) -> tuple[tuple[int | None, str], ...]:
    message = _l(
        "BYDAY takes weekdays (MO, TU, WE, TH, FR, SA, SU), each with an optional number "
        "from 1 to 5 or from -1 to -5 (3SU is the third Sunday, -1SU the last)."
    )
    days = []
    for item in value.split(","):
        found = _WEEKDAY.fullmatch(item)
        if not found:
            raise ValidationError("rrule", message)
        number = int(found.group(1)) if found.group(1) else None
        if number is not None and not (1 <= abs(number) <= 5):
            raise ValidationError("rrule", message)
        days.append((number, found.group(2)))
    numbered = {number is not None for number, _day in days}
    if len(numbered) > 1:
        raise ValidationError(
            "rrule",
            _l("In BYDAY, number every weekday or none: calendar apps read a mix differently."),
        )
    return tuple(days)


def _split(rule: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        part = part.strip()
        if not part:
            continue
        name, equals, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not name or not value:
            raise ValidationError(
                "rrule",
                _l(
                    "“%(part)s” is not a part of a rule: write NAME=VALUE pairs separated by "
                    "semicolons.",
                    part=part[:40],
                ),
            )
        if name in parts:
            raise ValidationError("rrule", _l("%(name)s appears more than once.", name=name[:40]))
        parts[name] = value
    return parts


def _refuse_unused(parts: dict[str, str]) -> None:
    for name in parts:
        if name in _ORDER:
            continue
        if name in ("COUNT", "UNTIL"):
            message = _l("A day of remembrance has no last year: COUNT and UNTIL are not used.")
        elif name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            message = _l(
                "A day of remembrance lasts the whole day: BYHOUR, BYMINUTE and BYSECOND are "
                "not used."
            )
        elif name in ("BYWEEKNO", "BYSETPOS"):
            message = _l(
                "Calendar apps read %(name)s differently from one another, so it is not used: "
                "name the month with the day or the weekday instead.",
                name=name,
            )
        else:
            message = _l("%(name)s is not part of a rule that calendar apps read.", name=name[:40])
        raise ValidationError("rrule", message)


def _check_shape(parts: dict[str, str]) -> None:
    months = _numbers(
        parts.get("BYMONTH", "1"),
        range(1, 13),
        _l("BYMONTH takes month numbers from 1 to 12, separated by commas."),
    )
    if "BYYEARDAY" in parts:
        _numbers(
            parts["BYYEARDAY"],
            [*range(-366, 0), *range(1, 367)],
            _l(
                "BYYEARDAY takes days of the year from 1 to 366 or from -1 to -366, separated "
                "by commas."
            ),
        )
        others = [name for name in ("BYMONTH", "BYMONTHDAY", "BYDAY") if name in parts]
        if others:
            raise ValidationError(
                "rrule", _l("BYYEARDAY is used on its own, without %(name)s.", name=others[0])
            )
        return
    weekdays = _weekdays(parts["BYDAY"]) if "BYDAY" in parts else ()
    if "BYMONTH" not in parts:
        if "BYMONTHDAY" in parts or weekdays:
            name = "BYMONTHDAY" if "BYMONTHDAY" in parts else "BYDAY"
            raise ValidationError(
                "rrule", _l("%(name)s needs BYMONTH: name the month as well.", name=name)
            )
        raise ValidationError(
            "rrule",
            _l("Say which day: give BYMONTH with BYMONTHDAY or BYDAY, or give BYYEARDAY."),
        )
    if "BYMONTHDAY" not in parts:
        if not weekdays:
            raise ValidationError(
                "rrule", _l("Say which day of the month: add BYMONTHDAY or BYDAY to BYMONTH.")
            )
        return
    days = _numbers(
        parts["BYMONTHDAY"],
        range(1, 32),
        _l(
            "BYMONTHDAY takes days of the month from 1 to 31, separated by commas (calendar "
            "apps read days counted back from the month's end differently)."
        ),
    )
    if any(number is not None for number, _day in weekdays):
        raise ValidationError(
            "rrule",
            _l(
                "A numbered weekday (such as 3SU) is not combined with BYMONTHDAY: calendar "
                "apps read it differently."
            ),
        )
    _check_days_exist(months, days)


def _check_days_exist(months: tuple[int, ...], days: tuple[int, ...]) -> None:
    # ical.js moves a day that a listed month lacks into the next month (31 June -> 1 July).
    for month in months:
        length = calendar.monthrange(2000, month)[1]  # 2000 is a leap year
        for day in days:
            if day > length:
                raise ValidationError(
                    "rrule",
                    _l("Not every month named in BYMONTH has a day %(day)d.", day=day),
                )
    if 29 in days and 2 in months and len(set(months)) > 1:
        raise ValidationError(
            "rrule",
            _l(
                "29 February exists only in leap years: write it with BYMONTH=2 alone "
                "(FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29)."
            ),
        )


def _canonical(parts: dict[str, str]) -> str:
    written = dict(parts)
    if written.get("INTERVAL") and int(written["INTERVAL"]) == 1:
        del written["INTERVAL"]
    for name in ("INTERVAL", "BYMONTH", "BYMONTHDAY", "BYYEARDAY"):
        if name in written:
            written[name] = ",".join(str(int(item)) for item in written[name].split(","))
    if "BYDAY" in written:
        written["BYDAY"] = ",".join(
            f"{number}{day}" if number is not None else day
            for number, day in _weekdays(written["BYDAY"])
        )
    return ";".join(f"{name}={written[name]}" for name in _ORDER if name in written)


def _interval(parts: dict[str, str]) -> int:
    return _numbers(
        parts.get("INTERVAL", "1"),
        range(1, MAX_YEARS_BETWEEN + 1),
        _l("INTERVAL is a whole number from 1 to %(num)d.", num=MAX_YEARS_BETWEEN),
    )[0]


@lru_cache(maxsize=512)
def _years_with_a_date(rule_without_interval: str) -> frozenset[int]:
    """The years of a 400-year cycle (counted from 2000) in which the rule gives a date."""
    bounded = rrulestr(
        f"RRULE:{rule_without_interval};UNTIL={2000 + _CYCLE - 1}1231T235959",
        dtstart=datetime(2000, 1, 1),
    )
    return frozenset(found.year - 2000 for found in bounded)


def _check_frequent_enough(canonical: str, interval: int) -> None:
    parts = [part for part in canonical.split(";") if not part.startswith("INTERVAL=")]
    good = _years_with_a_date(";".join(parts))
    if not good:
        raise ValidationError("rrule", _l("This rule never gives a date."))
    period = math.lcm(_CYCLE, interval)
    for phase in range(interval):
        years = [y for y in range(phase, period, interval) if y % _CYCLE in good]
        gaps = [later - earlier for earlier, later in itertools.pairwise(years)]
        # The cycle repeats: the gap from the last year round to the first counts too.
        gaps.append(years[0] + period - years[-1] if years else period)
        if max(gaps) > MAX_YEARS_BETWEEN:
            raise ValidationError(
                "rrule",
                _l(
                    "This rule gives a date less often than once every %(num)d years.",
                    num=MAX_YEARS_BETWEEN,
                ),
            )


@lru_cache(maxsize=1024)
def _checked(rule: str) -> str:
    if len(rule) > MAX_RULE_LENGTH:
        raise ValidationError(
            "rrule", _l("A rule has at most %(num)d characters.", num=MAX_RULE_LENGTH)
        )
    text = rule.strip().upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text:
        raise ValidationError("rrule", _l("Write the rule."))
    parts = _split(text)
    if parts.get("FREQ") != "YEARLY":
        raise ValidationError(
            "rrule", _l("A day of remembrance recurs yearly: the rule needs FREQ=YEARLY.")
        )
    _refuse_unused(parts)
    interval = _interval(parts)
    if "WKST" in parts and parts["WKST"] not in WEEKDAYS:
        raise ValidationError("rrule", _l("WKST takes a weekday: MO, TU, WE, TH, FR, SA or SU."))
    _check_shape(parts)
    canonical = _canonical(parts)
    _check_frequent_enough(canonical, interval)
    return canonical


def validate_rrule(rule: str | None, field: str = "rrule") -> str:
    """The rule written canonically when every calendar app reads it alike, or ValidationError."""
    if not rule or not isinstance(rule, str):
        raise ValidationError(field, _l("Write the rule."))
    try:
        return _checked(rule)
    except ValidationError as error:
        raise ValidationError(field, error.message) from None


def checked_or_none(rule: str | None) -> str | None:
    """The rule written canonically, or None when it would not be accepted today."""
    try:
        return validate_rrule(rule)
    except ValidationError:
        return None


def dates_after(
    rule: str, start_year: int, after: date, count: int, *, inclusive: bool = True
) -> list[date]:
    """The next `count` dates of an accepted rule repeating from `start_year`, from `after` on.

    The search starts in the year of `after` (kept in step with INTERVAL) and ends
    MAX_YEARS_BETWEEN years per date later, so it takes the same short time for any rule.
    """
    interval = int(dict(part.split("=") for part in rule.split(";")).get("INTERVAL", "1"))
    first_year = max(start_year, after.year)
    first_year -= (first_year - start_year) % interval
    last_year = min(max(after.year, start_year) + (count + 1) * MAX_YEARS_BETWEEN, 9999)
    if first_year > last_year:
        return []
    bounded = rrulestr(
        f"RRULE:{rule};UNTIL={last_year:04d}1231T235959",
        dtstart=datetime(first_year, 1, 1),
    )
    cursor = datetime.combine(after, time())
    found = [
        day.date()
        for day in bounded.xafter(cursor, count=count, inc=inclusive)  # type: ignore[attr-defined]
    ]
    return found
