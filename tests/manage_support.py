"""Helpers for the organiser-area tests: a small world of organisations, users and events."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher

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


@pytest.fixture
def fast_passwords(monkeypatch):
    """Cheap password hashing: these tests make many users and never test hashing."""
    monkeypatch.setattr(
        "planner.accounts.models.password_hasher",
        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
    )


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, url: str = "/manage/events/new") -> str:
    """The CSRF token of the signed-in client's session, read from a form page."""
    page = client.get(url).get_data(as_text=True)
    found = CSRF.search(page)
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def post(client, url: str, data: dict | None = None, *, token_from: str = "/manage/events/new"):
    """POST with the session's CSRF token, as a browser would send the form."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, token_from))
    return client.post(url, data=data)


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


def event_form_data(event: Event, **changes) -> dict:
    """What the edit form sends for `event` unchanged, with `changes` applied."""
    start, end = event.local_start, event.local_end
    data = {
        "organisation": event.hosts[0].organisation.slug,
        "cohosts": [host.organisation.slug for host in event.hosts[1:]],
        "commemoration": event.commemoration.slug if event.commemoration else "",
        "venue": event.venue.slug,
        "day": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "end_day": end.date().isoformat() if end.date() != start.date() else "",
        "kind": event.kind.value,
        "version": str(event.version),
        "save": "1",
    }
    for lang in ("en", "et", "lv", "lt"):
        data[f"title_{lang}"] = event.title.get(lang, "")
        data[f"description_{lang}"] = event.description.get(lang, "")
    data.update(changes)
    return data


def new_event_data(**changes) -> dict:
    """A complete planning form: a vigil at the Freedom Monument on 14 June 2099, 18:00–19:00."""
    data = {
        "organisation": "helsinki-86",
        "commemoration": "june-deportation-1941",
        "venue": "freedom-monument-riga",
        "day": "2099-06-14",
        "start_time": "18:00",
        "end_time": "19:00",
        "end_day": "",
        "kind": "vigil",
        "title_en": "Candles at the Freedom Monument",
        "title_lv": "",
        "title_et": "",
        "title_lt": "",
        "description_en": "",
        "save": "1",
    }
    data.update(changes)
    return data


def sign_out_keeping_csrf(client) -> None:
    """Forget the signed-in user but keep the session's CSRF token (a stale tab, say)."""
    # The organiser area: public paths neither read nor write the session (shared caches).
    with client.session_transaction("/manage/") as session:
        session.pop("_user_id", None)
        session.pop("_fresh", None)
