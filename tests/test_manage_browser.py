"""An organiser plans a 14 June vigil in a real browser, meets a clash, confirms and publishes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import icalendar
import pytest
from sqlalchemy import select

from planner.commemorations.models import ordinal_en
from planner.events.models import Event, EventStatus
from planner.extensions import db
from tests.conftest import ROOT, require
from tests.factories import (
    PASSWORD,
    make_commemoration,
    make_event,
    make_organisation,
    make_user,
    make_venue,
)
from tests.manage_support import fast_passwords  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fast_passwords")]


# A refused form answers 409 (a clash) or 422 (a mistake) on purpose; Chromium logs that.
_REFUSED_FORM = re.compile(r"status of (409|422) ")


def watch_for_errors(page) -> list[str]:
    """Script errors and Content-Security-Policy refusals seen on the page from now on (a
    missing favicon and a form refused on purpose are no concern)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_console(message) -> None:
        url = (message.location or {}).get("url", "")
        if message.type != "error" or "favicon" in url or _REFUSED_FORM.search(message.text):
            return
        errors.append(message.text)

    page.on("console", on_console)
    return errors


def sign_in_browser(page, base_url: str, user, password: str = PASSWORD) -> None:
    """Sign in through the sign-in form, as a person would."""
    page.goto(base_url + "/login")
    page.fill("#email", user.email)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + "/manage/")


def test_an_organiser_plans_a_vigil_confirms_a_clash_and_publishes(app, live_server, page):
    june = make_commemoration()
    make_venue()
    group = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    others = make_organisation(slug="other-group", name={"en": "Another Group"})
    organiser = make_user("organiser@example.org", memberships={group: "editor"})
    day = june.next_occurrence()
    # Another group's vigil at the monument, 18:30–20:00 local time (15:30 UTC in summer).
    make_event(
        title={"en": "Their candle vigil"},
        organisations=[others],
        starts_at=datetime(day.year, day.month, day.day, 15, 30, tzinfo=UTC),
    )
    errors = watch_for_errors(page)

    page.goto(live_server + "/healthz")
    sign_in_browser(page, live_server, organiser)
    page.goto(live_server + "/manage/")
    assert page.locator("h1").inner_text() == "Your events"
    page.get_by_role("link", name="Plan an event", exact=True).click()

    page.get_by_label("Day of remembrance (optional)").select_option("june-deportation-1941")
    page.get_by_role("button", name="Suggest date and title").click()
    title = page.get_by_label("Title in English")
    expected_title = (
        f"Vigil — {ordinal_en(day.year - 1941)} anniversary of the June deportation of 1941"
    )
    assert title.input_value() == expected_title
    assert page.get_by_label("Date", exact=True).input_value() == day.isoformat()

    page.get_by_label("Venue").select_option("freedom-monument-riga")
    assert page.locator("#venue-zone").inner_text() == "Europe/Riga"
    page.get_by_label("Starts at").fill("18:00")
    page.get_by_label("Ends at").fill("19:00")
    page.get_by_role("button", name="Save as draft").click()

    warning = page.locator("#clash-warning")
    assert "The venue is already taken at that time" in warning.inner_text()
    assert "Their candle vigil" in warning.inner_text()
    assert "Another Group" in warning.inner_text()
    db.session.expire_all()
    assert len(db.session.execute(select(Event)).scalars().all()) == 1  # nothing saved yet

    page.get_by_label("I know about the clash, save anyway").check()
    page.get_by_role("button", name="Save as draft").click()
    assert "Saved as a draft" in page.locator(".flashes").inner_text()
    assert page.locator("h1").inner_text() == expected_title

    page.get_by_label("I know about the clash, publish anyway").check()
    page.get_by_role("button", name="Publish", exact=True).click()
    assert "Published" in page.locator(".flashes").inner_text()

    db.session.expire_all()
    events = db.session.execute(select(Event)).scalars().all()
    mine = next(event for event in events if event.title.get("en") == expected_title)
    assert mine.status == EventStatus.SCHEDULED
    assert mine.starts_at == datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC)

    # The public sees it: on its own page, reached from the organiser's page, and in the feed.
    page.goto(f"{live_server}/manage/events/{mine.slug}")
    page.get_by_role("link", name="Open the public page").click()
    assert page.url == f"{live_server}/events/{mine.slug}"
    assert page.locator("h1").inner_text() == expected_title
    assert "Freedom Monument" in page.locator("main").inner_text()
    feed = page.request.get(live_server + "/organisations/helsinki-86/events.ics")
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    (vevent,) = icalendar.Calendar.from_ical(feed.body()).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == expected_title
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert vevent.decoded("SEQUENCE") == 0
    assert vevent.decoded("DTSTART") == mine.starts_at
    assert str(vevent["URL"]).endswith(f"/events/{mine.slug}")

    page.goto(live_server + "/manage/")
    upcoming = page.locator("#upcoming-heading + .manage-list")
    assert expected_title in upcoming.inner_text()
    page.goto(live_server + "/")
    assert expected_title in page.locator("main").inner_text()
    assert errors == []


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def open_page(chromium):
    """A page whose context lets axe-core be injected despite the strict CSP."""
    context = chromium.new_context(bypass_csp=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_organiser_pages_pass_axe(app, live_server, open_page):
    require(AXE.exists(), "axe-core not installed (run `npm ci`, which `make test` does)")
    june = make_commemoration()
    make_venue()
    group = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    organiser = make_user("organiser@example.org", memberships={group: "editor"})
    event = make_event(
        title={"en": "Vigil"},
        organisations=[group],
        commemoration=june,
        starts_at=datetime(2099, 6, 14, 15, tzinfo=UTC),
    )
    page = open_page
    page.goto(live_server + "/healthz")
    sign_in_browser(page, live_server, organiser)
    for path in (
        "/manage/",
        "/manage/events/new?commemoration=june-deportation-1941",
        f"/manage/events/{event.slug}",
        f"/manage/events/{event.slug}/edit",
        f"/manage/events/{event.slug}/preview",
        "/manage/organisations/helsinki-86/activity",
    ):
        page.goto(live_server + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa',"
            " 'wcag22aa']})).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target)"
            ".join(' '))"
        )
        assert result == [], f"{path}: {result}"
