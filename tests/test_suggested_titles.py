"""Suggested titles are never published unseen: they fill only the languages the organiser is
working in, say so, and follow the date until the organiser changes them."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from planner.events.models import Event
from planner.extensions import db
from tests.manage_support import (
    fast_passwords,  # noqa: F401  (a fixture)
    make_world,
    new_event_data,
    post,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


def field_value(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', page
    )
    return html.unescape(found[1]) if found else ""


def suggest(client, **changes) -> str:
    data = new_event_data(**changes)
    data.pop("save")
    data["suggest"] = "1"
    return post(client, "/manage/events/new", data).get_data(as_text=True)


def saved(title_en: str) -> Event:
    for event in db.session.execute(select(Event)).scalars():
        if event.title.get("en") == title_en:
            return event
    raise AssertionError(f"no event titled {title_en!r}")


def test_a_suggestion_fills_only_english_and_the_venues_language(client, login_as):
    world = make_world()
    login_as(world.editor)
    page = suggest(client, title_en="")
    assert field_value(page, "title_en") == (
        "Vigil — 158th anniversary of the June deportation of 1941"
    )
    assert field_value(page, "title_lv") == (
        "Piemiņas brīdis — Komunistiskā genocīda upuru piemiņas diena: 158. gadadiena"
    )
    assert field_value(page, "title_et") == ""
    assert field_value(page, "title_lt") == ""
    assert "Readers will see the title in: <strong>English, Latvian</strong>" in page
    assert page.count("Suggested title: check it before saving.") == 2


def test_a_latvian_organiser_gets_latvian_and_english_suggestions_only(client, login_as):
    world = make_world()
    login_as(world.editor)
    client.get("/manage/?lang=lv")
    page = suggest(client, title_en="")
    assert field_value(page, "title_lv").endswith("158. gadadiena")
    assert field_value(page, "title_en").startswith("Vigil — 158th")
    assert field_value(page, "title_et") == field_value(page, "title_lt") == ""


def test_titles_the_organiser_wrote_are_never_replaced(client, login_as):
    world = make_world()
    login_as(world.editor)
    page = suggest(
        client,
        title_en="Candle vigil at the Freedom Monument",
        title_lv="Svecīšu vakars pie Brīvības pieminekļa",
    )
    assert field_value(page, "title_en") == "Candle vigil at the Freedom Monument"
    assert field_value(page, "title_lv") == "Svecīšu vakars pie Brīvības pieminekļa"
    assert field_value(page, "title_et") == field_value(page, "title_lt") == ""
    assert "Suggested title" not in page


def test_suggested_titles_follow_a_new_date_until_changed(client, login_as):
    world = make_world()
    login_as(world.editor)
    page = suggest(client, title_en="")
    suggested = field_value(page, "suggested_titles")
    # The organiser keeps the English suggestion, rewrites the Latvian one, moves the date.
    data = new_event_data(
        day="2100-06-14",
        title_en=field_value(page, "title_en"),
        title_lv="Piemiņas brīdis pie Brīvības pieminekļa",
        suggested_titles=suggested,
    )
    response = post(client, "/manage/events/new", data)
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    event = saved("Vigil — 159th anniversary of the June deportation of 1941")
    assert event.title == {
        "en": "Vigil — 159th anniversary of the June deportation of 1941",
        "lv": "Piemiņas brīdis pie Brīvības pieminekļa",
    }


def test_a_forged_suggestion_changes_nothing_the_organiser_wrote(client, login_as):
    world = make_world()
    login_as(world.editor)
    data = new_event_data(title_en="My own title", suggested_titles="[not json")
    response = post(client, "/manage/events/new", data)
    assert response.status_code in (302, 303)
    assert saved("My own title").title == {"en": "My own title"}


def test_the_organisers_select_tells_the_two_latvian_days_apart(client, login_as):
    from tests.factories import make_commemoration

    world = make_world()
    make_commemoration(
        slug="march-deportation-1949",
        name={
            "en": "March deportation of 1949",
            "lv": "Komunistiskā genocīda upuru piemiņas diena",
        },
        rrule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=25",
        remembered_year=1949,
    )
    login_as(world.editor)
    page = client.get("/manage/events/new?lang=lv").get_data(as_text=True)
    assert ">Komunistiskā genocīda upuru piemiņas diena (14. jūnijs)</option>" in page
    assert ">Komunistiskā genocīda upuru piemiņas diena (25. marts)</option>" in page
