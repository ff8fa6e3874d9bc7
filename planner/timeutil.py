"""Local wall-clock times and instants: the conversions, with DST gaps and folds refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from planner.db import ValidationError
from planner.sentence_dates import date_in_sentence


def _day_text(day: date) -> str:
    """The date in the reader's language, in the form a sentence saying *when* needs (Latvian
    "2099. gada 29. martā"), worked out when the message is shown."""
    return date_in_sentence(day, weekday=False)


def local_to_utc(day: date, at: time, zone: str | ZoneInfo, field: str = "start") -> datetime:
    """The UTC instant of a local date and time in `zone`.

    A time that does not exist (skipped when clocks go forward) or that happens twice (when
    clocks go back) is refused: an organiser must say which moment they mean.
    """
    tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    naive = datetime.combine(day, at.replace(tzinfo=None))
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        # Round-tripping through UTC tells a gap (the time is skipped) from a fold (it repeats).
        if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
            raise ValidationError(
                field,
                _l(
                    "%(time)s does not exist on %(day)s in %(zone)s: the clocks go forward then."
                    " Choose another time.",
                    time=naive.strftime("%H:%M"),
                    day=LazyString(_day_text, day),
                    zone=tz.key,
                ),
            )
        raise ValidationError(
            field,
            _l(
                "%(time)s happens twice on %(day)s in %(zone)s: the clocks go back then."
                " Choose another time.",
                time=naive.strftime("%H:%M"),
                day=LazyString(_day_text, day),
                zone=tz.key,
            ),
        )
    return first.astimezone(UTC)


def to_local(instant: datetime, zone: str | ZoneInfo) -> datetime:
    tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    return instant.astimezone(tz)
