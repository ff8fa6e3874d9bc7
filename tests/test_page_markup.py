"""The public pages are valid HTML (Nu HTML Checker) and pass axe-core's WCAG 2.2 AA rules."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from planner.events.operations import postpone
from planner.extensions import db
from tests.conftest import ROOT, require
from tests.factories import make_commemoration, make_event, make_organisation, make_venue

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FUTURE = datetime(2099, 6, 14, 15, 0, tzinfo=UTC)


@pytest.fixture
def public_site(app) -> dict[str, str]:
    """A small site with every kind of page; returns {name: path}."""
    june = make_commemoration()
    venue = make_venue(accessibility_notes={"en": "Step-free access from the park side."})
    make_venue(
        slug="freedom-square-tallinn",
        name={"en": "Freedom Square"},
        address="Vabaduse väljak",
        city="Tallinn",
        country="EE",
    )
    helsinki = make_organisation(
        slug="helsinki-86",
        name={"en": "Helsinki-86"},
        description={"en": "A civic group. See [its history](https://example.org/history)."},
        website="https://example.org/helsinki-86",
    )
    memento = make_organisation(slug="memento", name={"en": "Memento"}, country="EE")
    scheduled = make_event(
        title={"en": "Candle vigil"},
        description={"en": "# Programme\n\nBring a **candle**.\n\n- Words\n- Silence"},
        commemoration=june,
        venue=venue,
        organisations=[helsinki, memento],
        starts_at=FUTURE,
    )
    cancelled = make_event(
        title={"en": "Flower-laying"},
        status="cancelled",
        commemoration=june,
        venue=venue,
        organisations=[helsinki],
        starts_at=FUTURE,
    )
    moved = make_event(
        title={"en": "Reading of names"}, venue=venue, organisations=[memento], starts_at=FUTURE
    )
    postpone(
        moved, None, note={"en": "Moved by a day."}, starts_at=datetime(2099, 6, 15, 15, tzinfo=UTC)
    )
    make_event(
        title={"en": "Vigil of 2001"},
        commemoration=june,
        venue=venue,
        organisations=[helsinki],
        starts_at=datetime(2001, 6, 14, 15, tzinfo=UTC),
    )
    db.session.commit()
    return {
        "home": "/",
        "events": "/events",
        "events-filtered": "/events?country=lv&commemoration=june-deportation-1941&q=vigil",
        "month": "/events/calendar/2099/6",
        "archive": "/events?when=past",
        "event-scheduled": f"/events/{scheduled.slug}",
        "event-cancelled": f"/events/{cancelled.slug}",
        "event-postponed": f"/events/{moved.slug}",
        "poster": f"/events/{scheduled.slug}/poster",
        "commemorations": "/commemorations",
        "commemoration": "/commemorations/june-deportation-1941",
        "venues": "/venues",
        "venue": "/venues/freedom-monument-riga",
        "organisations": "/organisations",
        "organisation": "/organisations/helsinki-86",
        "not-found": "/events/no-such-event",
        "bad-request": "/events?from=not-a-date",
    }


@pytest.mark.java
def test_public_pages_are_valid_html(client, public_site, tmp_path: Path):
    require(shutil.which("java") is not None, "Java not found (needed for the Nu HTML Checker)")
    require(VNU.exists(), "vnu-jar not installed (run `npm ci`, which `make test` does)")
    files = []
    for name, path in public_site.items():
        response = client.get(path)
        assert response.mimetype == "text/html", path
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.data)
        files.append(str(file))
    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(checked.stdout)["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]
    assert errors == []
    assert len(files) == len(public_site)


@pytest.mark.browser
def test_public_pages_pass_axe_wcag_22_aa(chromium, live_server, public_site):
    require(AXE.exists(), "axe-core not installed (run `npm ci`, which `make test` does)")
    # The pages' CSP forbids inline script, which is how a script tag is injected: bypass it
    # in this test only.
    context = chromium.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        found = {}
        for name, path in public_site.items():
            page.goto(live_server + path)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
            )
            assert result["passes"], f"axe checked nothing on {name}"
            violations = [
                f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'])})"
                for v in result["violations"]
            ]
            if violations:
                found[name] = violations
        assert found == {}
    finally:
        context.close()
