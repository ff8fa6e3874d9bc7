"""The organiser's dashboard and the audit trail pages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from planner.accounts.permissions import editable_events
from planner.events.dashboard import build_dashboard
from planner.events.models import Event
from planner.extensions import db
from tests.factories import make_event
from tests.manage_support import (
    event_form_data,
    fast_passwords,  # noqa: F401  (a fixture)
    make_world,
    post,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.mark.parametrize("role", ["editor", "owner", "outsider", "admin"])
def test_the_dashboard_links_the_edit_form_of_every_event_the_user_may_edit(client, login_as, role):
    world = make_world()
    # A past event and a co-hosted one, to cover every section.
    make_event(
        title={"en": "Last year's vigil"},
        organisations=[world.group],
        starts_at=datetime(2020, 6, 14, 15, tzinfo=UTC),
    )
    make_event(
        title={"en": "Shared reading of names"},
        organisations=[world.other_group, world.group],
        starts_at=datetime(2099, 3, 25, 12, tzinfo=UTC),
    )
    user = getattr(world, role)
    login_as(user)
    page = client.get("/manage/").get_data(as_text=True)
    editable = db.session.execute(editable_events(user)).scalars().all()
    assert editable
    for event in editable:
        assert f'href="/manage/events/{event.slug}/edit"' in page, event.slug
    others = set(db.session.execute(select(Event)).scalars()) - set(editable)
    for event in others:
        assert f"/manage/events/{event.slug}/edit" not in page
    if role == "admin":
        assert not others


def test_the_dashboard_shows_drafts_upcoming_and_clashes(client, login_as):
    world = make_world()
    make_event(
        title={"en": "Their overlapping vigil"},
        organisations=[world.other_group],
        venue=world.museum,
        starts_at=datetime(2099, 6, 14, 10, tzinfo=UTC),
    )
    login_as(world.editor)
    page = client.get("/manage/").get_data(as_text=True)
    drafts = page.index("Drafts (not public yet)")
    upcoming = page.index("Upcoming events")
    assert "Draft vigil" in page[drafts:upcoming]
    assert "Published vigil" not in page[drafts:upcoming]
    assert "Published vigil" in page[upcoming:]
    assert "Clashes at a venue" in page
    assert "overlaps with" in page and "Their overlapping vigil" in page
    board = build_dashboard(world.editor)
    assert [(mine.slug, other.title["en"]) for mine, other in board.clashes] == [
        (world.scheduled.slug, "Their overlapping vigil")
    ]


def test_the_next_commemoration_day_lists_every_groups_public_events(client, login_as):
    world = make_world()
    day = world.june.next_occurrence()
    at = datetime(day.year, day.month, day.day, 15, tzinfo=UTC)
    make_event(title={"en": "Their public vigil"}, organisations=[world.other_group], starts_at=at)
    make_event(
        title={"en": "Their secret draft"},
        status="draft",
        organisations=[world.other_group],
        starts_at=at,
    )
    make_event(
        title={"en": "Our draft for the day"},
        status="draft",
        organisations=[world.group],
        starts_at=at,
    )
    login_as(world.editor)
    page = client.get("/manage/").get_data(as_text=True)
    section = page[page.index("The next day of remembrance") :]
    assert "Their public vigil" in section
    assert "Our draft for the day" in section
    assert "Their secret draft" not in page
    assert "plan an event for this day" in section
    assert "/manage/events/new?commemoration=june-deportation-1941" in section


def test_the_next_commemoration_day_is_the_soonest(app):
    world = make_world()
    from tests.factories import make_commemoration

    make_commemoration(
        slug="march-deportation-1949",
        name={"en": "March deportation of 1949"},
        rrule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=25",
        remembered_year=1949,
    )
    from planner.events.dashboard import next_commemoration_day

    day, commemorations = next_commemoration_day(date(2091, 1, 1))
    assert day == date(2091, 3, 25)
    assert [c.slug for c in commemorations] == ["march-deportation-1949"]
    day, commemorations = next_commemoration_day(date(2091, 4, 1))
    assert (day, commemorations) == (date(2091, 6, 14), [world.june])


def test_the_event_page_shows_who_changed_which_field_when_in_local_time(client, login_as):
    world = make_world()
    world.editor.display_name = "An organiser"
    db.session.commit()
    login_as(world.editor)
    event = world.scheduled
    data = event_form_data(event, title_en="Evening vigil", start_time="19:00", end_time="20:00")
    assert post(client, f"/manage/events/{event.slug}/edit", data).status_code == 303
    page = client.get(f"/manage/events/{event.slug}").get_data(as_text=True)
    history = page[page.index("History of changes") :]
    assert "An organiser edited “Evening vigil”." in history
    assert "English: Published vigil" in history and "English: Evening vigil" in history
    assert "14 Jun 2099 12:00 EEST" in history and "14 Jun 2099 19:00 EEST" in history
    assert "Start" in history and "End" in history and "Title" in history
    # Fields that did not change are not listed for this entry.
    edited = history[history.index("An organiser edited") : history.index("published “")]
    assert "Venue" not in edited
    assert "starts_at" not in history and "venue_id" not in history


def test_the_organisations_activity_shows_its_events_changes_even_deleted_drafts(client, login_as):
    world = make_world()
    login_as(world.owner)
    slug = world.draft.slug
    response = post(
        client, f"/manage/events/{slug}/delete", {"delete-version": world.draft.version}
    )
    assert response.status_code == 303
    page = client.get("/manage/organisations/helsinki-86/activity").get_data(as_text=True)
    assert "Activity of Helsinki-86" in page
    assert "deleted the draft “Draft vigil”." in page
    assert "published “Published vigil”." in page
    assert f'href="/manage/events/{world.scheduled.slug}"' in page
    assert "Their flower-laying" not in page


def test_the_activity_page_refuses_a_bad_page_number(client, login_as):
    world = make_world()
    login_as(world.editor)
    response = client.get("/manage/organisations/helsinki-86/activity?page=zero")
    assert response.status_code == 400
    assert client.get("/manage/organisations/no-such-group/activity").status_code == 404


def test_the_dashboard_costs_the_same_number_of_queries_whatever_the_number_of_events(
    client, login_as, count_queries
):
    world = make_world()
    login_as(world.editor)

    def add_events(numbers: range) -> None:
        for number in numbers:
            # Another group's, clashing with the group's published vigil at the museum.
            make_event(
                title={"en": f"More vigil {number}"},
                organisations=[world.other_group],
                venue=world.museum,
                starts_at=datetime(2099, 6, 14, 9, number, tzinfo=UTC),
            )
            make_event(
                title={"en": f"More draft {number}"},
                status="draft",
                organisations=[world.group],
                starts_at=datetime(2098, 6, 14, 9, number, tzinfo=UTC),
            )

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as statements:
            page = client.get("/manage/").get_data(as_text=True)
        assert "Clashes at a venue" in page
        return len(statements)

    add_events(range(1))
    few = queries()
    add_events(range(1, 8))
    assert queries() == few


def test_the_dashboard_leads_to_each_organisations_members_and_history(client, login_as):
    from tests.factories import make_organisation, make_user

    organisation = make_organisation(slug="riga-group")
    login_as(make_user(memberships={organisation: "owner"}))
    page = client.get("/manage/").get_data(as_text=True)
    assert 'href="/manage/organisations/riga-group/members"' in page
    assert 'href="/manage/organisations/riga-group/activity"' in page
