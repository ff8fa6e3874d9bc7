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
