"""The import page as an organiser uses it: upload, choose venues, read the report."""

from __future__ import annotations

import io
import re

import pytest
from lxml import html
from sqlalchemy import func, select

from planner.events.models import Event, EventStatus
from planner.extensions import db
from tests.factories import make_organisation, make_user, make_venue
from tests.manage_support import csrf_token
from tests.test_import import day_at, ics, museum_file, stamp, vevent

URL = "/manage/organisations/museum/import"


@pytest.fixture
def museum(app):
    organisation = make_organisation(slug="museum", name={"en": "The Museum"})
    make_venue()
    make_venue(slug="museum-hall", name={"en": "Museum hall"}, address="Laukums 1")
    return organisation


def upload(client, data: bytes, **fields):
    form = {
        "csrf_token": csrf_token(client, URL),
        "calendar": (io.BytesIO(data), "calendar.ics"),
        "lang": "en",
        **fields,
    }
    return client.post(URL, data=form, content_type="multipart/form-data")


def events() -> list[Event]:
    return list(db.session.execute(select(Event).order_by(Event.starts_at)).scalars())


def text(response) -> str:
    return " ".join(html.fromstring(response.data).text_content().split())


def test_an_editor_imports_a_file_and_reads_the_report(client, login_as, museum):
    login_as(make_user(memberships={museum: "editor"}))
    dashboard = client.get("/manage/").get_data(as_text=True)
    assert URL in dashboard
    response = upload(client, museum_file())
    assert response.status_code == 200
    page = text(response)
    assert "Created: 7. Updated: 0. Unchanged: 0. Skipped: 1." in page
    assert "Created as drafts (7)" in page
    assert "Last year's vigil" in page and "It has no date in the coming twelve months." in page
    assert {event.status for event in events()} == {EventStatus.DRAFT}
    links = html.fromstring(response.data).xpath('//section[@class="import-report"]//a/@href')
    assert all(link.startswith("/manage/events/") for link in links) and len(links) == 7
    again = upload(client, museum_file())
    assert "Created: 0. Updated: 0. Unchanged: 7. Skipped: 1." in text(again)
    assert len(events()) == 7


def test_unmatched_places_are_chosen_before_anything_is_written(client, login_as, museum):
    login_as(make_user(memberships={museum: "owner"}))
    data = ics(
        vevent("park@x", "Vigil in the park", f"DTSTART:{stamp(day_at(9, 15))}Z", "LOCATION:Park"),
        vevent("yard@x", "Yard reading", f"DTSTART:{stamp(day_at(9, 17))}Z", "LOCATION:Yard"),
        vevent("hall@x", "Lecture", f"DTSTART:{stamp(day_at(9, 12))}Z", "LOCATION:Museum hall"),
    )
    step = upload(client, data)
    assert step.status_code == 200
    assert events() == []
    page = html.fromstring(step.data)
    labels = [" ".join(label.text_content().split()) for label in page.xpath("//form//label")]
    assert labels == ["Venue for “Park”", "Venue for “Yard”"]
    carried = page.xpath('//input[@name="carried"]/@value')[0]
    places = {
        field.get("name"): field.get("value")
        for field in page.xpath('//input[starts-with(@name, "place-")]')
    }
    park = next(name for name, value in places.items() if value == "Park").removeprefix("place-")
    response = client.post(
        URL,
        data={
            "csrf_token": csrf_token(client, URL),
            "carried": carried,
            "lang": "en",
            **places,
            f"venue-{park}": "museum-hall",
        },
    )
    assert response.status_code == 200
    assert "Created: 2. Updated: 0. Unchanged: 0. Skipped: 1." in text(response)
    assert "Its place matches no venue, and none was chosen." in text(response)
    assert {(e.display_title(), e.venue.slug) for e in events()} == {
        ("Vigil in the park", "museum-hall"),
        ("Lecture", "museum-hall"),
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"hello", "does not begin with BEGIN:VCALENDAR"),
        (ics(vevent("z@x", "Z", f"DTSTART;TZID=Moon/Base:{stamp(day_at(5, 9))}")), "Moon/Base"),
    ],
)
def test_a_bad_file_gets_a_clear_message(client, login_as, museum, data, message):
    login_as(make_user(memberships={museum: "editor"}))
    response = upload(client, data)
    assert response.status_code == 422
    assert message in text(response)
    assert "Nothing was imported." in text(response)
    assert db.session.execute(select(func.count()).select_from(Event)).scalar_one() == 0


def test_too_large_files(client, login_as, museum, monkeypatch):
    login_as(make_user(memberships={museum: "editor"}))
    # A smaller limit, so that the test client sends the body from memory, not a temporary file.
    monkeypatch.setattr("planner.imports.reading.MAX_BYTES", 100_000)
    large = upload(client, b"BEGIN:VCALENDAR\r\n" + b"X" * 120_000)
    assert large.status_code == 422
    assert "The file is larger than 100 kB." in text(large)
    # A body announced as larger than 4 MB is refused before it is read.
    huge = client.post(
        URL,
        data=b"--x--",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
        environ_overrides={"CONTENT_LENGTH": "5000000"},
    )
    assert huge.status_code == 413
    assert events() == []


def test_a_tampered_carried_file_is_refused(client, login_as, museum):
    login_as(make_user(memberships={museum: "editor"}))
    response = client.post(
        URL, data={"csrf_token": csrf_token(client, URL), "carried": "not%base64", "lang": "en"}
    )
    assert response.status_code == 422
    assert re.search(r"could not be read again", text(response))


def test_no_file_chosen(client, login_as, museum):
    login_as(make_user(memberships={museum: "editor"}))
    response = client.post(URL, data={"csrf_token": csrf_token(client, URL), "lang": "en"})
    assert response.status_code == 422
    assert "Choose a calendar file." in text(response)


def test_only_members_and_admins_may_import(client, login_as, museum):
    outsider = make_user(memberships={make_organisation(): "owner"})
    login_as(outsider)
    assert client.get(URL).status_code == 403
    login_as(make_user(is_admin=True))
    assert client.get(URL).status_code == 200
    assert client.get("/manage/organisations/nobody/import").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, museum):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_post_without_csrf_is_refused(client, login_as, museum):
    login_as(make_user(memberships={museum: "editor"}))
    response = client.post(
        URL,
        data={"calendar": (io.BytesIO(museum_file()), "c.ics")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert events() == []


@pytest.mark.browser
def test_the_import_screens_pass_axe(live_server, chromium, museum, tmp_path):
    from tests.conftest import require
    from tests.factories import PASSWORD
    from tests.test_accounts_accessibility import AXE, violations

    require(AXE.exists(), "axe-core not installed (run `npm ci`)")
    make_user("editor@example.org", memberships={museum: "editor"})
    calendar = tmp_path / "museum.ics"
    calendar.write_bytes(
        ics(
            vevent(
                "park@x", "Vigil in the park", f"DTSTART:{stamp(day_at(9, 15))}Z", "LOCATION:Park"
            )
        )
    )
    context = chromium.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        page.get_by_label("E-mail address").fill("editor@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{live_server}{URL}")
        results = {"upload": violations(page)}
        page.get_by_label("Calendar file (.ics)").set_input_files(str(calendar))
        page.get_by_role("button", name="Import").click()
        results["choose venues"] = violations(page)
        page.get_by_label("Venue for “Park”").select_option("museum-hall")
        page.get_by_role("button", name="Import").click()
        assert page.get_by_text("Created: 1.", exact=False).is_visible()
        results["report"] = violations(page)
        page.goto(f"{live_server}{URL}")
        page.get_by_role("button", name="Import").click()
        results["no file"] = violations(page)
    finally:
        context.close()
    assert {name: found for name, found in results.items() if found} == {}
