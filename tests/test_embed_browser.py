"""The embed in a real browser: a partner page on another origin with two snippets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import render_template_string

from tests.conftest import ROOT
from tests.embed_support import fits_its_content, partner_site_fixture  # noqa: F401
from tests.factories import make_event, make_organisation

pytestmark = pytest.mark.browser

FUTURE = datetime(2099, 6, 14, 15, 0, tzinfo=UTC)
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _plan_events():
    helsinki = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    museum = make_organisation(
        slug="occupation-museum",
        name={"en": "Museum of the Occupation", "lv": "Okupācijas muzejs"},
    )
    for day in range(6):
        make_event(
            title={"en": f"Helsinki-86 flowers {day}"},
            organisations=[helsinki],
            starts_at=FUTURE + timedelta(days=day),
        )
    make_event(
        title={"en": "Museum reading of names", "lv": "Vārdu lasījums muzejā"},
        organisations=[museum],
        starts_at=FUTURE,
    )


def test_two_snippets_on_a_partner_page_show_their_own_events_and_fit_them(
    app, live_server, partner_site, page
):
    _plan_events()
    pages, partner = partner_site
    pages["/events.html"] = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A partner museum</title></head>
<body>
  <h1>Remembrance at the museum</h1>
  <script src="/widgets/embed.js"></script>
  <section id="first">
    <script src="{live_server}/embed.js" data-organisation="helsinki-86" async></script>
  </section>
  <section id="second">
    <script src="{live_server}/embed.js" data-organisation="occupation-museum" data-lang="lv"
            data-accent="#225533" data-theme="dark" async></script>
  </section>
  <section id="plain">
    <iframe id="plain-frame" src="{live_server}/embed/events?organisation=helsinki-86&limit=1"
            title="Remembrance events" height="480" loading="lazy"></iframe>
  </section>
  <section id="refused">
    <iframe id="home-frame" src="{live_server}/" title="Not an embed"></iframe>
  </section>
</body></html>"""
    # The partner's own script of the same file name is none of the loader's business.
    pages["/widgets/embed.js"] = "window.partnerWidget = true;"
    page.goto(f"{partner}/events.html")
    page.wait_for_function(
        "() => document.querySelectorAll('iframe.remembrance-planner-embed').length === 2"
    )
    page.wait_for_load_state("load")
    assert page.evaluate("window.partnerWidget") is True
    assert page.eval_on_selector_all("iframe.remembrance-planner-embed", "f => f.length") == 2
    assert (
        page.eval_on_selector("script[src='/widgets/embed.js']", "s => s.dataset.embedded") is None
    )
    first_frame, second_frame = (
        handle.content_frame()
        for handle in page.query_selector_all("iframe.remembrance-planner-embed")
    )
    # Each frame sits right after its own script.
    assert page.eval_on_selector(
        "#first iframe", "frame => frame.previousElementSibling.tagName"
    ) == ("SCRIPT")
    assert page.eval_on_selector("#first iframe", "frame => frame.title")

    first_frame.wait_for_selector("li.embed-event")
    first_text = first_frame.inner_text("body")
    assert first_text.count("Helsinki-86 flowers") == 6
    assert "Museum reading of names" not in first_text

    second_frame.wait_for_selector("li.embed-event")
    assert second_frame.evaluate("document.documentElement.lang") == "lv"
    second_text = second_frame.inner_text("body")
    assert "Vārdu lasījums muzejā" in second_text
    assert "Helsinki-86" not in second_text

    # The long listing grows past the fallback height, the short one shrinks below it.
    fits_its_content(first_frame)
    fits_its_content(second_frame)
    heights = [
        page.eval_on_selector(f"#{name} iframe", "f => f.getBoundingClientRect().height")
        for name in ("first", "second")
    ]
    assert heights[0] > 480 > heights[1]
    # The frame's accessible name comes from the listing once it reports, in its language.
    title = page.eval_on_selector("#second iframe", "f => f.title")
    assert title.startswith("Piemiņas pasākumi")

    # Forged sizes are ignored: from the partner page itself (wrong origin), and from our
    # other frame naming the first one (wrong source).
    first_id = page.eval_on_selector(
        "#first iframe", "f => new URL(f.src).searchParams.get('frame')"
    )
    listen = """() => { window.delivered = new Promise(resolve => window.addEventListener(
        'message', event => { if (event.data === 'done') resolve(); })); }"""
    forge = """([target, id]) => {
        target = target === 'parent' ? window.parent : window;
        target.postMessage({type: 'remembrance-planner:height', height: 7, id: id}, '*');
        target.postMessage('done', '*');
    }"""
    page.evaluate(listen)
    page.evaluate(forge, ["self", first_id])
    page.evaluate("() => window.delivered")
    page.evaluate(listen)
    second_frame.evaluate(forge, ["parent", first_id])
    page.evaluate("() => window.delivered")
    assert page.eval_on_selector(
        "#first iframe", "f => f.getBoundingClientRect().height"
    ) == pytest.approx(heights[0])

    for frame in (first_frame, second_frame):
        targets = frame.eval_on_selector_all("a", "links => links.map(a => a.target)")
        assert targets and set(targets) == {"_blank"}

    with page.expect_popup() as popup:
        first_frame.click("li.embed-event a")
    assert popup.value.url.startswith(f"{live_server}/events/helsinki-86-flowers-0")
    # The partner page stays where it was.
    assert page.url == f"{partner}/events.html"

    plain = page.query_selector("#plain-frame").content_frame()
    plain.wait_for_selector("li.embed-event")
    assert plain.inner_text("body").count("Helsinki-86 flowers") == 1

    # Our other pages refuse to be framed: the frame holds none of our content.
    home = page.query_selector("#home-frame").content_frame()
    assert home.url != f"{live_server}/"
    assert "Days of remembrance" not in home.content()


def test_a_frame_that_cannot_report_keeps_the_fallback_height(app, live_server, partner_site, page):
    _plan_events()
    pages, partner = partner_site
    pages["/quiet.html"] = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Partner</title></head>
<body><script src="{live_server}/embed.js" data-organisation="occupation-museum" async></script>
</body></html>"""
    # The listing's reporting script never arrives (blocked, say, by a proxy).
    page.route(
        f"{live_server}/static/embed/frame.js",
        lambda route: route.fulfill(status=404, body=""),
    )
    page.goto(f"{partner}/quiet.html")
    frame = page.wait_for_selector("iframe.remembrance-planner-embed").content_frame()
    frame.wait_for_selector("text=Museum reading of names")
    frame.wait_for_load_state("load")
    assert page.eval_on_selector("iframe", "f => f.getBoundingClientRect().height") == 480


def test_an_error_page_in_the_frame_is_sized_too(live_server, partner_site, page):
    pages, partner = partner_site
    pages["/typo.html"] = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Partner</title></head>
<body><script src="{live_server}/embed.js" data-organisation="no-such-group" async></script>
</body></html>"""
    page.goto(f"{partner}/typo.html")
    frame = page.wait_for_selector("iframe.remembrance-planner-embed").content_frame()
    frame.wait_for_selector("text=This listing cannot be shown")
    fits_its_content(frame)
    assert page.eval_on_selector("iframe", "f => f.getBoundingClientRect().height") < 480


def _axe_violations(target, context: str = "document") -> list:
    target.evaluate(AXE.read_text())
    return target.evaluate(
        f"async () => (await axe.run({context})).violations"
        ".map(v => ({id: v.id, nodes: v.nodes.map(n => n.target)}))"
    )


@pytest.mark.parametrize(
    "query",
    ["", "?theme=dark", "?accent=ffff00", "?theme=dark&accent=000080&lang=lv", "?organisation=x"],
)
def test_axe_finds_no_violations_in_the_listing(app, live_server, page, node, query):
    _plan_events()
    from planner.events.operations import cancel
    from planner.extensions import db
    from tests.factories import make_event as plan

    cancel(plan(title={"en": "Called off"}, starts_at=FUTURE), None, note={"en": "Storm."})
    db.session.commit()
    page.goto(f"{live_server}/embed/events{query}")
    assert _axe_violations(page) == []


def test_the_snippet_box_copies_the_code_and_previews_the_listing(app, live_server, chromium, node):
    _plan_events()

    @app.get("/test-only/snippet-box")
    def snippet_box_page():
        return render_template_string(
            '{% extends "base.html" %}{% block content %}'
            '{% include "embed/_snippet_box.html" %}{% endblock %}',
            embed_filter_name="organisation",
            embed_filter_value="helsinki-86",
        )

    context = chromium.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/test-only/snippet-box")
        page.click("text=Copy the embed code")
        page.wait_for_selector(".embed-copy-status:text('Copied')")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == (
            f'<script src="{live_server}/embed.js" data-organisation="helsinki-86" data-lang="en" '
            "async></script>"
        )
        page.click("text=Copy the frame code")
        page.wait_for_selector(".embed-copy-status:text('Copied')")
        assert page.evaluate("navigator.clipboard.readText()").startswith("<iframe src=")

        preview = page.query_selector("iframe.embed-preview").content_frame()
        preview.wait_for_selector("li.embed-event")
        assert preview.inner_text("body").count("Helsinki-86 flowers") == 6
        fits_its_content(preview)
        assert _axe_violations(page, "'.embed-box'") == []
    finally:
        context.close()
