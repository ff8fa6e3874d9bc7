"""Bad input gets a clear answer: a 400 naming the parameter, or a form error; never a 500."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from planner.errors import PARAMETER_LABELS
from planner.extensions import db
from planner.organisations.models import Organisation
from planner.venues.models import Venue
from tests.conftest import sign_in_client
from tests.factories import PASSWORD, make_commemoration, make_event, make_user
from tests.test_admin import ORGANISATION, VENUE, field_error, post_form


@pytest.fixture
def published(app):
    make_commemoration()
    return make_event()


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/events?q=vigil%00", "q"),
        ("/events?country=L%00V", "country"),
        ("/events?organisation=a%00b", "organisation"),
        ("/events?from=2091-01-01%00", "from"),
        ("/events?page=1%00", "page"),
        ("/?lang=lv%00", "lang"),
        ("/calendar.ics?lang=%00", "lang"),
        ("/commemorations/june-deportation-1941?page=%1b", "page"),
        ("/embed/events?theme=dark%00", "theme"),
        ("/organisations?x%00y=1", "xy"),
        ("/calendar.ics?venue=%00", "venue"),
        ("/calendar.ics?commemoration=%00", "commemoration"),
    ],
)
def test_a_control_character_in_a_query_parameter_is_a_400_naming_it(
    client, published, url, parameter
):
    response = client.get(url)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This value holds a character that is not allowed here." in page
    if not url.startswith("/embed/"):  # the embed's own error page is shorter
        label = PARAMETER_LABELS.get(parameter, parameter)
        assert f"Please check what was asked for under “{label}”." in page


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events?venue=a%00",
        "/api/v1/events?venue=%00",
        "/api/v1/events?commemoration=%00",
        "/api/v1/commemorations?lang=%00",
        "/api/v1/venues?page=%07",
    ],
)
def test_the_api_answers_such_a_parameter_with_problem_json(client, published, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["parameter"] in url


@pytest.fixture
def as_admin(app, client):
    sign_in_client(client, make_user("admin@example.org", is_admin=True))
    return client


def test_a_control_character_in_a_form_field_is_a_form_error_and_nothing_is_saved(as_admin):
    response = post_form(
        as_admin, "/manage/admin/venues/new", {**VENUE, "name_en": "Hill of\x00 Crosses"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert (
        field_error(page, "name_en")
        == "This field holds a character that cannot be stored (a control character)."
    )
    assert db.session.execute(select(Venue)).first() is None
    # A select holding one is refused the same way, before anything looks it up.
    response = post_form(as_admin, "/manage/admin/venues/new", {**VENUE, "country": "L\x00T"})
    assert response.status_code == 422
    assert "control character" in field_error(response.get_data(as_text=True), "country")


def test_tabs_and_line_breaks_are_ordinary_text(as_admin):
    data = {**VENUE, "accessibility_notes_en": "Gravel path.\r\n\tSteps at the top."}
    assert post_form(as_admin, "/manage/admin/venues/new", data).status_code == 302


@pytest.mark.parametrize(
    "website",
    [
        "https://example.org/helsinki 86",
        "https://example.org/<helsinki>",
        'https://example.org/"86"',
        "https://ēka.example.org/",
        "https://example.org/%zz",
        "https://example.org:port/",
        "javascript:alert(1)",
    ],
)
def test_a_website_a_uri_cannot_hold_is_refused(as_admin, website):
    response = post_form(
        as_admin, "/manage/admin/organisations/new", {**ORGANISATION, "website": website}
    )
    assert response.status_code == 422
    assert "must be a web address starting with https://" in field_error(
        response.get_data(as_text=True), "website"
    )
    assert db.session.execute(select(Organisation)).first() is None


def test_a_website_with_a_path_query_and_fragment_is_kept(as_admin):
    website = "https://example.org/helsinki-86?lang=lv#history"
    data = {**ORGANISATION, "website": website}
    assert post_form(as_admin, "/manage/admin/organisations/new", data).status_code == 302
    assert db.session.execute(select(Organisation.website)).scalar_one() == website


def csrf_token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


@pytest.mark.parametrize(
    "hostile",
    [
        "/manage/\r\nSet-Cookie: session=stolen",
        "/manage/\nLocation: https://evil.example.org/",
        "/account/password\t",
        "/ /evil.example.org",
    ],
)
def test_a_next_page_with_line_breaks_signs_in_to_the_dashboard(client, app, hostile):
    make_user("organiser@example.org")
    response = client.post(
        "/login",
        data={
            "email": "organiser@example.org",
            "password": PASSWORD,
            "next": hostile,
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/"
    assert "Set-Cookie: session=stolen" not in str(response.headers)


@pytest.mark.parametrize("path", ["/events", "/api/v1/events", "/calendar.ics"])
def test_from_later_than_to_is_a_400_naming_to(client, published, path):
    response = client.get(f"{path}?from=2091-06-15&to=2091-06-14")
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json["parameter"] == "to"
    else:
        assert "Please check what was asked for under “To”." in response.get_data(as_text=True)


def test_the_openapi_description_says_to_must_not_be_before_from(client):
    document = client.get("/api/v1/openapi.json").json
    assert {"$ref": "#/components/parameters/to"} in document["paths"]["/events"]["get"][
        "parameters"
    ]
    described = document["components"]["parameters"]["to"]["description"]
    assert "before `from` is refused with a 400 problem naming `to`" in described


def test_every_form_of_the_planner_checks_its_fields_for_control_characters(app):
    import importlib
    import pkgutil

    from flask_wtf import FlaskForm

    import planner
    from planner.inputs import PlannerForm

    for module in pkgutil.walk_packages(planner.__path__, "planner."):
        importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    forms = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith("planner.")]
    assert len(forms) > 10
    assert [cls.__qualname__ for cls in forms if not issubclass(cls, PlannerForm)] == []
