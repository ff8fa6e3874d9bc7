"""In a real browser, on a phone (390 px) and a desktop: the members and accounts screens fit the
screen and their buttons can be read; an owner invites, copies the link and revokes an invitation.
"""

from __future__ import annotations

import pytest

from planner.accounts.operations import invite
from planner.extensions import db
from planner.organisations.models import Role
from tests.factories import PASSWORD, make_organisation, make_user

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Each visible button: its label, the contrast of its text against what is behind it, and
# whether it lies within the window's width.
BUTTONS = """
() => {
  const channels = (colour) => (colour.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const lin = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const value = channels(getComputedStyle(node).backgroundColor);
      if (value.length === 3 || (value.length === 4 && value[3] > 0)) return value.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll("main button, main a.button")]
    .filter((button) => button.offsetParent !== null)
    .map((button) => {
      const [fg, bg] = [channels(getComputedStyle(button).color), background(button)];
      const [light, dark] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
      const box = button.getBoundingClientRect();
      return {
        label: button.innerText.trim(),
        contrast: (light + 0.05) / (dark + 0.05),
        inside: box.left >= 0 && box.right <= window.innerWidth,
      };
    });
}
"""


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/manage/")


def assert_fits_and_reads(page, what: str) -> None:
    width, window = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= window, f"{what}: the page is {width} px wide in a {window} px window"
    buttons = page.evaluate(BUTTONS)
    assert buttons, what
    for button in buttons:
        assert button["label"], f"{what}: a button without a visible label"
        assert button["contrast"] >= 4.5, f"{what}: {button['label']!r} is hard to read: {button}"
        assert button["inside"], f"{what}: {button['label']!r} is off the screen"


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_members_accounts_and_organisations_fit_and_their_buttons_read(
    live_server, page, app, size
):
    museum = make_organisation(
        slug="museum", name={"en": "Latvian Occupation Museum Association of Remembrance"}
    )
    admin = make_user("administrator.with.a.long.address@example.org", is_admin=True)
    make_user("owner.of.the.museum@example.org", memberships={museum: "owner"})
    make_user("editor.of.the.museum@example.org", memberships={museum: "editor"})
    invite(admin, "invited.but.not.yet.joined@example.org", organisation=museum, role=Role.EDITOR)
    db.session.commit()
    page.set_viewport_size(size)
    sign_in(page, live_server, "administrator.with.a.long.address@example.org")
    for path in (
        "/manage/organisations/museum/members",
        "/manage/admin/users",
        "/manage/admin/organisations",
    ):
        page.goto(f"{live_server}{path}")
        assert_fits_and_reads(page, path)
    # The administrator reaches the members from the organisation's own admin page.
    page.goto(f"{live_server}/manage/admin/organisations/museum/edit")
    page.get_by_role("link", name="Members of this organisation").click()
    page.wait_for_url(f"{live_server}/manage/organisations/museum/members")


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_owner_invites_copies_the_link_revokes_and_reads_the_activity_in_latvian(
    live_server, chromium, app, size
):
    museum = make_organisation(slug="museum", name={"en": "The Museum", "lv": "Muzejs"})
    owner = make_user("anna@example.org", memberships={museum: "owner"})
    owner.display_name = "Anna Bērziņa"
    db.session.commit()
    context = chromium.new_context(viewport=size, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "favicon" not in message.location.get("url", "")
            else None
        ),
    )
    try:
        sign_in(page, live_server, "anna@example.org")
        members = f"{live_server}/manage/organisations/museum/members"
        links = {}
        for email, role in (("peteris@example.org", "editor"), ("later@example.org", "owner")):
            page.goto(members)
            page.get_by_label("Their e-mail address").fill(email)
            page.get_by_label("Role", exact=True).select_option(role)
            page.get_by_role("button", name="Create invitation").click()
            page.get_by_role("heading", name="Invitation ready").wait_for()
            assert_fits_and_reads(page, "the invitation page")
            page.get_by_role("button", name="Copy the link").click()
            page.get_by_text("The link is copied.").wait_for()
            links[email] = page.evaluate("() => navigator.clipboard.readText()")
            assert links[email] == page.get_by_label("Invitation link").input_value()
            mailto = page.get_by_role("link", name="Write an e-mail with the link")
            assert mailto.get_attribute("href").startswith(f"mailto:{email}?subject=")
        assert links["peteris@example.org"].startswith(f"{live_server}/invitations/")

        page.goto(members)
        page.get_by_role("button", name="Revoke later@example.org").click()
        page.get_by_text("The invitation for later@example.org has been revoked.").wait_for()
        assert_fits_and_reads(page, "the members page")

        visitor = context.browser.new_context(viewport=size).new_page()
        visitor.goto(links["later@example.org"])
        assert visitor.get_by_role(
            "heading", name="This invitation is no longer valid"
        ).is_visible()
        visitor.goto(links["peteris@example.org"])
        assert visitor.get_by_label("Your name").is_visible()
        visitor.context.close()

        page.goto(f"{live_server}/manage/organisations/museum/activity?lang=lv")
        trail = page.locator("ol.trail").inner_text()
        for said in (
            "Anna Bērziņa nosūtīja ielūgumu uz adresi peteris@example.org redaktora lomā.",
            "Anna Bērziņa nosūtīja ielūgumu uz adresi later@example.org īpašnieka lomā.",
            "Anna Bērziņa atsauca ielūgumu uz adresi later@example.org īpašnieka lomā.",
        ):
            assert said in trail, trail
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= size["width"]
        assert problems == []
    finally:
        context.close()
