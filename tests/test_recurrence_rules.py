"""Which yearly rules are accepted: in range, frequent enough, and read alike by every client.

The clients are dateutil (our pages and the API), icalendar (which writes the feed) and
Mozilla's ical.js (Thunderbird), run through Node.
"""

from __future__ import annotations

import json
import random
import subprocess
import time

import pytest
from icalendar import vRecur
from sqlalchemy import text

from planner.commemorations.recurrence import dates_after, validate_rrule
from planner.db import ValidationError
from planner.extensions import db
from tests.conftest import ROOT
from tests.factories import make_commemoration, make_user

EXPAND_RRULE = ROOT / "tests" / "node" / "expand_rrule.mjs"
UNTIL = 2120


def refusal(rule: str) -> str:
    with pytest.raises(ValidationError) as raised:
        validate_rrule(rule)
    assert raised.value.field == "rrule"
    return str(raised.value.message)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=YEARLY;INTERVAL=0;BYMONTH=6;BYMONTHDAY=14", "INTERVAL is a whole number from 1"),
        ("FREQ=YEARLY;INTERVAL=-1;BYMONTH=6;BYMONTHDAY=14", "INTERVAL is a whole number from 1"),
        ("FREQ=YEARLY;INTERVAL=0", "INTERVAL is a whole number from 1"),
        ("FREQ=YEARLY;BYEASTER=999999", "BYEASTER is not part of a rule that calendar apps read"),
        ("FREQ=YEARLY;BYMONTH=5;BYDAY=+99MO", "BYDAY takes weekdays"),
        ("FREQ=YEARLY;BYMONTH=5;BYDAY=3XX", "BYDAY takes weekdays"),
        ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "Calendar apps read BYWEEKNO differently"),
        ("FREQ=YEARLY;BYMONTH=5;BYDAY=SU;BYSETPOS=1", "Calendar apps read BYSETPOS differently"),
        ("FREQ=YEARLY;BYMONTH=13;BYMONTHDAY=1", "BYMONTH takes month numbers from 1 to 12"),
        ("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=99999999999", "BYMONTHDAY takes days of the month"),
        ("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=-1", "BYMONTHDAY takes days of the month"),
        ("FREQ=YEARLY;BYYEARDAY=0", "BYYEARDAY takes days of the year"),
        ("FREQ=YEARLY;BYMONTH=6;BYYEARDAY=160", "BYYEARDAY is used on its own, without BYMONTH"),
        ("FREQ=YEARLY;BYMONTHDAY=14", "BYMONTHDAY needs BYMONTH"),
        ("FREQ=YEARLY;BYDAY=2MO", "BYDAY needs BYMONTH"),
        ("FREQ=YEARLY", "Say which day"),
        ("FREQ=YEARLY;BYMONTH=6", "Say which day of the month"),
        ("FREQ=YEARLY;BYMONTH=5;BYDAY=SU,-1MO", "number every weekday or none"),
        ("FREQ=YEARLY;BYMONTH=5;BYDAY=3SU;BYMONTHDAY=15", "A numbered weekday (such as 3SU)"),
        ("FREQ=YEARLY;BYMONTH=6,7;BYMONTHDAY=31", "Not every month named in BYMONTH has a day 31"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "Not every month named in BYMONTH has a day 30"),
        ("FREQ=YEARLY;BYMONTH=2,3;BYMONTHDAY=29", "29 February exists only in leap years"),
        ("FREQ=YEARLY;BYMONTH=2;BYDAY=5SU", "less often than once every 8 years"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", "less often than once every 8 years"),
        ("FREQ=YEARLY;INTERVAL=2;BYMONTH=2;BYMONTHDAY=29", "less often than once every 8 years"),
        ("FREQ=WEEKLY;BYDAY=MO", "recurs yearly"),
        ("FREQ=YEARLY;FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14", "FREQ appears more than once"),
        ("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14;COUNT=3", "COUNT and UNTIL are not used"),
        ("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14;BYHOUR=9", "lasts the whole day"),
        ("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14;WKST=XX", "WKST takes a weekday"),
        ("not a rule", "is not a part of a rule"),
        ("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1\x004", "BYMONTHDAY takes days of the month"),
        ("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14;" + "X" * 200, "at most 200 characters"),
        ("", "Write the rule."),
    ],
)
def test_a_refused_rule_says_why(app, rule, message):
    assert message in refusal(rule)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14", "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14"),
        ("rrule:bymonthday=14; bymonth=06;freq=yearly;", "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14"),
        ("FREQ=YEARLY;INTERVAL=1;BYMONTH=5;BYDAY=+3SU", "FREQ=YEARLY;BYMONTH=5;BYDAY=3SU"),
        ("FREQ=YEARLY;BYMONTH=5;BYDAY=-1SU", "FREQ=YEARLY;BYMONTH=5;BYDAY=-1SU"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
        (
            "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=15,16,17,18,19,20,21;BYDAY=SU",
            "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=15,16,17,18,19,20,21;BYDAY=SU",
        ),
        ("FREQ=YEARLY;BYYEARDAY=-1", "FREQ=YEARLY;BYYEARDAY=-1"),
        (
            "FREQ=YEARLY;INTERVAL=2;BYMONTH=6;BYMONTHDAY=14",
            "FREQ=YEARLY;INTERVAL=2;BYMONTH=6;BYMONTHDAY=14",
        ),
    ],
)
def test_an_accepted_rule_is_stored_as_written_canonically(app, written, stored):
    assert validate_rrule(written) == stored


# --- every client reads an accepted rule alike ---------------------------------------------


def random_rules(seed: int, count: int) -> list[str]:
    """Rules of every shape, in range or not; the ones accepted are compared below."""
    rng = random.Random(seed)
    weekdays = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

    def some(pool, most):
        return sorted(set(rng.choice(pool) for _ in range(rng.randint(1, most))))

    rules = []
    for _ in range(count):
        parts = ["FREQ=YEARLY"]
        if rng.random() < 0.2:
            parts.append(f"INTERVAL={rng.randint(1, 3)}")
        months = ",".join(map(str, some(range(1, 13), 3)))
        shape = rng.choice(["date", "weekday", "weekday-in-days", "year-day"])
        if shape == "date":
            parts += [
                f"BYMONTH={months}",
                "BYMONTHDAY=" + ",".join(map(str, some(range(1, 32), 3))),
            ]
        elif shape == "weekday":
            numbered = rng.random() < 0.7
            days = [
                (str(rng.choice([1, 2, 3, 4, 5, -1, -2, -3, -4, -5])) if numbered else "")
                + rng.choice(weekdays)
                for _ in range(rng.randint(1, 2))
            ]
            parts += [f"BYMONTH={months}", "BYDAY=" + ",".join(days)]
        elif shape == "weekday-in-days":
            first = rng.randint(1, 25)
            days = ",".join(str(day) for day in range(first, first + rng.randint(1, 7)))
            parts += [
                f"BYMONTH={months}",
                f"BYMONTHDAY={days}",
                "BYDAY=" + ",".join(some(weekdays, 2)),
            ]
        else:
            pool = [*range(-366, 0), *range(1, 367)]
            parts.append("BYYEARDAY=" + ",".join(map(str, some(pool, 3))))
        rules.append(";".join(parts))
    return rules


def expand_with_icaljs(node: str, rules: list[tuple[str, str]]) -> list[dict]:
    """ical.js's dates for each (rule, all-day DTSTART), up to UNTIL."""
    payload = {"until": UNTIL, "rules": [{"rrule": r, "start": s} for r, s in rules]}
    result = subprocess.run(
        [node, str(EXPAND_RRULE)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


def accepted(rule: str) -> str | None:
    try:
        return validate_rrule(rule)
    except ValidationError:
        return None


@pytest.mark.node
def test_every_accepted_rule_gives_the_same_dates_in_icaljs_icalendar_and_dateutil(app, node):
    from datetime import date

    rules = sorted({rule for rule in map(accepted, random_rules(2026, 300)) if rule})
    assert len(rules) > 150  # most random rules of these shapes are accepted
    ours = {}
    for rule in rules:
        # Page by page, as the pages and the API ask for them.
        found, after = [], date(1990, 1, 1)
        while after.year <= UNTIL:
            batch = dates_after(rule, 1990, after, 20, inclusive=not found)
            if not batch:
                break
            found += batch
            after = batch[-1]
        ours[rule] = [day.isoformat() for day in found if day.year <= UNTIL]
    # The feed writes the rule through icalendar, from the first date as DTSTART.
    written = [(vRecur.from_ical(rule).to_ical().decode(), ours[rule][0]) for rule in rules]
    theirs = expand_with_icaljs(node, written)
    differ = [
        rule for rule, read in zip(rules, theirs, strict=True) if read.get("dates") != ours[rule]
    ]
    assert differ == []


@pytest.mark.node
@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
        "FREQ=YEARLY;BYDAY=20MO",
        "FREQ=YEARLY;BYMONTHDAY=14",
        "FREQ=YEARLY;BYMONTH=6;BYYEARDAY=160",
        "FREQ=YEARLY;BYMONTH=5,6;BYDAY=MO;BYSETPOS=2",
        "FREQ=YEARLY;BYMONTH=2,4;BYMONTHDAY=2,-5",
        "FREQ=YEARLY;BYMONTH=6,8;BYMONTHDAY=31",
        "FREQ=YEARLY;BYMONTH=2,3;BYMONTHDAY=29",
        "FREQ=YEARLY;BYMONTH=5;BYDAY=3SU;BYMONTHDAY=15,16,17,18,19,20,21",
        "FREQ=YEARLY;BYMONTH=6;BYDAY=2SA,SU",
    ],
)
def test_each_refused_shape_is_one_that_icaljs_reads_differently(app, node, rule):
    from datetime import datetime

    from dateutil.rrule import rrulestr

    refusal(rule)
    expected = rrulestr(f"RRULE:{rule}", dtstart=datetime(2000, 1, 1))
    dates = [
        d.date().isoformat()
        for d in expected.between(datetime(2000, 1, 1), datetime(UNTIL, 12, 31))
    ]
    start = dates[0] if dates else "2000-01-01"
    [read] = expand_with_icaljs(node, [(rule, start)])
    assert read.get("dates") != dates


# --- a rule that reached the database anyway -------------------------------------------------

BAD_STORED_RULES = [
    "FREQ=YEARLY;INTERVAL=0",
    "FREQ=YEARLY;INTERVAL=-1;BYMONTH=6;BYMONTHDAY=14",
    "FREQ=YEARLY;BYEASTER=999999",
    "FREQ=YEARLY;BYMONTH=5;BYDAY=+99MO",
    "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "garbage\x01",
]


@pytest.mark.parametrize("rule", BAD_STORED_RULES)
def test_a_bad_rule_written_into_the_table_answers_quickly_without_an_error(
    app, client, rule, caplog
):
    from planner.commemorations.models import _warn_of_unaccepted_rule

    _warn_of_unaccepted_rule.cache_clear()  # warned once per process: this test's warning
    make_commemoration(slug="june-deportation-1941")
    make_commemoration(slug="march-deportation-1949", rrule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=25")
    db.session.execute(
        text("UPDATE commemorations SET rrule = :rule WHERE slug = 'june-deportation-1941'"),
        {"rule": rule.replace("\x01", "")},
    )
    db.session.commit()
    db.session.expire_all()
    for url in [
        "/",
        "/commemorations",
        "/commemorations/june-deportation-1941",
        "/api/v1/commemorations",
        "/api/v1/commemorations/june-deportation-1941",
        "/commemorations.ics",
    ]:
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, url
        assert time.perf_counter() - started < 5, url
    # The feed keeps the day whose rule is read alike, and leaves the other out.
    feed = client.get("/commemorations.ics").get_data(as_text=True)
    assert "march-deportation-1949" in feed and "june-deportation-1941" not in feed
    api = client.get("/api/v1/commemorations/june-deportation-1941").json
    assert api["next_occurrences"] == []
    # Said once, not on every page that evaluated it.
    assert caplog.text.count("rule that is not accepted") == 1


# --- the administrators' live check ----------------------------------------------------------


@pytest.fixture
def as_admin(app, client):
    from tests.conftest import sign_in_client

    sign_in_client(client, make_user("admin@example.org", is_admin=True))
    return client


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=YEARLY;INTERVAL=0", "INTERVAL is a whole number from 1 to 8."),
        ("FREQ=YEARLY;BYEASTER=999999", "BYEASTER is not part of a rule that calendar apps read."),
        ("FREQ=YEARLY;BYMONTH=5;BYDAY=+99MO", "BYDAY takes weekdays"),
        ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "Calendar apps read BYWEEKNO differently"),
        ("FREQ=YEARLY;BYMONTH=2;BYDAY=5SU", "less often than once every 8 years"),
    ],
)
def test_the_live_check_says_why_a_rule_is_refused(as_admin, rule, message):
    answer = as_admin.get("/manage/admin/commemorations/check-rule", query_string={"rrule": rule})
    assert answer.status_code == 200
    assert answer.json["valid"] is False and answer.json["next"] == []
    assert message in answer.json["message"]


def test_the_live_check_speaks_the_readers_language(as_admin):
    answer = as_admin.get(
        "/manage/admin/commemorations/check-rule",
        query_string={"rrule": "FREQ=YEARLY;INTERVAL=0"},
        headers={"Accept-Language": "et"},
    )
    assert answer.json["message"] == "INTERVAL on täisarv 1 kuni 8."


@pytest.mark.browser
def test_the_admin_sees_why_a_typed_rule_is_refused(live_server, page, app):
    from playwright.sync_api import expect

    from tests.factories import PASSWORD

    make_user("admin@example.org", is_admin=True)
    page.goto(f"{live_server}/login?next=/manage/admin/commemorations/new")
    page.get_by_label("E-mail address").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/manage/admin/commemorations/new")

    page.get_by_label("By a rule (for example, the third Sunday of May)").check()
    check = page.locator("#rrule-check")
    field = page.get_by_label("Recurrence rule (RRULE)")
    for rule, message in [
        ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "Calendar apps read BYWEEKNO differently"),
        ("FREQ=YEARLY;INTERVAL=0;BYMONTH=6;BYMONTHDAY=14", "INTERVAL is a whole number"),
        ("FREQ=YEARLY;BYMONTH=5;BYDAY=+99MO", "BYDAY takes weekdays"),
        ("FREQ=YEARLY;BYEASTER=999999", "BYEASTER is not part of a rule"),
    ]:
        field.fill(rule)
        expect(check).to_contain_text(message)
        assert check.locator("li").count() == 0
    field.fill("FREQ=YEARLY;BYMONTH=5;BYDAY=3SU")
    expect(check).to_contain_text("The rule is valid.")
