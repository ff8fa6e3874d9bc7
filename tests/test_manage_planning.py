"""Planning and editing an event through the forms: suggestions, validation, clashes, locking."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, update

from planner.audit.models import AuditEntry
from planner.commemorations.models import ordinal_en
from planner.events.models import Event, EventStatus
from planner.events.planning import suggest_title
from planner.extensions import db
from tests.conftest import sign_in_client
from tests.manage_support import (
    csrf_token,
    event_form_data,
    fast_passwords,  # noqa: F401  (a fixture)
    make_world,
    new_event_data,
    post,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


def _count() -> int:
    return db.session.execute(select(func.count(Event.id))).scalar_one()


def _by_title(title: str) -> Event | None:
    for event in db.session.execute(select(Event)).scalars():
        if event.title.get("en") == title:
            return event
    return None


def test_choosing_a_commemoration_and_a_venue_fills_the_date_title_and_zone(client, login_as):
    world = make_world()
    login_as(world.editor)
    response = client.get(
        "/manage/events/new?commemoration=june-deportation-1941&venue=freedom-monument-riga"
    )
    page = response.get_data(as_text=True)
    day = world.june.next_occurrence()
    number = day.year - 1941
    assert f'value="{day.isoformat()}"' in page
    assert f"Vigil — {ordinal_en(number)} anniversary of the June deportation of 1941" in page
    assert "Europe/Riga" in page


def test_the_suggest_button_fills_the_date_and_title_without_saving(client, login_as):
    world = make_world()
    login_as(world.editor)
    data = new_event_data(title_en="", day="", kind="flower-laying")
    data.pop("save")
    data["suggest"] = "1"
    response = post(client, "/manage/events/new", data)
    page = response.get_data(as_text=True)
    day = world.june.next_occurrence()
    assert f'value="{day.isoformat()}"' in page
    assert (
        f"Flower-laying — {ordinal_en(day.year - 1941)} anniversary of the June deportation" in page
    )
    assert _count() == 3


def test_the_suggest_button_asks_for_a_commemoration_first(client, login_as):
    world = make_world()
    login_as(world.editor)
    data = new_event_data(commemoration="")
    data.pop("save")
    data["suggest"] = "1"
    page = post(client, "/manage/events/new", data).get_data(as_text=True)
    assert "Choose a day of remembrance first" in page


def test_suggested_titles_name_the_anniversary(app):
    world = make_world()
    assert (
        suggest_title(world.june, date(2091, 6, 14), "en", "vigil")
        == "Vigil — 150th anniversary of the June deportation of 1941"
    )
    assert (
        suggest_title(world.june, date(2091, 6, 14), "en", "other")
        == "150th anniversary of the June deportation of 1941"
    )
    world.june.remembered_year = None
    assert (
        suggest_title(world.june, date(2091, 6, 14), "en", "candle-lighting")
        == "Candle lighting — the June deportation of 1941"
    )


def test_an_unknown_commemoration_in_the_address_is_a_404(client, login_as):
    world = make_world()
    login_as(world.editor)
    assert client.get("/manage/events/new?commemoration=no-such-day").status_code == 404


def test_planning_saves_a_draft_in_the_venues_local_time(client, login_as):
    world = make_world()
    login_as(world.editor)
    response = post(
        client,
        "/manage/events/new",
        new_event_data(description_en="Bring a **candle**.", cohosts=["other-group"]),
    )
    assert response.status_code == 303
    event = _by_title("Candles at the Freedom Monument")
    assert response.headers["Location"].endswith(f"/manage/events/{event.slug}")
    assert event.status == EventStatus.DRAFT
    # 18:00 in Riga in June is 15:00 UTC.
    assert event.starts_at == datetime(2099, 6, 14, 15, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2099, 6, 14, 16, 0, tzinfo=UTC)
    assert event.timezone == "Europe/Riga"
    assert [o.slug for o in event.organisations] == ["helsinki-86", "other-group"]
    assert event.commemoration == world.june
    assert event.description == {"en": "Bring a **candle**."}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved as a draft" in page
    assert "editor@example.org planned “Candles at the Freedom Monument” as a draft." in page


def test_the_end_must_come_after_the_start(client, login_as):
    world = make_world()
    login_as(world.editor)
    response = post(
        client, "/manage/events/new", new_event_data(start_time="19:00", end_time="18:00")
    )
    page = response.get_data(as_text=True)
    assert "The event must end after it starts" in page
    assert "Nothing was saved" in page
    assert _count() == 3


def test_an_event_may_end_after_midnight_when_the_end_day_is_given(client, login_as):
    world = make_world()
    login_as(world.editor)
    response = post(
        client,
        "/manage/events/new",
        new_event_data(start_time="22:00", end_time="01:00", end_day="2099-06-15"),
    )
    assert response.status_code == 303
    event = _by_title("Candles at the Freedom Monument")
    assert event.ends_at == datetime(2099, 6, 14, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "start", "explanation"),
    [
        # Riga's clocks go forward at 03:00 on 25 March 2091: 03:30 never happens.
        ("2091-03-25", "03:30", "03:30 does not exist on 25 March 2091 in Europe/Riga"),
        # … and back at 04:00 on 28 October 2091: 03:30 happens twice.
        ("2091-10-28", "03:30", "03:30 happens twice on 28 October 2091 in Europe/Riga"),
    ],
)
def test_a_local_time_skipped_or_repeated_at_a_clock_change_is_refused(
    client, login_as, day, start, explanation
):
    world = make_world()
    login_as(world.editor)
    response = post(
        client,
        "/manage/events/new",
        new_event_data(day=day, start_time=start, end_time="05:00", commemoration=""),
    )
    page = response.get_data(as_text=True)
    assert explanation in page
    assert "Choose another time" in page
    assert _count() == 3


def test_a_title_in_english_or_the_venue_countrys_language_is_required(client, login_as):
    world = make_world()
    login_as(world.editor)
    response = post(client, "/manage/events/new", new_event_data(title_en="", title_et="Küünlad"))
    assert "Give the title in English or in Latvian" in response.get_data(as_text=True)
    assert _count() == 3
    response = post(
        client,
        "/manage/events/new",
        new_event_data(title_en="", title_lv="Svecītes pie Brīvības pieminekļa"),
    )
    assert response.status_code == 303
    assert _count() == 4


def test_a_clash_at_the_venue_must_be_confirmed_knowingly(client, login_as):
    world = make_world()
    login_as(world.editor)
    # The published vigil is at the museum, 12:00–13:30 local time on 14 June 2099.
    data = new_event_data(venue="museum-of-the-occupation", start_time="13:00", end_time="14:00")
    response = post(client, "/manage/events/new", data)
    page = response.get_data(as_text=True)
    assert "The venue is already taken at that time" in page
    assert "Published vigil" in page
    assert "12:00–13:30 EEST (Europe/Riga)" in page
    assert "Helsinki-86" in page
    assert "I know about the clash, save anyway" in page
    assert _count() == 3

    response = post(client, "/manage/events/new", {**data, "confirm_clash": "y"})
    assert response.status_code == 303
    assert _count() == 4


def test_drafts_and_cancelled_events_do_not_clash(client, login_as):
    world = make_world()
    login_as(world.editor)
    # The draft vigil is at the monument 18:00–19:30: a draft holds no venue.
    response = post(client, "/manage/events/new", new_event_data(start_time="18:30"))
    assert response.status_code == 303


def test_the_markdown_preview_is_sanitised_and_saves_nothing(client, login_as):
    world = make_world()
    login_as(world.editor)
    data = new_event_data(
        description_en="Bring a **candle**.\n\n<script>alert(1)</script>[x](javascript:alert(2))"
    )
    data.pop("save")
    data["preview"] = "1"
    page = post(client, "/manage/events/new", data).get_data(as_text=True)
    assert "Bring a <strong>candle</strong>." in page
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript' not in page
    assert _count() == 3


def test_editing_keeps_titles_in_languages_the_form_does_not_show(client, login_as):
    world = make_world()
    world.scheduled.title = {"en": "Published vigil", "ru": "Бдение"}
    db.session.commit()
    login_as(world.editor)
    url = f"/manage/events/{world.scheduled.slug}/edit"
    response = post(client, url, event_form_data(world.scheduled, title_en="Evening vigil"))
    assert response.status_code == 303
    db.session.expire_all()
    assert world.scheduled.title == {"ru": "Бдение", "en": "Evening vigil"}


def test_sequence_a_title_change_does_not_raise_it_a_time_change_does(client, login_as):
    world = make_world()
    login_as(world.editor)
    event = world.scheduled
    url = f"/manage/events/{event.slug}/edit"
    assert event.sequence == 0
    assert post(client, url, event_form_data(event, title_en="Renamed")).status_code == 303
    db.session.expire_all()
    assert event.sequence == 0
    assert post(client, url, event_form_data(event, start_time="12:30")).status_code == 303
    db.session.expire_all()
    assert event.sequence == 1
    assert event.starts_at == datetime(2099, 6, 14, 9, 30, tzinfo=UTC)
    page = client.get(f"/manage/events/{event.slug}").get_data(as_text=True)
    assert "Your changes were saved" in page
    assert "in calendar feeds now" in page


def test_a_draft_edit_does_not_raise_the_sequence(client, login_as):
    world = make_world()
    login_as(world.editor)
    event = world.draft
    url = f"/manage/events/{event.slug}/edit"
    assert post(client, url, event_form_data(event, start_time="19:00")).status_code == 303
    db.session.expire_all()
    assert event.sequence == 0


def test_moving_an_event_onto_a_taken_time_asks_for_confirmation(client, login_as):
    world = make_world()
    login_as(world.editor)
    event = world.draft
    url = f"/manage/events/{event.slug}/edit"
    data = event_form_data(event, venue="museum-of-the-occupation", start_time="12:00")
    page = post(client, url, data).get_data(as_text=True)
    assert "The venue is already taken at that time" in page
    db.session.expire_all()
    assert event.venue == world.monument
    assert post(client, url, {**data, "confirm_clash": "y"}).status_code == 303
    db.session.expire_all()
    assert event.venue == world.museum


def test_two_organisers_edit_the_same_event_the_second_is_told_and_the_first_survives(
    client, app, login_as
):
    world = make_world()
    world.editor.display_name = "First organiser"
    db.session.commit()
    event = world.scheduled
    url = f"/manage/events/{event.slug}/edit"
    # Both open the form on the same version.
    opened = event_form_data(event)

    login_as(world.editor)
    assert post(client, url, {**opened, "title_en": "First's title"}).status_code == 303

    second = app.test_client()
    sign_in_client(second, world.owner)
    response = post(second, url, {**opened, "title_en": "Second's title", "start_time": "13:00"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This event was changed by First organiser at" in page
    assert "EEST" in page or "EET" in page
    assert "Your changes were not saved" in page
    # The second organiser sees what they typed, and the form now holds the current version.
    assert "Second&#39;s title" in page or "Second's title" in page
    assert 'value="First&#39;s title"' in page or 'value="First\'s title"' in page
    db.session.expire_all()
    assert event.title["en"] == "First's title"
    assert event.starts_at == datetime(2099, 6, 14, 9, tzinfo=UTC)


def test_a_save_racing_another_at_the_database_is_refused_too(client, login_as):
    """The version matched when read, but another save landed before the write."""
    world = make_world()
    event = world.scheduled
    login_as(world.editor)
    url = f"/manage/events/{event.slug}/edit"
    data = event_form_data(event, title_en="Mine")
    token = csrf_token(client, url)
    raced = []

    def other_save_lands_first(session, _context, _instances):
        if not raced and any(isinstance(obj, Event) for obj in session.dirty):
            raced.append(True)
            session.connection().execute(
                update(Event).where(Event.id == event.id).values(version=Event.version + 1)
            )

    sa_event.listen(db.session, "before_flush", other_save_lands_first)
    try:
        response = client.post(url, data={**data, "csrf_token": token})
    finally:
        sa_event.remove(db.session, "before_flush", other_save_lands_first)
    assert raced
    assert response.status_code == 409
    assert "while you were editing" in response.get_data(as_text=True)
    db.session.expire_all()
    assert event.title["en"] == "Published vigil"


def test_an_edit_without_a_version_is_treated_as_stale(client, login_as):
    world = make_world()
    login_as(world.editor)
    event = world.scheduled
    data = event_form_data(event, title_en="No version")
    data.pop("version")
    response = post(client, f"/manage/events/{event.slug}/edit", data)
    assert response.status_code == 409
    db.session.expire_all()
    assert event.title["en"] == "Published vigil"


def test_an_unchanged_save_records_nothing(client, login_as):
    world = make_world()
    login_as(world.editor)
    event = world.scheduled
    before = db.session.execute(select(func.count(AuditEntry.id))).scalar_one()
    response = post(client, f"/manage/events/{event.slug}/edit", event_form_data(event))
    assert response.status_code == 303
    assert "Nothing was changed" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.execute(select(func.count(AuditEntry.id))).scalar_one() == before


def test_admin_may_plan_for_any_organisation(client, login_as):
    world = make_world()
    login_as(world.admin)
    response = post(client, "/manage/events/new", new_event_data(organisation="other-group"))
    assert response.status_code == 303
    event = _by_title("Candles at the Freedom Monument")
    assert [o.slug for o in event.organisations] == ["other-group"]


def test_an_owner_plans_like_an_editor(client, login_as):
    world = make_world()
    login_as(world.owner)
    assert post(client, "/manage/events/new", new_event_data()).status_code == 303
    assert _by_title("Candles at the Freedom Monument").created_by_id == world.owner.id
