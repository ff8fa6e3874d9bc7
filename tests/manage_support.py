"""Helpers for the organiser-area tests: a small world of organisations, users and events."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from planner.accounts.models import User
from planner.commemorations.models import Commemoration
from planner.events.models import Event
from planner.organisations.models import Organisation
from planner.venues.models import Venue
from tests.factories import (
    make_commemoration,
    make_event,
    make_organisation,
    make_user,
    make_venue,
)

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, url: str = "/manage/") -> str:
    """The CSRF token of the signed-in client's session, read from a form page."""
    page = client.get(url).get_data(as_text=True)
    found = CSRF.search(page)
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def post(client, url: str, data: dict | None = None, *, token_from: str | None = None):
    """POST with the session's CSRF token, as a browser would send the form."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, token_from or url_for_token(url)))
    return client.post(url, data=data)


def url_for_token(url: str) -> str:
    # Action URLs (…/publish) have no form page of their own: take the token from the event's.
    for suffix in ("/publish", "/postpone", "/cancel", "/restore", "/plan-again"):
        if url.endswith(suffix):
            return url[: -len(suffix)]
    return url


@dataclass
class World:
    june: Commemoration
    monument: Venue
    museum: Venue
    group: Organisation
    other_group: Organisation
    editor: User
    owner: User
    outsider: User
    admin: User
    draft: Event
    scheduled: Event
    others_event: Event


def make_world() -> World:
    june = make_commemoration()
    monument = make_venue()
    museum = make_venue(
        slug="museum-of-the-occupation",
        name={"en": "Museum of the Occupation of Latvia"},
        address="Raiņa bulvāris 7, Rīga",
    )
    group = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    other_group = make_organisation(slug="other-group", name={"en": "Another Group"})
    editor = make_user("editor@example.org", memberships={group: "editor"})
    owner = make_user("owner@example.org", memberships={group: "owner"})
    outsider = make_user("outsider@example.org", memberships={other_group: "editor"})
    admin = make_user("admin@example.org", is_admin=True)
    draft = make_event(
        title={"en": "Draft vigil"},
        status="draft",
        organisations=[group],
        commemoration=june,
        starts_at=datetime(2099, 6, 14, 15, tzinfo=UTC),
    )
    scheduled = make_event(
        title={"en": "Published vigil"},
        organisations=[group],
        commemoration=june,
        venue=museum,
        starts_at=datetime(2099, 6, 14, 9, tzinfo=UTC),
    )
    others_event = make_event(
        title={"en": "Their flower-laying"},
        organisations=[other_group],
        venue=museum,
        starts_at=datetime(2099, 3, 25, 9, tzinfo=UTC),
    )
    return World(
        june,
        monument,
        museum,
        group,
        other_group,
        editor,
        owner,
        outsider,
        admin,
        draft,
        scheduled,
        others_event,
    )
