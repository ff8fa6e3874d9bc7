"""Commemorations know their next days and anniversaries."""

from datetime import date

import pytest

from tests.factories import make_commemoration


@pytest.fixture
def june(app):
    return make_commemoration()


@pytest.fixture
def march(app):
    return make_commemoration(
        slug="march-deportation-1949",
        name={"en": "March deportation of 1949"},
        rrule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=25",
        remembered_year=1949,
    )


def test_next_14_june_across_the_year_end(june):
    assert june.next_occurrences(2, today=date(2090, 12, 31)) == [
        date(2091, 6, 14),
        date(2092, 6, 14),
    ]
    assert june.next_occurrence(today=date(2091, 1, 1)) == date(2091, 6, 14)


def test_the_day_itself_counts_as_next(june):
    assert june.next_occurrence(today=date(2091, 6, 14)) == date(2091, 6, 14)
    assert june.next_occurrence(today=date(2091, 6, 15)) == date(2092, 6, 14)


def test_25_march_across_the_year_end(march):
    assert march.next_occurrence(today=date(2090, 12, 31)) == date(2091, 3, 25)
    assert march.next_occurrence(today=date(2091, 3, 26)) == date(2092, 3, 25)


def test_anniversary_numbers(june, march):
    assert june.anniversary(date(2091, 6, 14)) == 150
    assert march.anniversary(date(2091, 3, 25)) == 142
    assert june.anniversary(date(1941, 6, 14)) is None


def test_unknown_remembered_year_has_no_anniversary(app):
    day = make_commemoration(slug="some-day", remembered_year=None, first_observed_year=2007)
    assert day.anniversary(date(2091, 6, 14)) is None


def test_a_weekday_rule_third_sunday_of_may(app):
    ukraine = make_commemoration(
        slug="ukraine-victims-political-repressions",
        rrule="FREQ=YEARLY;BYMONTH=5;BYDAY=3SU",
        countries=["UA"],
        remembered_year=None,
        first_observed_year=2007,
    )
    assert ukraine.next_occurrences(3, today=date(2090, 11, 27)) == [
        date(2091, 5, 20),
        date(2092, 5, 18),
        date(2093, 5, 17),
    ]


def test_29_february_occurs_only_in_leap_years(app):
    # RFC 5545: a date that does not exist in a year is skipped, not moved to 28 February.
    leap = make_commemoration(slug="leap-day", rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29")
    assert leap.next_occurrences(2, today=date(2090, 11, 27)) == [
        date(2092, 2, 29),
        date(2096, 2, 29),
    ]
    assert leap.occurrence_in(2091) is None
    assert leap.occurrence_in(2092) == date(2092, 2, 29)


def test_today_is_taken_in_the_observing_country_zone(june, monkeypatch):
    from datetime import UTC, datetime

    import planner.commemorations.models as models

    # 21:30 UTC on 13 June is already 14 June in Riga (UTC+3).
    monkeypatch.setattr(models, "now_utc", lambda: datetime(2091, 6, 13, 21, 30, tzinfo=UTC))
    assert june.today() == date(2091, 6, 14)
    assert june.next_occurrence() == date(2091, 6, 14)
