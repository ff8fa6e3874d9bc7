"""axe-core finds no WCAG 2.2 AA violations on the account and administration screens."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.accounts.operations import invite
from planner.extensions import db
from planner.organisations.models import Role
from tests.conftest import ROOT, require
from tests.factories import PASSWORD, make_commemoration, make_organisation, make_user, make_venue

pytestmark = pytest.mark.browser
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def violations(page) -> list[str]:
    page.add_script_tag(content=Path(AXE).read_text())
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))",
        WCAG,
    )
    return found


def test_account_and_admin_screens_pass_axe(live_server, chromium, app):
    require(AXE.exists(), "axe-core not installed (run `npm ci`)")
    museum = make_organisation(slug="museum", name={"en": "The Museum"})
    admin = make_user("admin@example.org", is_admin=True, memberships={museum: "owner"})
    make_user("editor@example.org", memberships={museum: "editor"})
    make_commemoration()
    make_venue()
    _invitation, token = invite(admin, "new@example.org", organisation=museum, role=Role.EDITOR)
    db.session.commit()

    # Bypassing the CSP only lets the test inject axe; the pages are the real ones.
    context = chromium.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        results = {}
        page.goto(f"{live_server}/invitations/{token}")
        results["accept invitation"] = violations(page)
        page.goto(f"{live_server}/login")
        page.get_by_label("E-mail address").fill("admin@example.org")
        page.get_by_label("Password").fill("wrong password")
        page.get_by_role("button", name="Sign in").click()
        results["sign in, failed"] = violations(page)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        for name, path in [
            ("members", "/manage/organisations/museum/members"),
            ("password", "/account/password"),
            ("admin", "/manage/admin/"),
            ("commemorations", "/manage/admin/commemorations"),
            ("commemoration", "/manage/admin/commemorations/june-deportation-1941/edit"),
            ("venue", "/manage/admin/venues/freedom-monument-riga/edit"),
            ("organisation", "/manage/admin/organisations/museum/edit"),
            ("accounts", "/manage/admin/users"),
            ("invite", "/manage/admin/users/invite"),
        ]:
            page.goto(f"{live_server}{path}")
            results[name] = violations(page)
        page.goto(f"{live_server}/manage/admin/venues/new")
        page.get_by_label("Latitude").fill("100")
        page.get_by_role("button", name="Save").click()
        results["venue with errors"] = violations(page)
        page.goto(f"{live_server}/manage/organisations/museum/members")
        page.get_by_label("Their e-mail address").fill("another@example.org")
        page.get_by_role("button", name="Create invitation").click()
        results["invitation sent"] = violations(page)
    finally:
        context.close()
    assert {name: found for name, found in results.items() if found} == {}
