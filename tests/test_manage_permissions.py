"""Who may reach which organiser page: every /manage route × every kind of visitor.

Anonymous visitors are sent to the sign-in page (302 to /login, coming back afterwards); an
editor of another organisation gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from planner.events.models import Event, EventStatus
from planner.events.operations import cancel
from planner.extensions import db
from tests.factories import make_organisation
from tests.manage_support import (
    World,
    csrf_token,
    event_form_data,
    fast_passwords,  # noqa: F401  (a fixture)
    make_world,
    new_event_data,
    post,
    sign_out_keeping_csrf,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

ROLES = ("anonymous", "outsider", "editor", "owner", "admin")


@dataclass
class Route:
    name: str
    method: str
    url: Callable[[World], str]
    data: Callable[[World], dict] | None = None
    # Pages every signed-in user has (their own dashboard and planning form).
    everyone: bool = False
    success: int = 200


def _cancelled(world: World) -> Event:
    cancel(world.scheduled, None, note={"en": "Storm warning."})
    db.session.commit()
    return world.scheduled


GET_ROUTES = [
    Route("dashboard", "GET", lambda w: "/manage/", everyone=True),
    Route("plan", "GET", lambda w: "/manage/events/new", everyone=True),
    Route("event", "GET", lambda w: f"/manage/events/{w.draft.slug}"),
    Route("edit", "GET", lambda w: f"/manage/events/{w.scheduled.slug}/edit"),
    Route("preview", "GET", lambda w: f"/manage/events/{w.draft.slug}/preview"),
    Route("delete", "GET", lambda w: f"/manage/events/{w.draft.slug}/delete"),
    Route("activity", "GET", lambda w: "/manage/organisations/helsinki-86/activity"),
]
POST_ROUTES = [
    Route(
        "plan",
        "POST",
        lambda w: "/manage/events/new",
        lambda w: new_event_data(),
        success=303,
    ),
    Route(
        "edit",
        "POST",
        lambda w: f"/manage/events/{w.scheduled.slug}/edit",
        lambda w: event_form_data(w.scheduled, title_en="Renamed vigil"),
        success=303,
    ),
    Route(
        "publish",
        "POST",
        lambda w: f"/manage/events/{w.draft.slug}/publish",
        lambda w: {"publish-version": w.draft.version},
        success=303,
    ),
    Route(
        "postpone",
        "POST",
        lambda w: f"/manage/events/{w.scheduled.slug}/postpone",
        lambda w: {
            "postpone-version": w.scheduled.version,
            "postpone-until_further_notice": "y",
            "postpone-note_en": "Later.",
        },
        success=303,
    ),
    Route(
        "cancel",
        "POST",
        lambda w: f"/manage/events/{w.scheduled.slug}/cancel",
        lambda w: {
            "cancel-version": w.scheduled.version,
            "cancel-note_en": "Storm.",
            "cancel-confirmed": "yes",
        },
        success=303,
    ),
    Route(
        "restore",
        "POST",
        lambda w: f"/manage/events/{_cancelled(w).slug}/restore",
        lambda w: {"restore-version": w.scheduled.version},
        success=303,
    ),
    Route(
        "delete",
        "POST",
        lambda w: f"/manage/events/{w.draft.slug}/delete",
        lambda w: {"delete-version": w.draft.version},
        success=303,
    ),
    Route(
        "plan_again",
        "POST",
        lambda w: f"/manage/events/{w.scheduled.slug}/plan-again",
        lambda w: {"plan-again-version": w.scheduled.version},
        success=303,
    ),
]


def _assert_sent_to_sign_in(response) -> None:
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"


def _user(world: World, role: str):
    return None if role == "anonymous" else getattr(world, role)


def _snapshot() -> list[tuple]:
    rows = db.session.execute(
        select(Event.slug, Event.status, Event.version, Event.title).order_by(Event.slug)
    )
    return [tuple(row) for row in rows]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", GET_ROUTES, ids=lambda r: r.name)
def test_get_routes(client, login_as, route, role):
    world = make_world()
    url = route.url(world)
    if role != "anonymous":
        login_as(_user(world, role))
    response = client.get(url)
    if role == "anonymous":
        _assert_sent_to_sign_in(response)
    elif role == "outsider" and not route.everyone:
        assert response.status_code == 403
        assert "Draft vigil" not in response.get_data(as_text=True)
    else:
        assert response.status_code == 200
    if role == "outsider" and route.everyone:
        page = response.get_data(as_text=True)
        assert "Draft vigil" not in page
        assert world.draft.slug not in page


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", POST_ROUTES, ids=lambda r: r.name)
def test_post_routes(client, login_as, route, role):
    world = make_world()
    url = route.url(world)
    data = route.data(world)
    # Every visitor sends a valid CSRF token here: what is refused is the visitor.
    login_as(world.outsider if role in ("anonymous", "outsider") else _user(world, role))
    data["csrf_token"] = csrf_token(client, "/manage/events/new")
    if role == "anonymous":
        sign_out_keeping_csrf(client)
    before = _snapshot()
    events_before = db.session.execute(select(func.count(Event.id))).scalar_one()
    response = client.post(url, data=data)
    db.session.expire_all()
    if role in ("anonymous", "outsider"):
        if role == "anonymous":
            _assert_sent_to_sign_in(response)
        elif route.name == "plan":
            # The outsider may plan, but not for an organisation they are not in.
            assert response.status_code == 422
            assert "Choose one of the organisations you plan events for" in (
                response.get_data(as_text=True)
            )
        else:
            assert response.status_code == 403
        assert _snapshot() == before
        assert db.session.execute(select(func.count(Event.id))).scalar_one() == events_before
    else:
        assert response.status_code == route.success, response.get_data(as_text=True)
        assert _snapshot() != before


@pytest.mark.parametrize("route", POST_ROUTES, ids=lambda r: r.name)
def test_every_post_without_a_csrf_token_is_refused(client, login_as, route):
    world = make_world()
    login_as(world.editor)
    url = route.url(world)
    before = _snapshot()
    response = client.post(url, data=route.data(world))
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _snapshot() == before


def test_a_forged_organisation_in_the_planning_form_is_refused(client, login_as):
    world = make_world()
    login_as(world.editor)
    response = post(client, "/manage/events/new", new_event_data(organisation="other-group"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose one of the organisations you plan events for" in page
    assert "Nothing was saved" in page
    titles = db.session.execute(select(Event.title)).scalars().all()
    assert {"en": "Candles at the Freedom Monument"} not in titles


def test_an_organiser_cannot_move_their_event_to_another_organisation(client, login_as):
    world = make_world()
    login_as(world.editor)
    url = f"/manage/events/{world.scheduled.slug}/edit"
    response = post(client, url, event_form_data(world.scheduled, organisation="other-group"))
    assert response.status_code == 422
    assert "Choose one of the organisations" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [o.slug for o in world.scheduled.organisations] == ["helsinki-86"]


def test_an_unknown_venue_or_co_host_is_refused_but_another_real_venue_is_fine(client, login_as):
    world = make_world()
    login_as(world.editor)
    response = post(client, "/manage/events/new", new_event_data(venue="no-such-venue"))
    assert "Choose a venue from the list" in response.get_data(as_text=True)
    response = post(client, "/manage/events/new", new_event_data(cohosts=["no-such-group"]))
    assert "Choose co-hosts from the list" in response.get_data(as_text=True)
    count = db.session.execute(select(func.count(Event.id))).scalar_one()
    assert count == 3
    response = post(
        client,
        "/manage/events/new",
        new_event_data(venue="museum-of-the-occupation", start_time="20:00", end_time="21:00"),
    )
    assert response.status_code == 303
    assert db.session.execute(select(func.count(Event.id))).scalar_one() == 4


def test_an_organiser_cannot_reach_another_organisations_event_by_its_url(client, login_as):
    world = make_world()
    login_as(world.editor)
    slug = world.others_event.slug
    for url in (
        f"/manage/events/{slug}",
        f"/manage/events/{slug}/edit",
        f"/manage/events/{slug}/preview",
        "/manage/organisations/other-group/activity",
    ):
        assert client.get(url).status_code == 403, url
    response = post(
        client,
        f"/manage/events/{slug}/cancel",
        {"cancel-version": world.others_event.version},
        token_from="/manage/events/new",
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert world.others_event.status == EventStatus.SCHEDULED


def test_members_of_a_co_host_may_edit_the_event_but_not_hand_it_to_their_group(client, login_as):
    world = make_world()
    partner = make_organisation(slug="partner-group", name={"en": "Partner Group"})
    from tests.factories import make_user

    partner_editor = make_user("partner@example.org", memberships={partner: "editor"})
    # The group's editor names the partner as a co-host.
    login_as(world.editor)
    url = f"/manage/events/{world.scheduled.slug}/edit"
    response = post(client, url, event_form_data(world.scheduled, cohosts=["partner-group"]))
    assert response.status_code == 303
    db.session.expire_all()
    assert [o.slug for o in world.scheduled.organisations] == ["helsinki-86", "partner-group"]

    login_as(partner_editor)
    assert client.get(url).status_code == 200
    response = post(client, url, event_form_data(world.scheduled, title_en="Shared vigil"))
    assert response.status_code == 303
    db.session.expire_all()
    assert world.scheduled.title["en"] == "Shared vigil"
    # Keeping the current host is fine; naming another group they do not belong to is not,
    # and neither is taking the event over for their own group.
    response = post(client, url, event_form_data(world.scheduled, organisation="other-group"))
    assert "Choose one of the organisations" in response.get_data(as_text=True)
    response = post(
        client,
        url,
        event_form_data(world.scheduled, organisation="partner-group", cohosts=["helsinki-86"]),
    )
    assert "Only members of Helsinki-86, the main organiser" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [o.slug for o in world.scheduled.organisations] == ["helsinki-86", "partner-group"]
    dashboard = client.get("/manage/").get_data(as_text=True)
    assert f"/manage/events/{world.scheduled.slug}/edit" in dashboard
    assert f"/manage/events/{world.draft.slug}/edit" not in dashboard


def test_a_user_without_an_organisation_cannot_plan(client, login_as):
    make_world()
    from tests.factories import make_user

    newcomer = make_user("newcomer@example.org")
    login_as(newcomer)
    response = client.get("/manage/events/new")
    assert response.status_code == 403
    assert "not a member of any organising group" in response.get_data(as_text=True)
    dashboard = client.get("/manage/").get_data(as_text=True)
    assert "Ask an organisation" in dashboard
