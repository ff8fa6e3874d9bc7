"""Property-based fuzzing: no query parameter and no form field, whatever it holds, gives a 5xx.

Values include NUL and other control characters, lone surrogates (sent as the bytes a
careless client would send), huge and negative numbers, impossible dates and long strings.
The examples are few and derandomised, so each test takes seconds and runs the same every time.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.db import now_utc
from tests.conftest import sign_in_client
from tests.factories import (
    make_commemoration,
    make_event,
    make_organisation,
    make_user,
    make_venue,
)
from tests.html_forms import read_page

settings.register_profile(
    "fuzz",
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FUZZ = settings.get_profile("fuzz")

NASTY = [
    "",
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff\ud800",
    "\x1b[31m",
    "\r\nSet-Cookie: x=y",
    "\u202e",
    "\ufffe",
    "0",
    "-1",
    "-99999999999999999999",
    "99999999999999999999",
    "9" * 5000,
    "1e309",
    "NaN",
    "Infinity",
    "0x10",
    "２０２６-０１-０１",
    "2091-02-30",
    "0000-00-00",
    "9999-12-31",
    "-2091-01-01",
    "2091-13-01",
    "x" * 10000,
    "../../etc/passwd",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "https://evil.example.org/",
    "//evil.example.org",
    "lv",
    "LV",
    "dark",
]
POISON = ["\x00", "\ud800", "\x07", "\x1f", "\x85", "\u202e", "\ufffe"]
values = st.one_of(
    st.sampled_from(NASTY),
    st.tuples(st.text(max_size=12), st.sampled_from(POISON), st.text(max_size=12)).map("".join),
    st.text(max_size=40),
    st.text(st.characters(codec=None, categories=["Cc", "Cs", "Co", "Cn"]), max_size=10),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(str),
)


def encode(pairs) -> str:
    """A query string or form body, surrogates sent as their (invalid) UTF-8 bytes."""
    return "&".join(
        f"{quote(name.encode('utf-8', 'surrogatepass'), safe='')}="
        f"{quote(value.encode('utf-8', 'surrogatepass'), safe='')}"
        for name, value in pairs
    )


def params(names: list[str]):
    """Some of the known parameters, or unknown ones, each with a hostile value."""
    name = st.one_of(st.sampled_from(names), st.text(max_size=8))
    return st.lists(st.tuples(name, values), max_size=6)


@pytest.fixture
def world(app):
    june = make_commemoration()
    venue = make_venue()
    organisation = make_organisation(slug="helsinki-86")
    start = now_utc() + timedelta(days=10)
    make_event(venue=venue, organisations=[organisation], commemoration=june, starts_at=start)
    return {"commemoration": june, "venue": venue, "organisation": organisation}


FILTERS = ["country", "commemoration", "organisation", "venue", "from", "to", "q", "page", "when"]
PUBLIC_QUERIES = {
    "/": ["lang"],
    "/events": [*FILTERS, "lang"],
    "/commemorations": ["lang"],
    "/commemorations/june-deportation-1941": ["page", "lang"],
    "/venues/freedom-monument-riga": ["page", "lang"],
    "/organisations/helsinki-86": ["page", "lang"],
    "/organisations/helsinki-86/events.ics": [*FILTERS, "lang"],
    "/venues": ["lang", "page"],
    "/organisations": ["lang", "page"],
    "/calendar.ics": [*FILTERS, "lang"],
    "/commemorations.ics": ["lang"],
    "/commemorations/june-deportation-1941/events.ics": [*FILTERS, "lang"],
    "/countries/lv/events.ics": [*FILTERS, "lang"],
    "/embed/events": [*FILTERS, "limit", "lang", "theme", "accent", "frame"],
    "/embed.js": ["lang"],
    "/api/v1/events": [*FILTERS, "lang", "per_page"],
    "/api/v1/commemorations": ["lang", "page", "per_page"],
    "/api/v1/commemorations/june-deportation-1941": ["lang"],
    "/api/v1/venues": ["lang", "page", "per_page", "country"],
    "/api/v1/organisations": ["lang", "page", "per_page", "country"],
}


@pytest.mark.parametrize("path", sorted(PUBLIC_QUERIES))
def test_no_public_query_gives_a_server_error(app, client, world, path):
    @FUZZ
    @given(pairs=params(PUBLIC_QUERIES[path]))
    def check(pairs):
        response = client.get(f"{path}?{encode(pairs)}")
        assert response.status_code < 500, (pairs, response.get_data(as_text=True)[:2000])

    check()


# --- forms ---------------------------------------------------------------------------------


def fuzz_form(client, page_url: str, action: str, *, extra_fields=()):
    """Post the form found on `page_url` with hostile values in any of its fields."""
    form = read_page(client.get(page_url), page_url).form(action)
    target = form.action or page_url
    names = sorted(set(form.values) - {"csrf_token"}) + list(extra_fields)

    def check_once(changes):
        sent = {name: list(found) for name, found in form.values.items()}
        sent.update({name: [value] for name, value in changes.items()})
        pairs = [(name, value) for name, found in sent.items() for value in found]
        response = client.post(
            target,
            data=encode(pairs),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code < 500, (changes, response.get_data(as_text=True)[:2000])

    # Every field once with each poisoned value, the others as the page filled them in ...
    for name in names:
        for poison in POISON:
            check_once({name: f"Vigil {poison}"})

    # ... then several fields at once with anything.
    @FUZZ
    @given(changes=st.dictionaries(st.sampled_from(names), values, min_size=1, max_size=3))
    def check(changes):
        check_once(changes)

    check()


@pytest.fixture
def admin(app, client, world):
    user = make_user("admin@example.org", is_admin=True)
    sign_in_client(client, user)
    return user


@pytest.fixture
def editor(app, client, world):
    user = make_user("editor@example.org", memberships={world["organisation"]: "owner"})
    sign_in_client(client, user)
    return user


def test_no_sign_in_form_gives_a_server_error(app, client, world):
    make_user("organiser@example.org")
    fuzz_form(client, "/login", "/login", extra_fields=["next"])


def test_no_password_form_gives_a_server_error(client, editor):
    fuzz_form(client, "/account/password", "/account/password")


def test_no_event_form_gives_a_server_error(client, editor):
    fuzz_form(client, "/manage/events/new", "/manage/events/new")


def test_no_postpone_or_cancel_form_gives_a_server_error(client, editor, world):
    from planner.events.models import Event
    from planner.extensions import db

    event = db.session.query(Event).one()
    fuzz_form(client, f"/manage/events/{event.slug}", "/postpone")
    fuzz_form(client, f"/manage/events/{event.slug}", "/cancel")
    fuzz_form(client, f"/manage/events/{event.slug}/edit", "/edit")


def test_no_members_form_gives_a_server_error(client, editor, world):
    slug = world["organisation"].slug
    fuzz_form(client, f"/manage/organisations/{slug}/members", "/invite")
    fuzz_form(client, f"/manage/organisations/{slug}/members", "/role")


def test_no_add_member_form_gives_a_server_error(client, admin, world):
    make_user("colleague@example.org")
    slug = world["organisation"].slug
    fuzz_form(client, f"/manage/organisations/{slug}/members", "/add")


def test_no_invitation_acceptance_gives_a_server_error(app, client, editor, world):
    from planner.accounts import operations
    from planner.extensions import db
    from planner.organisations.models import Role

    _invitation, token = operations.invite(
        editor, "invitee@example.org", organisation=world["organisation"], role=Role.EDITOR
    )
    db.session.commit()
    visitor = app.test_client()
    fuzz_form(visitor, f"/invitations/{token}", f"/invitations/{token}")


@pytest.mark.parametrize(
    ("page_url", "action"),
    [
        ("/manage/admin/commemorations/new", "/commemorations/new"),
        ("/manage/admin/venues/new", "/venues/new"),
        ("/manage/admin/organisations/new", "/organisations/new"),
        ("/manage/admin/users/invite", "/users/invite"),
    ],
)
def test_no_admin_form_gives_a_server_error(client, admin, page_url, action):
    fuzz_form(client, page_url, action)


def test_no_rule_check_gives_a_server_error(client, admin):
    @FUZZ
    @given(pairs=params(["rrule"]))
    def check(pairs):
        response = client.get(f"/manage/admin/commemorations/check-rule?{encode(pairs)}")
        assert response.status_code < 500, pairs

    check()
