"""Commemorations: recurring days of remembrance and their occurrences."""

from __future__ import annotations

import logging
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from planner.commemorations.recurrence import checked_or_none, dates_after, validate_rrule
from planner.countries import country_zone, normalise_country
from planner.db import JSONType, UTCDateTime, ValidationError, now_utc
from planner.extensions import db
from planner.i18n import clean_texts, country_languages, pick
from planner.slugs import validate_slug

__all__ = ["Commemoration", "validate_rrule"]

log = logging.getLogger(__name__)


@lru_cache(maxsize=64)
def _warn_of_unaccepted_rule(slug: str, rule: str) -> None:
    """Once per process for each rule: every page that shows the day evaluates it."""
    log.warning("commemoration %s has a rule that is not accepted: %r", slug, rule)


def ordinal_en(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


class Commemoration(db.Model):
    """A recurring day of remembrance, such as 14 June (the June deportation of 1941)."""

    __tablename__ = "commemorations"
    __table_args__ = (
        CheckConstraint(
            "first_observed_year IS NULL OR first_observed_year > 0", name="first_observed_year"
        ),
        CheckConstraint("remembered_year IS NULL OR remembered_year > 0", name="remembered_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[dict[str, str]] = mapped_column(JSONType)
    description: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    # The yearly rule, e.g. FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14 (Ukraine: BYMONTH=5;BYDAY=3SU).
    rrule: Mapped[str] = mapped_column(String(200))
    countries: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # The year of what is remembered (1941): gives the anniversary number. Unknown: NULL.
    remembered_year: Mapped[int | None] = mapped_column(Integer)
    # The year the day was first observed; unknown: NULL.
    first_observed_year: Mapped[int | None] = mapped_column(Integer)
    source_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    @validates("slug")
    def _check_slug(self, _key: str, value: str) -> str:
        return validate_slug(value)

    @validates("name")
    def _check_name(self, _key: str, value: dict[str, str]) -> dict[str, str]:
        return clean_texts("name", value, required=True)

    @validates("description")
    def _check_description(self, _key: str, value: dict[str, str]) -> dict[str, str]:
        return clean_texts("description", value, required=False)

    @validates("rrule")
    def _check_rrule(self, _key: str, value: str) -> str:
        return validate_rrule(value)

    @validates("countries")
    def _check_countries(self, _key: str, value: list[str]) -> list[str]:
        if not value:
            raise ValidationError("countries", "name at least one observing country")
        codes = [normalise_country(code, "countries") for code in value]
        return list(dict.fromkeys(codes))

    @validates("remembered_year", "first_observed_year")
    def _check_year(self, key: str, value: int | None) -> int | None:
        if value is not None and not (1 <= int(value) <= 9999):
            raise ValidationError(key, "must be a year")
        return value

    def __repr__(self) -> str:
        return f"<Commemoration {self.slug}>"

    def original_languages(self) -> tuple[str, ...]:
        """The language a day observed in one country is named in first (Moldova: ro); a day
        several countries observe is described in English, each country's name beside it."""
        return country_languages(self.countries) if len(self.countries or ()) == 1 else ()

    def display_name(self, lang: str | None = None) -> str:
        return pick(self.name, lang, self.original_languages())

    def display_description(self, lang: str | None = None) -> str:
        return pick(self.description, lang, self.original_languages())

    def distinct_name(self, lang: str | None = None) -> str:
        """The name, with its day where another commemoration bears the same name in `lang`."""
        from planner.commemorations.labels import label

        return label(self, lang)

    @property
    def start_year(self) -> int:
        """The year the recurrence starts: first observed, else the year remembered, else 1900."""
        year = self.first_observed_year or self.remembered_year or 1900
        return min(max(year, 1), 9999)  # whatever the database holds, a year dates accept

    def occurrences_after(
        self, after: date, count: int = 1, *, inclusive: bool = True
    ) -> list[date]:
        """The next `count` days of remembrance from `after` on (after it, if not inclusive).

        A rule that would not be accepted today (written straight into the database, say)
        gives no dates instead of a long search or an error.
        """
        rule = checked_or_none(self.rrule)
        if rule is None:
            _warn_of_unaccepted_rule(self.slug, self.rrule)
            return []
        return dates_after(rule, self.start_year, after, count, inclusive=inclusive)

    @property
    def readable_rrule(self) -> str | None:
        """The rule as every calendar app reads it alike, or None when it is not accepted."""
        return checked_or_none(self.rrule)

    def today(self) -> date:
        """Today's date where the day is observed (in the first observing country's zone)."""
        country = self.countries[0] if self.countries else "LV"
        return now_utc().astimezone(country_zone(country)).date()

    def next_occurrences(self, count: int = 3, today: date | None = None) -> list[date]:
        """The coming days of remembrance, today's included, evaluated in the observing zone."""
        return self.occurrences_after(today or self.today(), count)

    def next_occurrence(self, today: date | None = None) -> date | None:
        found = self.next_occurrences(1, today)
        return found[0] if found else None

    def occurrence_in(self, year: int) -> date | None:
        """The day of remembrance in `year`, if the rule yields one (29 February may not)."""
        found = self.occurrences_after(date(year, 1, 1), 1)
        return found[0] if found and found[0].year == year else None

    def anniversary(self, on: date) -> int | None:
        """Which anniversary `on` is (14 June 2027 -> 86 for 1941), or None when unknown."""
        if self.remembered_year is None or on.year <= self.remembered_year:
            return None
        return on.year - self.remembered_year
