"""In a real browser: signing in through the form, and the live check of a commemoration's rule."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_admin_signs_in_and_sees_a_typed_rule_checked_live(live_server, page, app):
    make_user("admin@example.org", is_admin=True)
    problems: list[str] = []

    def on_console(message):
        # The browser asks for /favicon.ico by itself; the site has none.
        if message.type == "error" and "favicon" not in message.location.get("url", ""):
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server}/manage/admin/commemorations/new")
    assert "/login" in page.url
    page.get_by_label("E-mail address").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/manage/admin/commemorations/new")

    check = page.locator("#rrule-check")
    page.get_by_label("Month", exact=True).select_option("3")
    page.get_by_label("Day", exact=True).fill("25")
    check.locator("li").nth(2).wait_for()
    assert "25 March" in check.inner_text()

    page.get_by_label("By a rule (for example, the third Sunday of May)").check()
    page.get_by_label("Recurrence rule (RRULE)").fill("FREQ=YEARLY;BYMONTH=5;BYDAY=3SU")
    expect(check).to_contain_text("May")
    assert check.locator("li").count() == 3
    assert "The rule is valid." in check.inner_text()

    page.get_by_label("Recurrence rule (RRULE)").fill("FREQ=WEEKLY")
    expect(check).to_contain_text("yearly")
    assert check.locator("li").count() == 0
    assert problems == []


def test_on_a_phone_the_admin_lists_scroll_inside_their_tables(live_server, page, app):
    from tests.factories import make_commemoration, make_organisation, make_venue

    make_user("admin@example.org", is_admin=True)
    make_commemoration()
    make_venue(name={"en": "Memorial to the Victims of Communism (Maarjamäe)"})
    make_organisation(slug="helsinki-86", name={"en": "Helsinki-86 (Human Rights Defence Group)"})
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail address").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    for path in ("venues", "organisations", "users", "commemorations"):
        page.goto(f"{live_server}/manage/admin/{path}")
        assert page.locator("table.data-table").count() == 1
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{path}: the page is wider than the phone: {widths}"
