"""Sessions end on the server; sign-in limits, redirects and links that cannot be turned."""

from __future__ import annotations

import re

from sqlalchemy import select

from planner.accounts.models import User
from planner.extensions import db
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase"


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, email: str, password: str = PASSWORD, **extra):
    data = {"email": email, "password": password, "csrf_token": csrf_token(client), **extra}
    return client.post("/login", data=data)


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def opens_manage(app, cookie: str) -> bool:
    """Whether a fresh browser holding only this session cookie gets into /manage/."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get("/manage/").status_code == 200


def test_a_cookie_copied_before_signing_out_no_longer_opens_manage(app, client):
    make_user("organiser@example.org")
    assert sign_in(client, "organiser@example.org").status_code == 302
    copied = session_cookie(client)
    assert opens_manage(app, copied)

    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert not opens_manage(app, copied)
    # Signing in again works, with a new session.
    assert sign_in(client, "organiser@example.org").status_code == 302
    assert client.get("/manage/").status_code == 200


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(app, client):
    make_user("organiser@example.org")
    laptop, phone = client, app.test_client()
    sign_in(laptop, "organiser@example.org")
    sign_in(phone, "organiser@example.org")
    assert phone.get("/manage/").status_code == 200

    response = laptop.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": csrf_token(laptop, "/account/password"),
        },
    )
    assert response.status_code == 302
    assert laptop.get("/manage/").status_code == 200
    assert phone.get("/manage/").status_code == 302
    assert phone.get("/manage/").headers["Location"].startswith("/login")
    assert sign_in(phone, "organiser@example.org", NEW_PASSWORD).status_code == 302


def test_a_password_set_on_the_command_line_ends_the_sessions(app, client, runner):
    make_user("organiser@example.org")
    sign_in(client, "organiser@example.org")
    result = runner.invoke(
        args=["users", "set-password", "organiser@example.org"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert client.get("/manage/").status_code == 302


def test_a_session_naming_only_the_account_is_not_enough(app, client):
    user = make_user("organiser@example.org")
    sign_in(client, "organiser@example.org")
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    assert client.get("/manage/").status_code == 302
    token = db.session.execute(select(User.session_token)).scalar_one()
    assert len(token) >= 40


# --- limits ----------------------------------------------------------------------------------


def test_the_account_limit_reads_the_address_as_sign_in_does(app, client):
    make_user("eda@probe-example.org")
    # A full-width letter in the domain names the same account: it counts against it.
    for number in range(10):
        response = sign_in(
            client,
            "eda@ｐrobe-example.org",
            "wrong password",
            environ_overrides={"REMOTE_ADDR": f"198.51.100.{number}"},
        )
        assert response.status_code == 200
    response = sign_in(
        client, "EDA@probe-example.org", environ_overrides={"REMOTE_ADDR": "203.0.113.5"}
    )
    assert response.status_code == 429


def change_password(client, current: str):
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": csrf_token(client, "/account/password"),
        },
    )


def test_wrong_current_passwords_are_limited_too(app, client):
    make_user("organiser@example.org")
    sign_in(client, "organiser@example.org")
    for _ in range(10):
        response = change_password(client, "not my password")
        assert response.status_code == 422
        assert "this is not your current password" in response.get_data(as_text=True)
    response = change_password(client, PASSWORD)
    assert response.status_code == 429
    assert "too many unsuccessful attempts to change the password" in response.get_data(
        as_text=True
    )
    assert "Retry-After" in response.headers
    user = db.session.execute(select(User)).scalar_one()
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


# --- production headers and links --------------------------------------------------------------


def test_production_sends_strict_transport_security_on_every_response(monkeypatch, tmp_path):
    from planner import create_app

    monkeypatch.setenv("SECRET_KEY", "a production secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.sqlite'}")
    production = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.db")
    with production.app_context():
        db.create_all()
        visitor = production.test_client()
        for url in ["/", "/no-such-page", "/calendar.ics", "/api/v1/events", "/login"]:
            response = visitor.get(url, base_url="https://planner.example.org")
            assert response.headers["Strict-Transport-Security"] == "max-age=31536000", url
        db.session.remove()
        db.engine.dispose()


def test_outside_production_no_strict_transport_security(client, app):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_an_invitation_link_uses_site_url_not_the_host_header(app, client):
    from planner.organisations.models import Membership, Role
    from tests.factories import make_organisation

    app.config["SITE_URL"] = "https://planner.example.org"
    organisation = make_organisation(slug="helsinki-86")
    owner = make_user("owner@example.org")
    db.session.add(Membership(user=owner, organisation=organisation, role=Role.OWNER))
    db.session.commit()
    client.environ_base["HTTP_HOST"] = "evil.example.org"  # a request's Host header is anyone's
    sign_in(client, "owner@example.org")
    members = "/manage/organisations/helsinki-86/members"
    response = client.post(
        f"{members}/invite",
        data={
            "email": "new.member@example.org",
            "role": "editor",
            "csrf_token": csrf_token(client, members),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200, re.findall(r"<main.*?</main>", page, re.S)
    assert 'value="https://planner.example.org/invitations/' in page
    assert "evil.example.org" not in page
