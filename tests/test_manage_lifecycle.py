"""The event lifecycle through its buttons: publish, postpone, cancel, restore, delete, again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from planner.events.models import Event, EventStatus
from planner.events.operations import cancel
from planner.extensions import db
from tests.factories import make_event, make_organisation, make_user
from tests.manage_support import (
    fast_passwords,  # noqa: F401  (a fixture)
    make_world,
    post,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


def _step(client, event: Event, step: str, **data):
    """Press a step's button: its form's fields are prefixed with the step's name."""
    data.setdefault("version", event.version)
    fields = {f"{step}-{name}": value for name, value in data.items()}
    return post(client, f"/manage/events/{event.slug}/{step}", fields)


def _follow(client, response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_manage_page_offers_only_the_steps_the_status_allows(client, login_as):
    world = make_world()
    login_as(world.editor)

    def offered(event: Event) -> set[str]:
        page = client.get(f"/manage/events/{event.slug}").get_data(as_text=True)
        steps = ("publish", "postpone", "cancel", "restore", "delete", "plan-again")
        return {step for step in steps if f"/manage/events/{event.slug}/{step}" in page}

    assert offered(world.draft) == {"publish", "delete", "plan-again"}
    assert offered(world.scheduled) == {"postpone", "cancel", "plan-again"}
    cancel(world.scheduled, None)
    db.session.commit()
    assert offered(world.scheduled) == {"restore", "plan-again"}


def test_publishing_a_draft_puts_it_on_the_home_page(client, login_as):
    world = make_world()
    login_as(world.editor)
    assert "Draft vigil" not in client.get("/").get_data(as_text=True)
    page = _follow(client, _step(client, world.draft, "publish"))
    assert "Published: the event is on the public pages" in page
    db.session.expire_all()
    assert world.draft.status == EventStatus.SCHEDULED
    assert world.draft.sequence == 0
    assert "Draft vigil" in client.get("/").get_data(as_text=True)


def test_a_step_the_status_does_not_allow_is_refused_with_a_message(client, login_as):
    world = make_world()
    login_as(world.editor)
    for step in ("publish", "restore", "delete"):
        page = _follow(client, _step(client, world.scheduled, step))
        assert "That step is not possible while the event is Published" in page
    page = _follow(client, _step(client, world.draft, "cancel"))
    assert "not possible" in page
    db.session.expire_all()
    assert world.scheduled.status == EventStatus.SCHEDULED
    assert world.draft.status == EventStatus.DRAFT


def test_publishing_into_a_clash_needs_confirmation(client, login_as):
    world = make_world()
    login_as(world.editor)
    clashing = make_event(
        title={"en": "Clashing draft"},
        status="draft",
        organisations=[world.group],
        venue=world.museum,
        starts_at=datetime(2099, 6, 14, 9, 30, tzinfo=UTC),
    )
    manage = client.get(f"/manage/events/{clashing.slug}").get_data(as_text=True)
    assert "The venue is also taken by another event at this time" in manage
    assert "I know about the clash, publish anyway" in manage
    page = _follow(client, _step(client, clashing, "publish"))
    assert "another event is planned at this venue at an overlapping time" in page
    db.session.expire_all()
    assert clashing.status == EventStatus.DRAFT
    _follow(client, _step(client, clashing, "publish", confirm_clash="y"))
    db.session.expire_all()
    assert clashing.status == EventStatus.SCHEDULED


def test_postponing_to_a_new_time_keeps_the_old_start_and_raises_the_sequence(client, login_as):
    world = make_world()
    login_as(world.editor)
    event = world.scheduled
    response = _step(
        client,
        event,
        "postpone",
        day="2099-06-21",
        start_time="12:00",
        note_en="Moved by a week because of the storm.",
    )
    page = _follow(client, response)
    assert "Postponed to the new time" in page
    db.session.expire_all()
    assert event.status == EventStatus.POSTPONED
    assert event.previous_starts_at == datetime(2099, 6, 14, 9, tzinfo=UTC)
    assert event.starts_at == datetime(2099, 6, 21, 9, tzinfo=UTC)
    # The same length as before: an hour and a half.
    assert event.ends_at == datetime(2099, 6, 21, 10, 30, tzinfo=UTC)
    assert event.status_note == {"en": "Moved by a week because of the storm."}
    assert event.sequence == 1


def test_postponing_with_no_new_time_yet(client, login_as):
    world = make_world()
    login_as(world.editor)
    event = world.scheduled
    page = _follow(
        client,
        _step(client, event, "postpone", until_further_notice="y", note_en="New date soon."),
    )
    assert "Postponed until further notice" in page
    db.session.expire_all()
    assert event.status == EventStatus.POSTPONED
    assert event.previous_starts_at is None
    assert event.starts_at == datetime(2099, 6, 14, 9, tzinfo=UTC)


def test_postponing_needs_a_date_and_a_start_together(client, login_as):
    world = make_world()
    login_as(world.editor)
    response = _step(client, world.scheduled, "postpone", day="", start_time="12:00")
    assert response.status_code == 422
    assert "Give the new date and start time" in response.get_data(as_text=True)
    db.session.expire_all()
    assert world.scheduled.status == EventStatus.SCHEDULED


def test_postponing_into_a_dst_gap_is_refused(client, login_as):
    world = make_world()
    login_as(world.editor)
    response = _step(client, world.scheduled, "postpone", day="2099-03-29", start_time="03:30")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "does not exist on 29 March 2099 in Europe/Riga" in page
    db.session.expire_all()
    assert world.scheduled.status == EventStatus.SCHEDULED


def test_cancelling_keeps_the_event_public_and_marked(client, login_as):
    world = make_world()
    login_as(world.editor)
    event = world.scheduled
    question = _step(client, event, "cancel", note_en="Storm warning.")
    assert question.status_code == 200
    asked = question.get_data(as_text=True)
    assert "Cancel “Published vigil”?" in asked
    assert "Yes, cancel the event" in asked
    db.session.expire_all()
    assert event.status == EventStatus.SCHEDULED
    page = _follow(
        client, _step(client, event, "cancel", note_en="Storm warning.", confirmed="yes")
    )
    assert "Cancelled: the event stays on the public pages" in page
    db.session.expire_all()
    assert event.status == EventStatus.CANCELLED
    assert event.status_note == {"en": "Storm warning."}
    assert event.sequence == 1
    home = client.get("/").get_data(as_text=True)
    assert "Published vigil" in home and "Cancelled" in home
    manage = client.get(f"/manage/events/{event.slug}").get_data(as_text=True)
    assert "/restore" in manage and "/cancel" not in manage


def test_restoring_a_cancelled_event(client, login_as):
    world = make_world()
    cancel(world.scheduled, None, note={"en": "Storm."})
    db.session.commit()
    login_as(world.owner)
    page = _follow(client, _step(client, world.scheduled, "restore"))
    assert "Restored: the event is scheduled again" in page
    db.session.expire_all()
    assert world.scheduled.status == EventStatus.SCHEDULED
    assert world.scheduled.status_note == {}


def test_only_drafts_are_deleted_after_a_confirmation(client, login_as):
    world = make_world()
    login_as(world.editor)
    # A published event offers no delete page: it is cancelled instead.
    response = client.get(f"/manage/events/{world.scheduled.slug}/delete")
    assert response.status_code == 303
    assert "Only a draft that was never published" in _follow(client, response)
    confirm = client.get(f"/manage/events/{world.draft.slug}/delete").get_data(as_text=True)
    assert "This cannot be undone" in confirm
    slug = world.draft.slug
    response = _step(client, world.draft, "delete")
    assert response.headers["Location"].endswith("/manage/")
    assert "The draft “Draft vigil” was deleted" in _follow(client, response)
    db.session.expire_all()
    assert db.session.execute(select(Event).where(Event.slug == slug)).first() is None
    assert db.session.get(Event, world.scheduled.id) is not None


def test_plan_again_makes_next_years_draft_and_opens_its_form(client, login_as):
    world = make_world()
    login_as(world.editor)
    response = _step(client, world.scheduled, "plan-again")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.endswith("/edit")
    copy = db.session.execute(
        select(Event).where(Event.slug == location.split("/")[-2])
    ).scalar_one()
    assert copy.status == EventStatus.DRAFT
    assert copy.local_start.date().isoformat() == "2100-06-14"
    assert copy.local_start.time() == world.scheduled.local_start.time()
    assert copy.organisations == world.scheduled.organisations
    page = client.get(location).get_data(as_text=True)
    assert "A new draft for" in page
    assert 'value="2100-06-14"' in page


def test_plan_again_is_not_offered_without_a_commemoration(client, login_as):
    world = make_world()
    login_as(world.outsider)
    event = world.others_event
    assert "/plan-again" not in client.get(f"/manage/events/{event.slug}").get_data(as_text=True)
    page = _follow(client, _step(client, event, "plan-again"))
    assert "not possible" in page


def test_a_lifecycle_step_on_a_stale_page_is_refused(client, login_as):
    world = make_world()
    world.editor.display_name = "First organiser"
    db.session.commit()
    login_as(world.editor)
    event = world.scheduled
    stale_version = event.version
    _follow(client, _step(client, event, "postpone", until_further_notice="y"))
    page = _follow(client, _step(client, event, "cancel", version=stale_version, confirmed="yes"))
    assert "This event was changed by First organiser" in page
    db.session.expire_all()
    assert event.status == EventStatus.POSTPONED


def test_postponing_onto_a_taken_time_shows_the_clash_and_asks_to_confirm(client, login_as):
    world = make_world()
    login_as(world.editor)
    make_event(
        title={"en": "Their later vigil"},
        organisations=[world.other_group],
        venue=world.museum,
        starts_at=datetime(2099, 6, 21, 9, tzinfo=UTC),
    )
    event = world.scheduled
    plain = client.get(f"/manage/events/{event.slug}").get_data(as_text=True)
    assert "postpone anyway" not in plain
    response = _step(client, event, "postpone", day="2099-06-21", start_time="12:00")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "The venue is already taken at the new time" in page
    assert "Their later vigil" in page
    assert "I know about the clash, postpone anyway" in page
    db.session.expire_all()
    assert event.status == EventStatus.SCHEDULED
    response = _step(
        client, event, "postpone", day="2099-06-21", start_time="12:00", confirm_clash="y"
    )
    assert "Postponed to the new time" in _follow(client, response)
    db.session.expire_all()
    assert event.status == EventStatus.POSTPONED


def test_a_draft_preview_is_the_public_page_without_feeds(client, login_as):
    organisation = make_organisation()
    editor = make_user(memberships={organisation: "editor"})
    draft = make_event(
        status="draft",
        organisations=[organisation],
        title={"en": "Draft vigil"},
        description={"en": "Bring a **candle**."},
    )
    login_as(editor)
    page = client.get(f"/manage/events/{draft.slug}/preview").get_data(as_text=True)
    assert "Draft vigil" in page
    assert "<strong>candle</strong>" in page
    assert "this draft is not public" in page
    assert f"/events/{draft.slug}.ics" not in page
    assert "application/ld+json" not in page
    assert client.get(f"/events/{draft.slug}").status_code == 404
