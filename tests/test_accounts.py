"""Signing in and out, sign-in rate limits, passwords, invitations and an organisation's members."""

from __future__ import annotations

import re
import socket
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from planner.accounts.models import Invitation, User, hash_token
from planner.audit.models import AuditEntry
from planner.db import now_utc
from planner.extensions import db, limiter
from planner.organisations.models import Membership, Role
from tests.conftest import require
from tests.factories import PASSWORD, make_organisation, make_user

GENERIC_FAILURE = "The e-mail address or password is not right."


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, email: str, password: str, address: str = "127.0.0.1", **extra):
    """Post the sign-in form from `address`, with the page's CSRF token."""
    data = {"email": email, "password": password, "csrf_token": csrf_token(client), **extra}
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address})


def invitation_link(page: str) -> str:
    match = re.search(r'value="(http://localhost/invitations/[^"]+)"', page)
    assert match, "the inviter is not shown the link"
    return match.group(1).replace("http://localhost", "")


# --- Signing in and out --------------------------------------------------------------------


def test_sign_in_goes_to_the_dashboard_and_sign_out_ends_the_session(client, app):
    make_user("organiser@example.org")
    response = sign_in(client, "Organiser@Example.org", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/"
    page = client.get("/manage/").get_data(as_text=True)
    assert "Sign out" in page and "Manage" in page
    # Public pages are the same for everybody (a shared cache keeps them): nobody is
    # signed in there, and the session cookie is neither read nor sent back.
    public = client.get("/")
    assert "Sign out" not in public.get_data(as_text=True)
    assert "Set-Cookie" not in public.headers and "Cookie" not in public.vary
    # Its link for organisers takes a signed-in organiser straight to the workspace.
    assert 'href="/login">For organisers</a>' in public.get_data(as_text=True)
    assert client.get("/login").headers["Location"] == "/manage/"
    assert client.get("/account/password").status_code == 200

    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/manage/")})
    assert response.status_code == 302
    assert client.get("/account/password").status_code == 302
    assert client.get("/login").status_code == 200


def test_sign_in_returns_to_a_same_site_next_page_only(client, app):
    make_user("organiser@example.org")
    response = sign_in(client, "organiser@example.org", PASSWORD, next="/account/password")
    assert response.headers["Location"] == "/account/password"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/manage/")})
    for hostile in ("https://evil.example.org/", "//evil.example.org/x", "/\\evil.example.org"):
        response = sign_in(client, "organiser@example.org", PASSWORD, next=hostile)
        assert response.headers["Location"] == "/manage/", hostile
        client.post("/logout", data={"csrf_token": csrf_token(client, "/manage/")})


def test_a_protected_page_sends_the_visitor_to_sign_in_and_back(client, app):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_wrong_password_and_unknown_account_give_the_same_message(client, app, monkeypatch):
    make_user("organiser@example.org")
    from planner.accounts import models, operations

    verified = []

    class CountingHasher:
        def __init__(self, real):
            self.real = real

        def verify(self, *args):
            verified.append(1)
            return self.real.verify(*args)

        def __getattr__(self, name):
            return getattr(self.real, name)

    counting = CountingHasher(models.password_hasher)
    monkeypatch.setattr(models, "password_hasher", counting)
    monkeypatch.setattr(operations, "password_hasher", counting)
    wrong = sign_in(client, "organiser@example.org", "not the password")
    unknown = sign_in(client, "nobody@example.org", "not the password")
    for response in (wrong, unknown):
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert GENERIC_FAILURE in page
        assert "no account" not in page.lower()
    # The unknown address cost an argon2 verification too.
    assert len(verified) == 2


def test_a_deactivated_account_cannot_sign_in(client, app):
    make_user("organiser@example.org", active=False)
    assert GENERIC_FAILURE in sign_in(client, "organiser@example.org", PASSWORD).get_data(
        as_text=True
    )


def test_change_password_needs_the_current_one(client, app):
    user = make_user("organiser@example.org")
    sign_in(client, "organiser@example.org", PASSWORD)
    token = csrf_token(client, "/account/password")
    new = "a brand new passphrase"
    response = client.post(
        "/account/password",
        data={
            "current_password": "wrong",
            "new_password": new,
            "confirm": new,
            "csrf_token": token,
        },
    )
    assert "this is not your current password" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": new,
            "confirm": new,
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password(new)


# --- Sign-in rate limits -------------------------------------------------------------------


def fail_times(client, count: int, email: str, address: str = "127.0.0.1"):
    return [sign_in(client, email, "wrong password", address) for _ in range(count)]


def test_ten_failures_from_one_address_lock_that_address_out(client, app):
    make_user("organiser@example.org")
    # Ten different accounts guessed from one address: each account is below its own limit.
    for number in range(10):
        (response,) = fail_times(client, 1, f"guess{number}@example.org", "192.0.2.10")
        assert response.status_code == 200
    response = sign_in(client, "organiser@example.org", PASSWORD, "192.0.2.10")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "Please wait a little" in page
    assert "too many unsuccessful sign-in attempts" in page
    # Another address is not affected.
    response = sign_in(client, "organiser@example.org", PASSWORD, "192.0.2.11")
    assert response.status_code == 302


def test_ten_failures_on_one_account_lock_that_account_from_every_address(client, app):
    make_user("organiser@example.org")
    make_user("colleague@example.org")
    for number in range(10):
        (response,) = fail_times(client, 1, "organiser@example.org", f"198.51.100.{number}")
        assert response.status_code == 200
    response = sign_in(client, "Organiser@example.org", PASSWORD, "203.0.113.5")
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    # Another account signs in from that same fresh address.
    response = sign_in(client, "colleague@example.org", PASSWORD, "203.0.113.5")
    assert response.status_code == 302


def test_successful_sign_ins_do_not_count(client, app):
    make_user("organiser@example.org")
    fail_times(client, 9, "organiser@example.org")
    for _ in range(3):
        assert sign_in(client, "organiser@example.org", PASSWORD).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/manage/")})
    # Nine failures and three successes: one more failure is still allowed, then the lock.
    assert fail_times(client, 1, "organiser@example.org")[0].status_code == 200
    assert fail_times(client, 1, "organiser@example.org")[0].status_code == 429


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_prefix(monkeypatch):
    require(redis_reachable(), "Redis is not reachable on 127.0.0.1:6379")
    import redis

    prefix = f"test-{uuid.uuid4().hex}"
    # Flask-Limiter keeps the first key prefix it was given; start this test from none.
    monkeypatch.setattr(limiter, "_key_prefix", "")
    yield prefix
    with redis.Redis(host="127.0.0.1", port=6379) as connection:
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)


def test_with_redis_the_counters_are_shared_between_app_instances(app, another_app, redis_prefix):
    import redis

    settings = {
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
        "RATELIMIT_KEY_PREFIX": redis_prefix,
    }
    first = another_app(**settings)
    make_user("organiser@example.org")
    first_client = first.test_client()
    with first.app_context():
        for response in fail_times(first_client, 10, "organiser@example.org", "192.0.2.40"):
            assert response.status_code == 200
    with redis.Redis(host="127.0.0.1", port=6379) as connection:
        keys = list(connection.scan_iter(f"*{redis_prefix}*"))
    assert any(b"login-account:organiser@example.org" in key for key in keys)

    # A second instance (another worker or host) sees the same counters.
    second = another_app(**settings)
    second_client = second.test_client()
    with second.app_context():
        token = csrf_token(second_client)
        response = second_client.post(
            "/login",
            data={"email": "organiser@example.org", "password": PASSWORD, "csrf_token": token},
            environ_base={"REMOTE_ADDR": "192.0.2.41"},
        )
    assert response.status_code == 429


def test_in_memory_counters_are_not_shared(app, another_app):
    # The counter-test of the one above: without Redis a new instance starts from zero.
    make_user("organiser@example.org")
    first = another_app()
    with first.app_context():
        fail_times(first.test_client(), 10, "organiser@example.org")
    second = another_app()
    second_client = second.test_client()
    with second.app_context():
        response = sign_in(second_client, "organiser@example.org", PASSWORD)
    assert response.status_code == 302


# --- Invitations ---------------------------------------------------------------------------


def test_owner_invites_a_new_editor_who_joins_and_signs_in(client, app, login_as):
    museum = make_organisation(slug="museum", name={"en": "The Museum"})
    owner = make_user("owner@example.org", memberships={museum: "owner"})
    login_as(owner)
    token = csrf_token(client, "/manage/organisations/museum/members")
    response = client.post(
        "/manage/organisations/museum/members/invite",
        data={"email": "new.editor@example.org", "role": "editor", "csrf_token": token},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    link = invitation_link(page)
    raw_token = link.rsplit("/", 1)[1]
    stored = db.session.execute(select(Invitation)).scalar_one()
    assert stored.token_hash == hash_token(raw_token) and raw_token not in stored.token_hash
    assert stored.email == "new.editor@example.org"

    client.post("/logout", data={"csrf_token": csrf_token(client, "/manage/")})
    page = client.get(link).get_data(as_text=True)
    assert "The Museum" in page and "Editor" in page
    token = csrf_token(client, link)
    response = client.post(
        link,
        data={
            "display_name": "A new editor",
            "password": "remember them always",
            "confirm": "something else entirely",
            "csrf_token": token,
        },
    )
    assert "The two passwords differ." in response.get_data(as_text=True)
    response = client.post(
        link,
        data={
            "display_name": "A new editor",
            "password": "remember them always",
            "confirm": "remember them always",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/manage/"
    user = db.session.execute(
        select(User).where(User.email == "new.editor@example.org")
    ).scalar_one()
    assert user.role_in(museum) == Role.EDITOR
    db.session.refresh(stored)
    assert stored.used_at is not None

    client.post("/logout", data={"csrf_token": csrf_token(client, "/manage/")})
    assert sign_in(client, "new.editor@example.org", "remember them always").status_code == 302
    # The link worked once.
    response = client.get(link)
    assert response.status_code == 410
    assert "already been used" in response.get_data(as_text=True)


def test_expired_and_unknown_invitations_are_refused(client, app):
    museum = make_organisation()
    token = Invitation.new_token()
    db.session.add(
        Invitation(
            token_hash=hash_token(token),
            email="late@example.org",
            organisation=museum,
            role=Role.EDITOR,
            expires_at=now_utc() - timedelta(minutes=1),
        )
    )
    db.session.commit()
    response = client.get(f"/invitations/{token}")
    assert response.status_code == 410
    assert "late@example.org" not in response.get_data(as_text=True)
    assert client.get("/invitations/not-a-real-token").status_code == 404
    # Posting a password to an expired link creates nothing.
    client.post(
        f"/invitations/{token}",
        data={"display_name": "x", "password": "p" * 12, "confirm": "p" * 12},
    )
    assert db.session.execute(select(User)).first() is None


def test_an_invited_address_with_an_account_signs_in_and_joins(client, app):
    first = make_organisation(slug="first")
    second = make_organisation(slug="second", name={"en": "Second Group"})
    owner = make_user("owner@example.org", memberships={second: "owner"})
    existing = make_user("existing@example.org", memberships={first: "editor"})
    from planner.accounts.operations import invite

    _invitation, token = invite(owner, "existing@example.org", organisation=second, role=Role.OWNER)
    db.session.commit()
    page = client.get(f"/invitations/{token}").get_data(as_text=True)
    assert "You already have an account" in page and "Second Group" in page
    response = sign_in(client, "existing@example.org", PASSWORD, next=f"/invitations/{token}")
    assert response.headers["Location"] == f"/invitations/{token}"
    response = client.post(
        f"/invitations/{token}", data={"csrf_token": csrf_token(client, f"/invitations/{token}")}
    )
    assert response.status_code == 302
    db.session.refresh(existing)
    assert existing.role_in(second) == Role.OWNER
    assert existing.role_in(first) == Role.EDITOR


def test_the_invitation_is_mailed_when_a_mail_server_is_configured(
    client, app, login_as, monkeypatch
):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append({"host": host, "port": port})

        def __enter__(self):
            return self

        def __exit__(self, *_exc):
            return False

        def send_message(self, message):
            sent[-1]["message"] = message

    monkeypatch.setattr("planner.accounts.mail.smtplib.SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="mail.example.org", MAIL_DEFAULT_SENDER="planner@example.org")
    museum = make_organisation(slug="museum", name={"en": "The Museum"})
    login_as(make_user("owner@example.org", memberships={museum: "owner"}))
    response = client.post(
        "/manage/organisations/museum/members/invite",
        data={
            "email": "new@example.org",
            "role": "owner",
            "csrf_token": csrf_token(client, "/manage/organisations/museum/members"),
        },
    )
    page = response.get_data(as_text=True)
    assert "We have sent this link by e-mail to new@example.org" in page
    message = sent[0]["message"]
    assert sent[0]["host"] == "mail.example.org"
    assert message["To"] == "new@example.org" and message["From"] == "planner@example.org"
    assert invitation_link(page) in message.get_content()
    assert "The Museum" in message.get_content()


# --- Members -------------------------------------------------------------------------------


@pytest.fixture
def museum_team(app):
    museum = make_organisation(slug="museum", name={"en": "The Museum"})
    other = make_organisation(slug="other", name={"en": "Other Group"})
    return {
        "museum": museum,
        "other": other,
        "owner": make_user("owner@example.org", memberships={museum: "owner"}),
        "editor": make_user("editor@example.org", memberships={museum: "editor"}),
        "other_owner": make_user("other.owner@example.org", memberships={other: "owner"}),
    }


def membership(user, organisation) -> Membership:
    return db.session.execute(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    ).scalar_one()


def test_owner_changes_roles_and_removes_members_but_not_the_last_owner(
    client, login_as, museum_team
):
    team = museum_team
    login_as(team["owner"])
    page = client.get("/manage/organisations/museum/members").get_data(as_text=True)
    assert "editor@example.org" in page and "Invite someone" in page
    token = csrf_token(client, "/manage/organisations/museum/members")
    editor_membership = membership(team["editor"], team["museum"])
    owner_membership = membership(team["owner"], team["museum"])

    response = client.post(
        f"/manage/organisations/museum/members/{owner_membership.id}/role",
        data={"role": "editor", "csrf_token": token},
        follow_redirects=True,
    )
    assert "an organisation needs at least one owner" in response.get_data(as_text=True)
    db.session.refresh(owner_membership)
    assert owner_membership.role == Role.OWNER

    response = client.post(
        f"/manage/organisations/museum/members/{owner_membership.id}/remove",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "was not removed" in response.get_data(as_text=True)

    client.post(
        f"/manage/organisations/museum/members/{editor_membership.id}/role",
        data={"role": "owner", "csrf_token": token},
    )
    db.session.refresh(editor_membership)
    assert editor_membership.role == Role.OWNER
    response = client.post(
        f"/manage/organisations/museum/members/{editor_membership.id}/remove",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "has been removed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert team["editor"].role_in(team["museum"]) is None
    actions = db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
    assert actions == ["change_role", "remove_member"]


def test_editor_sees_the_members_but_cannot_change_them(client, login_as, museum_team):
    team = museum_team
    login_as(team["editor"])
    page = client.get("/manage/organisations/museum/members").get_data(as_text=True)
    assert "owner@example.org" in page
    assert "Invite someone" not in page and "Change role" not in page
    token = csrf_token(client, "/manage/")
    owner_membership = membership(team["owner"], team["museum"])
    own = membership(team["editor"], team["museum"])
    assert (
        client.post(
            f"/manage/organisations/museum/members/{own.id}/role",
            data={"role": "owner", "csrf_token": token},
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/manage/organisations/museum/members/{owner_membership.id}/remove",
            data={"csrf_token": token},
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/manage/organisations/museum/members/invite",
            data={"email": "x@example.org", "role": "owner", "csrf_token": token},
        ).status_code
        == 403
    )
    db.session.refresh(own)
    assert own.role == Role.EDITOR
    assert db.session.execute(select(Invitation)).first() is None


def test_another_organisations_owner_cannot_reach_in_by_editing_urls(client, login_as, museum_team):
    team = museum_team
    login_as(team["other_owner"])
    token = csrf_token(client, "/manage/organisations/other/members")
    museum_editor = membership(team["editor"], team["museum"])
    assert client.get("/manage/organisations/museum/members").status_code == 403
    assert (
        client.post(
            f"/manage/organisations/museum/members/{museum_editor.id}/remove",
            data={"csrf_token": token},
        ).status_code
        == 403
    )
    # Their own organisation in the URL, the other's membership in the path: not found.
    assert (
        client.post(
            f"/manage/organisations/other/members/{museum_editor.id}/remove",
            data={"csrf_token": token},
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/manage/organisations/other/members/{museum_editor.id}/role",
            data={"role": "editor", "csrf_token": token},
        ).status_code
        == 404
    )
    db.session.expire_all()
    assert team["editor"].role_in(team["museum"]) == Role.EDITOR


def test_a_role_outside_the_list_is_refused(client, login_as, museum_team):
    team = museum_team
    login_as(team["owner"])
    token = csrf_token(client, "/manage/organisations/museum/members")
    editor_membership = membership(team["editor"], team["museum"])
    client.post(
        f"/manage/organisations/museum/members/{editor_membership.id}/role",
        data={"role": "admin", "csrf_token": token},
    )
    db.session.refresh(editor_membership)
    assert editor_membership.role == Role.EDITOR


def test_guessing_invitation_links_is_rate_limited(client, app):
    for _ in range(30):
        assert client.get(f"/invitations/{uuid.uuid4().hex}").status_code == 404
    response = client.get(f"/invitations/{uuid.uuid4().hex}")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many invitation links that do not exist" in response.text


def test_an_invitation_to_a_malformed_address_is_an_inline_error(client, login_as, museum_team):
    login_as(museum_team["owner"])
    response = client.post(
        "/manage/organisations/museum/members/invite",
        data={
            "email": "not an address",
            "role": "editor",
            "csrf_token": csrf_token(client, "/manage/organisations/museum/members"),
        },
    )
    assert response.status_code == 422
    assert re.search(r'<p class="field-error" id="email-error">[^<]+</p>', response.text)
    assert db.session.execute(select(Invitation)).first() is None


def test_inviting_a_current_member_is_refused(client, login_as, museum_team):
    login_as(museum_team["owner"])
    response = client.post(
        "/manage/organisations/museum/members/invite",
        data={
            "email": "editor@example.org",
            "role": "owner",
            "csrf_token": csrf_token(client, "/manage/organisations/museum/members"),
        },
    )
    assert "this person is already a member" in response.text
    assert db.session.execute(select(Invitation)).first() is None


def test_an_owner_revokes_a_pending_invitation_and_its_link_says_so(client, login_as, museum_team):
    login_as(museum_team["owner"])
    members = "/manage/organisations/museum/members"
    links = {}
    for email in ("keep@example.org", "withdraw@example.org"):
        response = client.post(
            f"{members}/invite",
            data={"email": email, "role": "editor", "csrf_token": csrf_token(client, members)},
        )
        links[email] = invitation_link(response.get_data(as_text=True))
    page = client.get(members).get_data(as_text=True)
    assert "keep@example.org" in page and "withdraw@example.org" in page
    withdrawn = db.session.execute(
        select(Invitation).where(Invitation.email == "withdraw@example.org")
    ).scalar_one()

    response = client.post(
        f"{members}/invitations/{withdrawn.id}/revoke",
        data={"csrf_token": csrf_token(client, members)},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "The invitation for withdraw@example.org has been revoked." in page
    pending = page.split("Invitations not yet accepted", 1)[1].split("Invite someone", 1)[0]
    assert "keep@example.org" in pending and "withdraw@example.org" not in pending
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "revoke_invitation")
    ).scalar_one()
    assert entry.organisation_id == museum_team["museum"].id

    client.post("/logout", data={"csrf_token": csrf_token(client, "/manage/")})
    response = client.get(links["withdraw@example.org"])
    assert response.status_code == 410
    assert "This invitation is no longer valid" in response.get_data(as_text=True)
    assert "withdrawn this link" in response.get_data(as_text=True)
    assert client.get(links["keep@example.org"]).status_code == 200


def test_the_invitation_page_offers_a_copy_button_and_an_e_mail_with_the_link(
    client, login_as, museum_team
):
    login_as(museum_team["owner"])
    members = "/manage/organisations/museum/members"
    response = client.post(
        f"{members}/invite",
        data={
            "email": "ieva@example.org",
            "role": "editor",
            "csrf_token": csrf_token(client, members),
        },
    )
    page = response.get_data(as_text=True)
    link = "http://localhost" + invitation_link(page)
    assert 'data-copy-target="invitation-link"' in page and "Copy the link" in page
    mailto = re.search(r'href="(mailto:[^"]+)"', page).group(1).replace("&amp;", "&")
    parts = urlsplit(mailto)
    assert parts.path == "ieva@example.org"
    query = parse_qs(parts.query)
    assert link in query["body"][0]
    assert query["subject"] == ["Your invitation to Remembrance Planner"]
    # The script comes from this site (script-src 'self'): no inline script.
    assert '<script src="/static/copy.js" defer></script>' in page
