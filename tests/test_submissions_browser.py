"""The proposal form in a real browser, on a phone and on a desktop."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select

from planner.accounts.models import User
from planner.events.models import EventKind
from planner.extensions import db
from planner.submissions.models import Submission
from tests.conftest import require, sign_in_client
from tests.factories import PASSWORD, make_commemoration, make_venue
from tests.submission_support import RIGA, next_june_14
from tests.test_page_markup import AXE, VNU, WCAG_TAGS


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_a_parish_fills_in_the_proposal_form(app, live_server, chromium, width, height):
    make_commemoration()
    make_venue()
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="lv-LV")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/events")
        page.get_by_role("link", name="Piesakiet to").click()
        page.wait_for_url("**/submit")
        # Nothing wider than the screen: the form fits a phone without sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # The hidden field is hidden from people (a robot reading the HTML still finds it).
        assert not page.locator("#website").is_visible()
        assert page.locator("#language").input_value() == "lv"
        assert page.locator("#venue_country").input_value() == "LV"

        page.get_by_label("Pasākuma nosaukums").fill("Svecīšu vakars Sv. Jāņa baznīcā")
        page.get_by_label("Piemiņas diena (pēc izvēles)").select_option("june-deportation-1941")
        page.get_by_label("Jaunās norises vietas nosaukums").fill("Sv. Jāņa baznīca")
        page.get_by_label("Iela un mājas numurs").fill("Jāņa iela 7")
        page.get_by_label("Apdzīvotā vieta vai pilsēta").fill("Rīga")
        page.get_by_label("Datums").fill(next_june_14().isoformat())
        page.get_by_label("Sākas").fill("19:00")
        page.get_by_label("Beidzas").fill("20:00")
        page.get_by_label("Jūsu grupas nosaukums").fill("Sv. Jāņa draudze")
        page.get_by_label("Jūsu e-pasta adrese").fill("draudze@example.org")
        page.get_by_role("button", name="Nosūtīt pieteikumu").click()

        page.wait_for_url("**/submit/*")
        assert page.get_by_role("heading", name="Paldies, jūsu pieteikums ir saņemts").is_visible()
        link = page.locator("#private-link").input_value()
        assert link.startswith(f"{live_server}/submit/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
    with app.app_context():
        submission = db.session.execute(select(Submission)).scalar_one()
        assert submission.title == "Svecīšu vakars Sv. Jāņa baznīcā"
        assert submission.language == "lv" and submission.country == "LV"


def _pages(app) -> dict[str, str]:
    """One of each submission page, as its path (signed-in pages use the admin's session)."""
    from planner.submissions import operations
    from tests.factories import make_user
    from tests.submission_support import proposal

    make_commemoration()
    make_venue()
    make_user("admin@example.org", is_admin=True)
    values = proposal()
    form = {
        "language": values["language"],
        "title": values["title"],
        "description": values["description"],
        "kind": EventKind(values["kind"]),
        "commemoration": None,
        "venue": None,
        "venue_name": values["venue_name"],
        "venue_address": values["venue_address"],
        "venue_city": values["venue_city"],
        "country": "LV",
        "timezone": "Europe/Riga",
        "starts_at": datetime.combine(next_june_14(), time(19), RIGA),
        "ends_at": datetime.combine(next_june_14(), time(20), RIGA),
        "group_name": values["group_name"],
        "contact_email": values["contact_email"],
    }
    pending, pending_token = operations.submit(dict(form))
    returned, returned_token = operations.submit(dict(form))
    operations.return_to_submitter(
        returned, None, "Lūdzu, norādiet laiku.", expected_version=returned.version
    )
    db.session.commit()
    return {
        "submit": "/submit",
        "received": f"/submit/{pending_token}?received=1",
        "returned": f"/submit/{returned_token}",
        "queue": "/manage/moderation",
        "detail": f"/manage/moderation/{pending.id}",
        "moderators": "/manage/moderation/moderators",
    }


@pytest.mark.java
def test_the_submission_pages_are_valid_html(app, tmp_path):
    require(shutil.which("java") is not None, "Java not found (needed for the Nu HTML Checker)")
    require(VNU.exists(), "vnu-jar not installed (run `npm ci`, which `make test` does)")
    pages = _pages(app)
    admin = app.test_client()
    sign_in_client(admin, db.session.execute(select(User)).scalar_one())
    files = []
    for name, path in pages.items():
        response = admin.get(path)
        assert response.status_code == 200, path
        (tmp_path / f"{name}.html").write_bytes(response.data)
        files.append(str(tmp_path / f"{name}.html"))
    refused = app.test_client().post("/submit", data={})  # no token: the error page
    (tmp_path / "refused.html").write_bytes(refused.data)
    files.append(str(tmp_path / "refused.html"))
    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in json.loads(checked.stdout)["messages"]
        if m["type"] in ("error", "non-document-error")
    ]
    assert errors == []


@pytest.mark.browser
def test_the_submission_pages_pass_axe(app, live_server, chromium):
    require(AXE.exists(), "axe-core not installed (run `npm ci`, which `make test` does)")
    pages = _pages(app)
    context = chromium.new_context(bypass_csp=True)
    page = context.new_page()
    found = {}
    try:
        # None: the form sent with every field missing.
        pages_seen = {"submit, with errors": None, **pages}
        page.goto(f"{live_server}/login")
        page.get_by_label("E-mail address").fill("admin@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        for name, path in pages_seen.items():
            if path is None:
                page.goto(f"{live_server}/submit")
                page.get_by_role("button", name="Send the proposal").click()
            else:
                page.goto(live_server + path)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
            )
            violations = [
                f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'])})"
                for v in result["violations"]
            ]
            if violations:
                found[name] = violations
    finally:
        context.close()
    assert found == {}
