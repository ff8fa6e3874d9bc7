"""An editor's day in a real browser, on a phone and on a desktop: plan, publish, postpone
(the form holds the current time), then a stale edit that says what changed and what did not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.events.models import Event, EventStatus
from planner.extensions import db
from tests.conftest import require
from tests.factories import make_commemoration, make_organisation, make_user, make_venue
from tests.manage_support import fast_passwords  # noqa: F401  (a fixture)
from tests.test_manage_browser import AXE, sign_in_browser, watch_for_errors

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fast_passwords")]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def _accessible(page) -> None:
    """No WCAG 2.2 AA violation that axe-core finds on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa',"
        " 'wcag22aa']})).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target)"
        ".join(' '))"
    )
    assert violations == [], f"{page.url}: {violations}"


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


@pytest.mark.parametrize("device", VIEWPORTS)
def test_an_editor_plans_publishes_postpones_and_understands_a_stale_edit(
    app, live_server, chromium, device
):
    june = make_commemoration()
    make_venue()
    group = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    make_organisation(slug="other-group", name={"en": "Another Group"})
    editor = make_user("editor@example.org", memberships={group: "editor"})
    colleague = make_user("colleague@example.org", memberships={group: "editor"})
    colleague.display_name = "Colleague"
    db.session.commit()
    day = june.next_occurrence()

    require(AXE.exists(), "axe-core not installed (run `npm ci`, which `make test` does)")
    # axe-core is injected into the pages, which the strict CSP would refuse.
    context = chromium.new_context(viewport=VIEWPORTS[device], bypass_csp=True)
    page = context.new_page()
    errors = watch_for_errors(page)
    sign_in_browser(page, live_server, editor)

    # Plan: the suggestion fills the date and title; the co-hosts do not offer the host.
    page.goto(live_server + "/manage/events/new")
    page.get_by_label("Day of remembrance (optional)").select_option("june-deportation-1941")
    page.get_by_role("button", name="Suggest date and title").click()
    assert page.get_by_label("Date", exact=True).input_value() == day.isoformat()
    cohosts = page.locator("#cohosts").text_content()
    assert "Another Group" in cohosts and "Helsinki-86" not in cohosts
    page.get_by_label("Venue").select_option("freedom-monument-riga")
    page.get_by_label("Starts at").fill("18:00")
    page.get_by_label("Ends at").fill("19:00")
    page.get_by_role("button", name="Save as draft").click()
    assert "Saved as a draft" in page.locator(".flashes").inner_text()
    _fits(page)

    page.get_by_role("button", name="Publish", exact=True).click()
    assert "Published" in page.locator(".flashes").inner_text()
    event = db.session.execute(db.select(Event)).scalar_one()
    slug = event.slug

    # Postpone: the form holds the current date and times; move it one hour later.
    page.locator("summary", has_text="Postpone…").click()
    assert page.get_by_label("New date", exact=True).input_value() == day.isoformat()
    assert page.get_by_label("New start time").input_value() == "18:00"
    assert page.get_by_label("New end time (optional)").input_value() == "19:00"
    page.get_by_label("New start time").fill("19:00")
    page.get_by_label("New end time (optional)").fill("20:00")
    _fits(page)
    page.get_by_role("button", name="Postpone the event").click()
    assert "Postponed to the new time" in page.locator(".flashes").inner_text()
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.status == EventStatus.POSTPONED
    assert event.starts_at - event.previous_starts_at == timedelta(hours=1)

    # Cancelling asks first, without script.
    page.locator("summary", has_text="Cancel…").click()
    page.get_by_role("button", name="Cancel the event…").click()
    assert page.locator("h1").inner_text().startswith("Cancel “")
    _accessible(page)
    _fits(page)
    page.get_by_role("link", name="No, keep it").click()
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.POSTPONED

    # A stale edit: the editor opens the form, a colleague saves a new title meanwhile.
    page.goto(f"{live_server}/manage/events/{slug}/edit")
    old_title = page.get_by_label("Title in English").input_value()
    other = chromium.new_context(viewport=VIEWPORTS[device])
    colleague_page = other.new_page()
    sign_in_browser(colleague_page, live_server, colleague)
    colleague_page.goto(f"{live_server}/manage/events/{slug}/edit")
    colleague_page.get_by_label("Title in English").fill("Candles at the monument")
    colleague_page.get_by_role("button", name="Save changes").click()
    assert "Your changes were saved" in colleague_page.locator(".flashes").inner_text()
    other.close()

    page.get_by_label("Ends at").fill("20:30")
    page.get_by_role("button", name="Save changes").click()
    alert = page.locator(".notice-error")
    assert "This event was changed by Colleague" in alert.inner_text()
    theirs = page.locator("#their-changes").inner_text()
    assert old_title in theirs and "Candles at the monument" in theirs
    yours = page.locator("#your-changes").inner_text()
    assert "Ends at" in yours and "20:30" in yours
    assert "Title" not in yours
    # The form now holds the current version: the colleague's title is kept.
    assert page.get_by_label("Title in English").input_value() == "Candles at the monument"
    _fits(page)
    _accessible(page)
    page.screenshot(path=f"/tmp/organiser-day-{device}.png", full_page=True)
    context.close()
    assert errors == []
