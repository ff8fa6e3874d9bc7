"""The administrators' screens, and who may reach every route of the organiser area."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from planner.accounts.models import Invitation, User
from planner.accounts.operations import invite
from planner.audit.models import AuditEntry
from planner.commemorations.models import Commemoration
from planner.extensions import db
from planner.organisations.models import Membership, Organisation, Role
from planner.venues.models import Venue
from tests.factories import (
    make_commemoration,
    make_event,
    make_organisation,
    make_user,
    make_venue,
)
from tests.test_accounts import csrf_token


@pytest.fixture
def admin(app):
    return make_user("admin@example.org", is_admin=True)


@pytest.fixture
def as_admin(client, login_as, admin):
    login_as(admin)
    return client


def post_form(client, path: str, data: dict, token_page: str = "/manage/admin/"):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, token_page)})


def field_error(page: str, field_id: str) -> str:
    """The inline error shown for a field, checking it is tied to the input for screen readers."""
    match = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', page)
    assert match, f"no inline error for {field_id}"
    tag = re.search(rf"<(?:input|select|textarea)[^>]*\bid=\"{field_id}\"[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in tag and f"{field_id}-error" in tag
    return match.group(1)


def audit_actions(object_type: str) -> list[str]:
    return (
        db.session.execute(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == object_type)
            .order_by(AuditEntry.id)
        )
        .scalars()
        .all()
    )


COMMEMORATION = {
    "slug": "june-deportation-1941",
    "name_en": "June deportation of 1941",
    "name_lv": "Komunistiskā genocīda upuru piemiņas diena",
    "description_en": "The Soviet mass deportation that began on 14 June 1941.",
    "rule_kind": "date",
    "month": "6",
    "day": "14",
    "rrule": "",
    "countries": "lv, EE,LT",
    "remembered_year": "1941",
    "first_observed_year": "",
}


# --- Commemorations ------------------------------------------------------------------------


def test_admin_adds_a_commemoration_on_a_fixed_date(as_admin):
    response = post_form(as_admin, "/manage/admin/commemorations/new", COMMEMORATION)
    assert response.status_code == 302
    item = db.session.execute(select(Commemoration)).scalar_one()
    assert item.rrule == "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14"
    assert item.countries == ["LV", "EE", "LT"]
    assert item.name["lv"] == "Komunistiskā genocīda upuru piemiņas diena"
    assert item.remembered_year == 1941 and item.first_observed_year is None
    assert audit_actions("commemorations") == ["create"]
    page = as_admin.get("/manage/admin/commemorations").get_data(as_text=True)
    assert "June deportation of 1941" in page and "14 June" in page


def test_admin_adds_a_commemoration_by_a_free_rule_and_edits_it(as_admin):
    data = {
        **COMMEMORATION,
        "slug": "ukraine-victims-of-political-repression",
        "name_en": "Day of Remembrance of Victims of Political Repression",
        "rule_kind": "rule",
        "rrule": "freq=yearly;bymonth=5;byday=3SU",
        "countries": "UA",
    }
    assert post_form(as_admin, "/manage/admin/commemorations/new", data).status_code == 302
    item = db.session.execute(select(Commemoration)).scalar_one()
    assert item.rrule == "FREQ=YEARLY;BYMONTH=5;BYDAY=3SU"

    page = as_admin.get(f"/manage/admin/commemorations/{item.slug}/edit").get_data(as_text=True)
    assert 'value="FREQ=YEARLY;BYMONTH=5;BYDAY=3SU"' in page
    assert re.search(r'<input[^>]*checked[^>]*value="rule"|value="rule"[^>]*checked', page)
    data["first_observed_year"] = "1991"
    path = f"/manage/admin/commemorations/{item.slug}/edit"
    assert post_form(as_admin, path, data).status_code == 302
    db.session.refresh(item)
    assert item.first_observed_year == 1991
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "update")).scalar_one()
    assert entry.changes == {"first_observed_year": [None, 1991]}


def test_a_fixed_date_edit_form_shows_month_and_day(as_admin):
    make_commemoration()
    page = as_admin.get("/manage/admin/commemorations/june-deportation-1941/edit").get_data(
        as_text=True
    )
    assert re.search(r'<option selected value="6">|<option value="6" selected>', page)
    assert 'id="day"' in page and 'value="14"' in page


def test_a_bad_rule_is_an_inline_error_and_nothing_is_saved(as_admin):
    data = {**COMMEMORATION, "rule_kind": "rule", "rrule": "FREQ=WEEKLY;BYDAY=MO"}
    response = post_form(as_admin, "/manage/admin/commemorations/new", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "recurs yearly" in field_error(page, "rrule")
    assert "Nothing was saved" in page
    assert 'value="FREQ=WEEKLY;BYDAY=MO"' in page  # what was typed stays
    assert db.session.execute(select(Commemoration)).first() is None
    assert audit_actions("commemorations") == []


def test_an_impossible_date_and_a_bad_country_are_inline_errors(as_admin):
    page = post_form(
        as_admin, "/manage/admin/commemorations/new", {**COMMEMORATION, "month": "2", "day": "30"}
    ).get_data(as_text=True)
    assert field_error(page, "day") == "That month has no such day."
    page = post_form(
        as_admin, "/manage/admin/commemorations/new", {**COMMEMORATION, "countries": "LV, XX"}
    ).get_data(as_text=True)
    assert "is not an ISO 3166-1 country code" in field_error(page, "countries")
    assert db.session.execute(select(Commemoration)).first() is None


@pytest.mark.parametrize("missing", [{"day": ""}, {"month": "", "day": "14"}, {"rule_kind": None}])
def test_a_fixed_date_without_its_day_is_an_inline_error(as_admin, missing):
    data = {**COMMEMORATION, "day": "", **missing}
    data = {key: value for key, value in data.items() if value is not None}
    response = post_form(as_admin, "/manage/admin/commemorations/new", data)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "day") == "Choose the month and the day."
    assert db.session.execute(select(Commemoration)).first() is None


def test_the_rule_check_answers_validity_and_the_next_three_dates(as_admin):
    answer = as_admin.get(
        "/manage/admin/commemorations/check-rule?rrule=FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=25"
    ).json
    assert answer["valid"] is True
    assert len(answer["next"]) == 3
    assert all(day["date"][5:] == "03-25" for day in answer["next"])
    years = [int(day["date"][:4]) for day in answer["next"]]
    assert years == [years[0], years[0] + 1, years[0] + 2]
    assert "25 March" in answer["next"][0]["label"]
    answer = as_admin.get(
        "/manage/admin/commemorations/check-rule?rrule=FREQ=YEARLY;BYMONTH=13"
    ).json
    assert answer["valid"] is False and answer["next"] == [] and answer["message"]


def test_a_commemoration_with_events_is_not_deleted(as_admin):
    june = make_commemoration()
    make_event(commemoration=june)
    response = post_form(as_admin, "/manage/admin/commemorations/june-deportation-1941/delete", {})
    page = as_admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "cannot be deleted because events refer to it" in page
    assert db.session.execute(select(Commemoration)).scalar_one() is not None
    make_commemoration(slug="unused", rrule="FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=6")
    assert post_form(as_admin, "/manage/admin/commemorations/unused/delete", {}).status_code == 302
    slugs = db.session.execute(select(Commemoration.slug)).scalars().all()
    assert slugs == ["june-deportation-1941"]
    assert audit_actions("commemorations") == ["delete"]


# --- Venues --------------------------------------------------------------------------------

VENUE = {
    "slug": "hill-of-crosses",
    "name_en": "Hill of Crosses",
    "name_lt": "Kryžių kalnas",
    "address": "Jurgaičiai",
    "city": "Šiauliai",
    "country": "LT",
    "latitude": "56.0153",
    "longitude": "23.4167",
    "timezone": "",
    "accessibility_notes_en": "A gravel path leads up the hill.",
}


def test_a_new_venue_takes_its_zone_from_the_country(as_admin):
    assert post_form(as_admin, "/manage/admin/venues/new", VENUE).status_code == 302
    venue = db.session.execute(select(Venue)).scalar_one()
    assert venue.country == "LT" and venue.timezone == "Europe/Vilnius"
    assert venue.latitude == pytest.approx(56.0153)
    assert venue.accessibility_notes == {"en": "A gravel path leads up the hill."}
    assert audit_actions("venues") == ["create"]


def test_the_zone_can_be_overridden_and_set_back_to_the_country(as_admin):
    data = {**VENUE, "timezone": "Europe/Riga"}
    assert post_form(as_admin, "/manage/admin/venues/new", data).status_code == 302
    venue = db.session.execute(select(Venue)).scalar_one()
    assert venue.timezone == "Europe/Riga"
    page = as_admin.get("/manage/admin/venues/hill-of-crosses/edit").get_data(as_text=True)
    assert re.search(r'<option selected value="Europe/Riga">', page)
    data["timezone"] = ""
    assert post_form(as_admin, "/manage/admin/venues/hill-of-crosses/edit", data).status_code == 302
    db.session.refresh(venue)
    assert venue.timezone == "Europe/Vilnius"


def test_bad_coordinates_are_inline_errors_and_nothing_is_saved(as_admin):
    page = post_form(as_admin, "/manage/admin/venues/new", {**VENUE, "latitude": "95"}).get_data(
        as_text=True
    )
    assert field_error(page, "latitude") == "must be between -90 and 90"
    page = post_form(as_admin, "/manage/admin/venues/new", {**VENUE, "longitude": "east"}).get_data(
        as_text=True
    )
    assert field_error(page, "longitude") == "must be a number"
    page = post_form(as_admin, "/manage/admin/venues/new", {**VENUE, "country": "XX"}).get_data(
        as_text=True
    )
    assert field_error(page, "country") == "Not a valid choice."
    assert db.session.execute(select(Venue)).first() is None


def test_a_failed_edit_changes_nothing(as_admin):
    make_venue()
    data = {**VENUE, "slug": "freedom-monument-riga", "name_en": "Renamed", "latitude": "-91"}
    response = post_form(as_admin, "/manage/admin/venues/freedom-monument-riga/edit", data)
    assert response.status_code == 422
    db.session.expire_all()
    venue = db.session.execute(select(Venue)).scalar_one()
    assert venue.name["en"] == "Freedom Monument" and venue.latitude == pytest.approx(56.9514)


def test_a_venue_with_events_is_not_deleted(as_admin):
    venue = make_venue()
    make_event(venue=venue, starts_at=datetime(2091, 6, 14, 15, tzinfo=UTC))
    post_form(as_admin, "/manage/admin/venues/freedom-monument-riga/delete", {})
    assert db.session.execute(select(Venue)).scalar_one() is not None
    assert audit_actions("venues") == []


# --- Organisations -------------------------------------------------------------------------

ORGANISATION = {
    "slug": "helsinki-86",
    "name_en": "Helsinki-86",
    "description_en": "A civic group founded in Liepāja in 1986.",
    "website": "https://example.org/helsinki-86",
    "contact_email": "contact@example.org",
    "country": "LV",
    "city": "Liepāja",
}


def test_admin_adds_and_edits_an_organisation(as_admin):
    assert post_form(as_admin, "/manage/admin/organisations/new", ORGANISATION).status_code == 302
    organisation = db.session.execute(select(Organisation)).scalar_one()
    assert organisation.website == "https://example.org/helsinki-86"
    data = {**ORGANISATION, "city": "Rīga"}
    assert (
        post_form(as_admin, "/manage/admin/organisations/helsinki-86/edit", data).status_code == 302
    )
    db.session.refresh(organisation)
    assert organisation.city == "Rīga"
    assert audit_actions("organisations") == ["create", "update"]


def test_organisation_errors_are_inline(as_admin):
    make_organisation(slug="taken")
    page = post_form(
        as_admin, "/manage/admin/organisations/new", {**ORGANISATION, "slug": "taken"}
    ).get_data(as_text=True)
    assert field_error(page, "slug") == "this web address name is already used"
    page = post_form(
        as_admin, "/manage/admin/organisations/new", {**ORGANISATION, "website": "example.org"}
    ).get_data(as_text=True)
    assert "https://" in field_error(page, "website")
    page = post_form(
        as_admin, "/manage/admin/organisations/new", {**ORGANISATION, "name_en": ""}
    ).get_data(as_text=True)
    assert field_error(page, "name_en") == "is required in at least one language"
    assert db.session.execute(select(Organisation.slug)).scalars().all() == ["taken"]


def test_an_organisation_with_events_is_not_deleted(as_admin):
    organisation = make_organisation(slug="hosts")
    make_event(organisations=[organisation])
    post_form(as_admin, "/manage/admin/organisations/hosts/delete", {})
    assert db.session.get(Organisation, organisation.id) is not None


# --- Accounts and memberships --------------------------------------------------------------


def test_admin_makes_and_unmakes_admins_and_deactivates_accounts(as_admin, admin):
    organiser = make_user("organiser@example.org")
    path = f"/manage/admin/users/{organiser.id}"
    post_form(as_admin, f"{path}/admin", {"value": "1"})
    db.session.refresh(organiser)
    assert organiser.is_admin
    post_form(as_admin, f"{path}/admin", {"value": "0"})
    post_form(as_admin, f"{path}/active", {"value": "0"})
    db.session.refresh(organiser)
    assert not organiser.is_admin and not organiser.active
    assert audit_actions("users") == ["set_admin", "set_admin", "set_active"]
    # An administrator does not lock themself out by mistake.
    response = post_form(as_admin, f"/manage/admin/users/{admin.id}/active", {"value": "0"})
    page = as_admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "you cannot deactivate your own account" in page
    db.session.refresh(admin)
    assert admin.active


def test_admin_invites_a_new_administrator(as_admin, client):
    response = post_form(
        as_admin,
        "/manage/admin/users/invite",
        {"email": "helper@example.org", "organisation": "", "role": "editor", "make_admin": "y"},
    )
    assert response.status_code == 200
    link = re.search(
        r'value="http://localhost(/invitations/[^"]+)"', response.get_data(as_text=True)
    )
    invitation = db.session.execute(select(Invitation)).scalar_one()
    assert invitation.make_admin and invitation.organisation_id is None
    client.post("/logout", data={"csrf_token": csrf_token(client, "/manage/")})
    token = csrf_token(client, link.group(1))
    client.post(
        link.group(1),
        data={
            "display_name": "A helper",
            "password": "a long enough passphrase",
            "confirm": "a long enough passphrase",
            "csrf_token": token,
        },
    )
    helper = db.session.execute(select(User).where(User.email == "helper@example.org")).scalar_one()
    assert helper.is_admin


def test_admin_revokes_an_invitation_to_become_an_administrator(as_admin, admin, client):
    invitation, token = invite(admin, "helper@example.org", make_admin=True)
    db.session.commit()
    page = as_admin.get("/manage/admin/users").get_data(as_text=True)
    pending = page.split("to become an administrator not yet accepted", 1)[1]
    assert "helper@example.org" in pending
    response = as_admin.post(
        f"/manage/admin/users/invitations/{invitation.id}/revoke",
        data={"csrf_token": csrf_token(as_admin, "/manage/admin/users")},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "The invitation for helper@example.org has been revoked." in page
    assert "helper@example.org" not in page.split("not yet accepted", 1)[1]
    db.session.refresh(invitation)
    assert invitation.revoked_at is not None
    assert client.get(f"/invitations/{token}").status_code == 410


def test_admin_invites_for_an_organisation_and_must_choose_one_or_admin(as_admin):
    make_organisation(slug="museum")
    response = post_form(
        as_admin,
        "/manage/admin/users/invite",
        {"email": "nobody@example.org", "organisation": "", "role": "editor"},
    )
    assert response.status_code == 422
    assert "choose an organisation" in field_error(response.get_data(as_text=True), "organisation")
    response = post_form(
        as_admin,
        "/manage/admin/users/invite",
        {"email": "owner@example.org", "organisation": "museum", "role": "owner"},
    )
    invitation = db.session.execute(select(Invitation)).scalar_one()
    assert invitation.role == Role.OWNER and invitation.organisation.slug == "museum"


def test_admin_adds_an_existing_account_to_an_organisation(as_admin):
    museum = make_organisation(slug="museum")
    organiser = make_user("organiser@example.org")
    response = post_form(
        as_admin,
        "/manage/organisations/museum/members/add",
        {"add-email": "organiser@example.org", "add-role": "owner"},
    )
    assert response.status_code == 302
    db.session.refresh(organiser)
    assert organiser.role_in(museum) == Role.OWNER
    response = post_form(
        as_admin,
        "/manage/organisations/museum/members/add",
        {"add-email": "stranger@example.org", "add-role": "owner"},
    )
    assert "There is no account with this address" in field_error(
        response.get_data(as_text=True), "add-email"
    )


# --- Who may reach what --------------------------------------------------------------------

ROLES = ("anonymous", "other_editor", "editor", "owner", "admin")


@pytest.fixture
def world(app):
    museum = make_organisation(slug="museum")
    other = make_organisation(slug="other")
    make_commemoration()
    make_venue()
    users = {
        "other_editor": make_user("other@example.org", memberships={other: "editor"}),
        "editor": make_user("editor@example.org", memberships={museum: "editor"}),
        "owner": make_user("owner@example.org", memberships={museum: "owner"}),
        "admin": make_user("admin@example.org", is_admin=True),
    }
    editor_membership = db.session.execute(
        select(Membership).where(Membership.user_id == users["editor"].id)
    ).scalar_one()
    invitation, _token = invite(
        users["owner"], "later@example.org", organisation=museum, role=Role.EDITOR
    )
    for_admin, _token = invite(users["admin"], "helper@example.org", make_admin=True)
    db.session.commit()
    return {
        "admin_invitation": for_admin.id,
        "users": users,
        "membership": editor_membership.id,
        "editor": users["editor"].id,
        "invitation": invitation.id,
    }


def routes(world) -> list[tuple[str, str, dict, dict]]:
    """(method, path, form data, expected status by role); destructive ones last."""
    sign_in_needed = {"anonymous": 302}
    admin_only = {**sign_in_needed, "other_editor": 403, "editor": 403, "owner": 403}
    members_read = {**sign_in_needed, "other_editor": 403, "editor": 200, "owner": 200}
    members_write = {**sign_in_needed, "other_editor": 403, "editor": 403}
    m = f"/manage/organisations/museum/members/{world['membership']}"
    u = f"/manage/admin/users/{world['editor']}"
    admin_get = [
        "/manage/admin/",
        "/manage/admin/commemorations",
        "/manage/admin/commemorations/new",
        "/manage/admin/commemorations/june-deportation-1941/edit",
        "/manage/admin/commemorations/check-rule?rrule=FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14",
        "/manage/admin/venues",
        "/manage/admin/venues/new",
        "/manage/admin/venues/freedom-monument-riga/edit",
        "/manage/admin/organisations",
        "/manage/admin/organisations/new",
        "/manage/admin/organisations/museum/edit",
        "/manage/admin/users",
        "/manage/admin/users/invite",
    ]
    table = [
        ("GET", "/login", {}, {"anonymous": 200, "default": 302}),
        ("GET", "/account/password", {}, {**sign_in_needed, "default": 200}),
        ("GET", "/manage/organisations/museum/members", {}, {**members_read, "admin": 200}),
        ("GET", "/manage/organisations/nowhere/members", {}, {**sign_in_needed, "default": 404}),
        ("GET", "/invitations/unknown-token", {}, {"default": 404}),
    ]
    table += [("GET", path, {}, {**admin_only, "admin": 200}) for path in admin_get]
    # Empty forms: refused with the form shown again (422), never saved.
    table += [
        ("POST", path, {}, {**admin_only, "admin": 422})
        for path in (
            "/manage/admin/commemorations/new",
            "/manage/admin/commemorations/june-deportation-1941/edit",
            "/manage/admin/venues/new",
            "/manage/admin/venues/freedom-monument-riga/edit",
            "/manage/admin/organisations/new",
            "/manage/admin/organisations/museum/edit",
            "/manage/admin/users/invite",
        )
    ]
    table += [
        ("POST", "/account/password", {}, {**sign_in_needed, "default": 422}),
        (
            "POST",
            "/manage/organisations/museum/members/invite",
            {"email": "new@example.org", "role": "editor"},
            {**members_write, "owner": 200, "admin": 200},
        ),
        (
            "POST",
            "/manage/organisations/museum/members/add",
            {"add-email": "other@example.org", "add-role": "editor"},
            {**members_write, "owner": 403, "admin": 302},
        ),
        ("POST", f"{m}/role", {"role": "owner"}, {**members_write, "owner": 302, "admin": 302}),
        ("POST", f"{u}/admin", {"value": "1"}, {**admin_only, "admin": 302}),
        (
            "POST",
            f"/manage/admin/users/invitations/{world['admin_invitation']}/revoke",
            {},
            {**admin_only, "admin": 302},
        ),
        ("POST", f"{u}/active", {"value": "0"}, {**admin_only, "admin": 302}),
        ("POST", f"{m}/remove", {}, {**members_write, "owner": 302, "admin": 302}),
        (
            "POST",
            f"/manage/organisations/museum/members/invitations/{world['invitation']}/revoke",
            {},
            {**members_write, "owner": 302, "admin": 302},
        ),
        (
            "POST",
            "/manage/admin/commemorations/june-deportation-1941/delete",
            {},
            {**admin_only, "admin": 302},
        ),
        (
            "POST",
            "/manage/admin/venues/freedom-monument-riga/delete",
            {},
            {**admin_only, "admin": 302},
        ),
        ("POST", "/manage/admin/organisations/other/delete", {}, {**admin_only, "admin": 302}),
        ("POST", "/logout", {}, {"default": 302}),
    ]
    return table


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, login_as, world, role):
    if role != "anonymous":
        login_as(world["users"][role])
    token = csrf_token(client, "/login" if role == "anonymous" else "/manage/")
    got, expected = {}, {}
    for method, path, data, statuses in routes(world):
        key = f"{method} {path}"
        expected[key] = statuses.get(role, statuses.get("default"))
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={**data, "csrf_token": token})
        got[key] = response.status_code
        if role == "anonymous" and response.status_code == 302 and path != "/logout":
            # Sent to sign in, and back here afterwards.
            assert response.headers["Location"].startswith("/login?next=%2F"), key
            got[key] = "302 to /login"
            expected[key] = "302 to /login" if expected[key] == 302 else expected[key]
    assert got == expected


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/manage/admin/venues")
    assert response.headers["Location"].startswith("/login?next=")


def test_nothing_changed_for_those_refused(client, login_as, world):
    login_as(world["users"]["owner"])
    token = csrf_token(client, "/manage/")
    for method, path, data, _statuses in routes(world):
        if method == "POST" and path.startswith("/manage/admin/"):
            client.post(path, data={**data, "csrf_token": token})
    assert db.session.execute(select(Venue)).scalar_one() is not None
    assert db.session.execute(select(Commemoration)).scalar_one() is not None
    assert not db.session.get(User, world["editor"]).is_admin
    assert audit_actions("venues") == audit_actions("users") == []


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_post_without_a_csrf_token_is_refused(client, login_as, world, signed_in):
    if signed_in:
        login_as(world["users"]["admin"])
    posts = [(path, data) for method, path, data, _ in routes(world) if method == "POST"]
    posts += [("/login", {"email": "admin@example.org", "password": "x"})]
    posts += [("/invitations/some-token", {})]
    for path, data in posts:
        response = client.post(path, data=data)
        assert response.status_code == 400, path
        assert "did not come from this site" in response.get_data(as_text=True)
        response = client.post(path, data={**data, "csrf_token": "forged"})
        assert response.status_code == 400, path
    assert db.session.execute(select(Venue)).scalar_one() is not None
    assert db.session.get(User, world["editor"]).role_in(
        db.session.execute(select(Organisation).where(Organisation.slug == "museum")).scalar_one()
    )


def test_a_venue_address_taken_at_the_same_moment_is_a_409_and_nothing_is_saved(
    as_admin, monkeypatch
):
    from planner.admin import operations

    checked = operations._check_slug_free

    def another_admin_saves_first(model, slug, current=None):
        checked(model, slug, current)
        # Between this request's check and its insert, another request commits the address.
        with db.engine.begin() as connection:
            connection.execute(
                Venue.__table__.insert().values(
                    slug=slug, name={"en": "Hill of Crosses"}, country="LT",
                    timezone="Europe/Vilnius",
                )
            )  # fmt: skip

    monkeypatch.setattr(operations, "_check_slug_free", another_admin_saves_first)
    response = post_form(as_admin, "/manage/admin/venues/new", VENUE)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Changed in the meantime" in page
    assert "nothing of yours was saved" in page
    venues = db.session.execute(select(Venue)).scalars().all()
    assert [venue.name["en"] for venue in venues] == ["Hill of Crosses"]
    assert audit_actions("venues") == []
