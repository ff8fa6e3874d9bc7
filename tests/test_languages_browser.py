"""A Latvian reader on a phone (390 px wide): home → event → subscribe → poster, axe-clean."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import g

from planner.demo import load_demo
from planner.extensions import db
from tests.conftest import require
from tests.test_accounts_accessibility import AXE, violations

pytestmark = pytest.mark.browser


def test_a_latvian_reader_on_a_phone_finds_an_event_subscribes_and_prints_its_poster(
    live_server, chromium, app
):
    require(AXE.exists(), "axe-core not installed (run `npm ci`)")
    load_demo()
    db.session.commit()
    g.pop("_flask_babel", None)
    # Bypassing the CSP only lets the test inject axe; the pages are the real ones.
    context = chromium.new_context(
        bypass_csp=True,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = context.new_page()
    try:
        results = {}
        page.goto(f"{live_server}/?lang=lv")
        assert page.locator("html").get_attribute("lang") == "lv"
        results["home"] = violations(page)
        fits_the_screen(page)

        page.get_by_role("link", name="Gājiens uz Brīvības pieminekli").first.click()
        assert page.locator("h1").inner_text() == "Gājiens uz Brīvības pieminekli"
        results["event"] = violations(page)
        fits_the_screen(page)

        # One subscribe control: the page's own day of remembrance is open, the rest closed.
        control = page.locator(".subscribe-box")
        assert control.count() == 1
        choices = control.locator("details.feed-choice")
        first = choices.first
        assert first.get_attribute("open") is not None
        assert "(14. jūnijs)" in first.locator("summary").inner_text() or "(25. marts)" in (
            first.locator("summary").inner_text()
        )
        country = choices.filter(has_text="Pasākumi Latvijā")
        country.locator("summary").click()
        webcal = country.get_by_role("link", name="Apple Calendar, Thunderbird").get_attribute(
            "href"
        )
        assert webcal.startswith("webcal://")
        assert parse_qs(urlsplit(webcal).query) == {"lang": ["lv"]}
        address = country.locator("input.feed-address-text").input_value()
        assert urlsplit(address).path == "/countries/lv/events.ics"
        country.get_by_role("button", name="Kopēt adresi").click()
        page.wait_for_function(
            "document.querySelector('.feed-copy-status').textContent === 'Nokopēts'"
        )
        assert page.evaluate("navigator.clipboard.readText()") == address
        results["event, subscribing"] = violations(page)
        feed = page.request.get(address).text()
        assert "X-WR-CALNAME:Pasākumi Latvijā" in feed.replace("\r\n ", "")

        page.get_by_role("link", name="Drukājams plakāts ar QR kodu").click()
        results["poster"] = violations(page)
        fits_the_screen(page)
        page.get_by_role("button", name="Drukāt plakātu").wait_for(state="visible", timeout=5000)
        time_text = page.locator(".poster-time").inner_text()
        assert "(" not in time_text and "EEST" not in time_text and "EET" not in time_text
        page.emulate_media(media="print")
        assert not page.get_by_role("button", name="Drukāt plakātu").is_visible()
        assert results == {name: [] for name in results}
    finally:
        context.close()


def fits_the_screen(page) -> None:
    """Nothing is wider than the phone's screen (no sideways scrolling)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, page.url


def test_the_filter_form_lines_up_and_shows_whole_choices(live_server, chromium, app):
    load_demo()
    db.session.commit()
    g.pop("_flask_babel", None)
    for width in (390, 1200):
        context = chromium.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            page.goto(f"{live_server}/events?lang=lv")
            # Controls in one row start at the same height, whatever their labels' lengths.
            cells = page.eval_on_selector_all(
                ".filters .field",
                "els => els.map(f => [Math.round(f.getBoundingClientRect().top),"
                " Math.round(f.querySelector('input, select').getBoundingClientRect().bottom)])",
            )
            rows: dict[int, set[int]] = {}
            for cell_top, control_bottom in cells:
                rows.setdefault(cell_top, set()).add(control_bottom)
            assert all(max(row) - min(row) <= 2 for row in rows.values()), (width, cells)
            # The chosen text of every select fits in it (measured in its own font).
            cut = page.eval_on_selector_all(
                ".filters select",
                """els => els.filter(e => {
                    const c = document.createElement('canvas').getContext('2d');
                    const s = getComputedStyle(e);
                    c.font = s.font;
                    const text = e.options[e.selectedIndex].text;
                    const room = e.clientWidth - parseFloat(s.paddingLeft)
                        - parseFloat(s.paddingRight) - 16;
                    return c.measureText(text).width > room;
                }).map(e => e.id)""",
            )
            assert cut == [], width
            if width == 390:
                fits_the_screen(page)
        finally:
            context.close()


def test_the_scripts_run_under_the_content_security_policy(live_server, page, app):
    load_demo()
    db.session.commit()
    g.pop("_flask_babel", None)
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(f"{live_server}/events?lang=lt")
    page.locator(".event-title a").first.click()
    page.locator(".feed-copy").first.wait_for(state="visible", timeout=5000)
    page.locator(".poster-link a").click()
    page.get_by_role("button", name="Spausdinti plakatą").wait_for(state="visible", timeout=5000)
    assert [text for text in errors if "Content Security Policy" in text] == []
