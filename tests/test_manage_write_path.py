"""The organiser's write path: every rule in one place, and no surprises for the organiser."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import func, select

from planner.events.lifecycle import ClashError
from planner.events.models import Event, EventKind, EventStatus
from planner.events.operations import edit_event, plan_event
from planner.events.planning import suggest_title
from planner.extensions import db
from tests.conftest import on_postgres, sign_in_client
from tests.factories import make_event
from tests.manage_support import (
    event_form_data,
    fast_passwords,  # noqa: F401  (a fixture)
    make_world,
    new_event_data,
    post,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

# Each step, the status it starts from, and what a step that went through would send.
STEPS = {
    "publish": ("draft", {}),
    "postpone": ("scheduled", {"until_further_notice": "y"}),
    "cancel": ("scheduled", {"confirmed": "yes"}),
    "restore": ("cancelled", {}),
    "delete": ("draft", {}),
    "plan-again": ("scheduled", {}),
}


def _snapshot() -> list[tuple]:
    rows = db.session.execute(select(Event.slug, Event.status, Event.version).order_by(Event.id))
    return [tuple(row) for row in rows]


# (A NUL or other control character is refused before any step: tests/test_bad_input.py.)
@pytest.mark.parametrize("version", [None, "", "seven", "1.5", " 2 3"])
@pytest.mark.parametrize("step", STEPS)
def test_a_step_without_a_valid_version_is_stale_and_changes_nothing(
    client, login_as, step, version
):
    world = make_world()
    status, data = STEPS[step]
    event = make_event(
        title={"en": "The vigil"},
        status=status,
        organisations=[world.group],
        commemoration=world.june,
        starts_at=datetime(2091, 6, 14, 15, tzinfo=UTC),
    )
    login_as(world.editor)
    fields = {f"{step}-{name}": value for name, value in data.items()}
    if version is not None:
        fields[f"{step}-version"] = version
    before = _snapshot()
    response = post(client, f"/manage/events/{event.slug}/{step}", fields)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "while you were editing" in page
    db.session.expire_all()
    assert _snapshot() == before


def test_the_public_page_of_an_event_of_no_named_kind_says_event(client, login_as):
    world = make_world()
    event = make_event(title={"en": "Gathering"}, kind=EventKind.OTHER, organisations=[world.group])
    # The organiser area is used first: its helpers must not replace the public ones.
    login_as(world.editor)
    assert client.get(f"/manage/events/{event.slug}").status_code == 200
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert '<p class="kicker">Event</p>' in page
    assert "Other" not in page


def test_plan_again_moves_the_anniversary_on_in_every_language(client, login_as):
    world = make_world()
    day = datetime(2091, 6, 14).date()
    event = make_event(
        title={
            "en": suggest_title(world.june, day, "en", "vigil"),
            "lt": "Budėjimas Laisvės paminklo prieigose: 150-osios metinės",
            "lv": "Piemiņas brīdis 2091: 150. gadadiena",
        },
        organisations=[world.group],
        commemoration=world.june,
        starts_at=datetime(2091, 6, 14, 15, tzinfo=UTC),
    )
    login_as(world.editor)
    response = post(
        client,
        f"/manage/events/{event.slug}/plan-again",
        {"plan-again-version": event.version},
    )
    assert response.status_code == 303
    copy = db.session.execute(
        select(Event).where(Event.id != event.id).order_by(Event.id.desc())
    ).scalar()
    assert copy.local_start.date() == datetime(2092, 6, 14).date()
    assert copy.title["en"] == suggest_title(world.june, copy.local_start.date(), "en", "vigil")
    assert "151st anniversary" in copy.title["en"]
    assert copy.title["lt"] == "Budėjimas Laisvės paminklo prieigose: 151-osios metinės"
    assert copy.title["lv"] == "Piemiņas brīdis 2092: 151. gadadiena"


def test_a_clashing_time_is_refused_by_the_operation_unless_acknowledged(app):
    world = make_world()
    # The published vigil is at the museum, 09:00–10:30 UTC on 14 June 2099.
    clash = dict(
        title={"en": "Overlap"},
        venue=world.museum,
        starts_at=datetime(2099, 6, 14, 10, tzinfo=UTC),
        ends_at=datetime(2099, 6, 14, 11, tzinfo=UTC),
        organisations=[world.group],
    )
    with pytest.raises(ClashError) as refused:
        plan_event(**clash)
    assert refused.value.clashes == [world.scheduled]
    with pytest.raises(ClashError):
        edit_event(
            world.draft,
            None,
            expected_version=world.draft.version,
            venue=world.museum,
            starts_at=clash["starts_at"],
            ends_at=clash["ends_at"],
        )
    db.session.rollback()
    assert plan_event(**clash, clash_acknowledged=True).status == EventStatus.DRAFT


def test_the_stale_edit_page_tells_their_changes_from_mine(client, app, login_as):
    world = make_world()
    world.editor.display_name = "First organiser"
    db.session.commit()
    event = world.scheduled
    url = f"/manage/events/{event.slug}/edit"
    login_as(world.owner)
    opened = client.get(url).get_data(as_text=True)
    original = unescape(opened.split('name="original" type="hidden" value="')[1].split('"')[0])

    mine = event_form_data(event, start_time="13:00", original=original)

    first = app.test_client()
    sign_in_client(first, world.editor)
    assert post(first, url, event_form_data(event, title_en="First's title")).status_code == 303

    response = post(client, url, mine)
    assert response.status_code == 409
    page = unescape(response.get_data(as_text=True))
    theirs = page.split('id="their-changes"')[1].split("</table>")[0]
    assert "Published vigil" in theirs and "First's title" in theirs
    yours = page.split('id="your-changes"')[1].split("</dl>")[0]
    assert "Starts at" in yours and "13:00" in yours
    # The title this organiser never touched is not offered back as theirs.
    assert "Title in English" not in yours
    db.session.expire_all()
    assert event.title["en"] == "First's title"


def test_the_postpone_form_is_prefilled_and_cancelling_asks_first(client, login_as):
    world = make_world()
    login_as(world.editor)
    page = client.get(f"/manage/events/{world.scheduled.slug}").get_data(as_text=True)
    # 09:00 UTC is 12:00 in Riga in June.
    assert 'name="postpone-day" type="date" value="2099-06-14"' in page
    assert 'name="postpone-start_time" type="time" value="12:00"' in page
    assert 'name="postpone-end_time" type="time" value="13:30"' in page
    assert "Cancel the event…" in page


def test_the_clash_warning_links_the_other_event_and_names_its_organisers(client, login_as):
    world = make_world()
    login_as(world.editor)
    data = new_event_data(venue="museum-of-the-occupation", start_time="13:00", end_time="14:00")
    response = post(client, "/manage/events/new", data)
    assert response.status_code == 409
    warning = response.get_data(as_text=True).split('id="clash-warning"')[1].split("</div>")[0]
    assert f'href="/events/{world.scheduled.slug}"' in warning
    assert "Organised by" in warning and "Helsinki-86" in warning


def test_the_co_host_list_does_not_offer_the_host(client, login_as):
    world = make_world()
    login_as(world.editor)
    page = client.get("/manage/events/new").get_data(as_text=True)
    cohosts = page.split('id="cohosts"')[1].split("</ul>")[0]
    assert 'value="other-group"' in cohosts
    assert 'value="helsinki-86"' not in cohosts
    edit = client.get(f"/manage/events/{world.scheduled.slug}/edit").get_data(as_text=True)
    assert 'value="helsinki-86"' not in edit.split('id="cohosts"')[1].split("</ul>")[0]


def test_eight_simultaneous_plans_of_one_title_and_day_all_succeed(app, login_as):
    if not on_postgres():
        pytest.skip("PostgreSQL run only: SQLite writes one transaction at a time")
    world = make_world()
    clients = [app.test_client() for _ in range(8)]
    for each in clients:
        sign_in_client(each, world.editor)
    tokens = [
        each.get("/manage/events/new")
        .get_data(as_text=True)
        .split('name="csrf_token" type="hidden" value="')[1]
        .split('"')[0]
        for each in clients
    ]
    db.session.remove()  # the threads' requests must not wait on this test's transaction
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def plan(each, token) -> None:
        with app.app_context():
            start.wait()
            response = each.post(
                "/manage/events/new", data={**new_event_data(), "csrf_token": token}
            )
            statuses.append(response.status_code)

    threads = [
        threading.Thread(target=plan, args=pair) for pair in zip(clients, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [303] * 8
    slugs = db.session.execute(
        select(Event.slug).where(Event.title["en"].as_string() == "Candles at the Freedom Monument")
    ).scalars()
    assert len(set(slugs)) == 8
    assert db.session.execute(select(func.count(Event.id))).scalar_one() == 8 + 3
