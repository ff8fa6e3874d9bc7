"""Public responses a shared cache may keep: no session cookie, no Vary: Cookie, and pages
with an ETag and a short Cache-Control (DESIGN.md, Scale)."""

from __future__ import annotations

import pytest

from tests.factories import make_event, make_organisation, make_user, make_venue

PUBLIC = (
    "/",
    "/events",
    "/events?country=LV",
    "/events/vigil-at-the-monument",
    "/commemorations",
    "/venues",
    "/organisations",
    "/calendar.ics",
    "/events/vigil-at-the-monument.ics",
    "/embed/events",
    "/api/v1/events",
)


@pytest.fixture
def signed_in(client, app, login_as):
    make_event(slug="vigil-at-the-monument")
    login_as(make_user("organiser@example.org"))
    return client


@pytest.mark.parametrize("url", PUBLIC)
def test_public_routes_send_no_session_cookie_and_no_vary_cookie(signed_in, url):
    for method in (signed_in.get, signed_in.head):
        response = method(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
        assert "Cookie" not in response.vary, url


def test_the_organiser_area_keeps_its_session(signed_in):
    response = signed_in.get("/manage/")
    assert response.status_code == 200
    assert "Sign out" in response.get_data(as_text=True)
    assert "Cookie" in response.vary


def test_only_an_explicit_language_choice_sets_a_cookie(client, app):
    response = client.get("/events?lang=lv")
    (cookie,) = response.headers.getlist("Set-Cookie")
    assert cookie.startswith("lang=lv;")
    assert "Cookie" not in response.vary
    assert response.cache_control.private  # a shared cache keeps no one's cookie
    assert client.get("/events").headers.get("Set-Cookie") is None


@pytest.mark.parametrize("url", ["/", "/events", "/venues", "/organisations"])
def test_pages_carry_an_etag_and_a_short_cache_control(client, app, url):
    make_event()
    response = client.get(url)
    assert response.cache_control.public
    assert 0 < response.cache_control.max_age <= 300
    etag = response.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    make_event(
        title={"en": "Another vigil"},
        venue=make_venue(slug="another-place", name={"en": "Another place"}),
        organisations=[make_organisation(slug="another-group", name={"en": "Another group"})],
    )
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
