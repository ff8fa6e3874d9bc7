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
