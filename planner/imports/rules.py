"""Bounds on the repeat rules of a file to import, so that expanding them stays quick.

dateutil (under recurring-ical-events) walks a rule period by period from its start: a rule
that repeats every second, begins centuries ago, or can never give a date (30 February) would
keep a request busy for minutes. Such files are refused, or the entry left out, first.
"""

from __future__ import annotations

from datetime import date, datetime, time

from dateutil.rrule import rrulestr
from flask_babel import lazy_gettext as _l
from icalendar import vRecur

PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 28, "YEARLY": 365}
# Periods walked, over every rule of a file, to the end of the coming twelve months (a daily
# rule begun forty years ago: about ten seconds of work).
MAX_PERIODS = 15_000
# A rule is probed over the last years the calendar has: ten years, whatever its start.
PROBE_YEAR = 9990


class RuleRefused(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def rules_of(component) -> list[vRecur]:
    value = component.get("RRULE")
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first(rule: vRecur, name: str, default):
    values = rule.get(name)
    if not values:
        return default
    return values[0] if isinstance(values, list) else values


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def check_rules(components, today: date) -> None:
    """RuleRefused when a rule repeats more often than daily or the file's rules would take
    too long to walk to today."""
    periods = 0
    for component in components:
        start = component.get("DTSTART")
        for rule in rules_of(component):
            freq = str(_first(rule, "FREQ", "")).upper()
            if freq not in PERIOD_DAYS or any(
                k in rule for k in ("BYHOUR", "BYMINUTE", "BYSECOND")
            ):
                raise RuleRefused(_l("An event in the file repeats more often than once a day."))
            try:
                interval = max(1, int(_first(rule, "INTERVAL", 1)))
            except (TypeError, ValueError):
                interval = 1
            if start is None:
                continue
            until = _first(rule, "UNTIL", None)
            end = min(today, _day(until)) if isinstance(until, date) else today
            walked = max(0, (end - _day(start.dt)).days + 366) // (PERIOD_DAYS[freq] * interval)
            count = _first(rule, "COUNT", None)
            periods += min(walked, int(count)) + 1 if isinstance(count, int) else walked + 1
    if periods > MAX_PERIODS:
        raise RuleRefused(
            _l("The file's repeating events begin too long ago; export only the coming dates.")
        )


def never_occurs(component) -> bool:
    """Whether the event's rules can give no date at all (probed over ten years)."""
    rules = rules_of(component)
    if not rules or component.get("DTSTART") is None:
        return False
    start = component["DTSTART"].dt
    base = start if isinstance(start, datetime) else datetime.combine(start, time())
    probe = base.replace(year=PROBE_YEAR, day=min(base.day, 28), tzinfo=None)
    for rule in rules:
        parts = vRecur({key: value for key, value in rule.items() if key not in ("UNTIL", "COUNT")})
        try:
            found = rrulestr("RRULE:" + parts.to_ical().decode(), dtstart=probe).after(probe, True)
        except (ValueError, TypeError, OverflowError):
            return False  # not a rule at all: the expansion says the file is not valid
        if found is not None:
            return False
    return True
