"""Races between requests end in a clear message, never a 500 or an organisation without owner.

Each test runs two real requests in two threads at the same moment (two test clients, two
database sessions). A barrier inside the first step holds both requests at the point where,
without the locks, each would decide on what it had read before the other wrote.
"""

from __future__ import annotations

import threading
import traceback
from contextlib import suppress

import pytest
from sqlalchemy import func, select

from planner.accounts import memberships, operations
from planner.accounts.models import User
from planner.extensions import db
from planner.organisations.models import Membership, Role
from tests.conftest import on_postgres, sign_in_client
from tests.factories import make_organisation, make_user
from tests.test_accounts import csrf_token, invitation_link

pytestmark = pytest.mark.skipif(not on_postgres(), reason="PostgreSQL run only")


def hold_both_at(monkeypatch, module, name: str) -> None:
    """Make `module.name` wait (up to a second) until two requests have called it."""
    barrier = threading.Barrier(2, timeout=1)
    real = getattr(module, name)

    def held(*args, **kwargs):
        result = real(*args, **kwargs)
        # A broken barrier: the other request is waiting for a lock, which is the point.
        with suppress(threading.BrokenBarrierError):
            barrier.wait()
        return result

    monkeypatch.setattr(module, name, held)


def at_the_same_moment(*requests):
    """Run each request (a callable) in its own thread; their responses, or the errors raised."""
    results: list = [None] * len(requests)

    def run(index, request):
        try:
            results[index] = request()
        except Exception as error:  # a 500 in testing mode is raised here
            traceback.print_exc()
            results[index] = error

    threads = [threading.Thread(target=run, args=item) for item in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_owners_demoting_each_other_leave_one_owner(app, monkeypatch):
    museum = make_organisation(slug="museum")
    first = make_user("first@example.org", memberships={museum: "owner"})
    second = make_user("second@example.org", memberships={museum: "owner"})
    ids = {
        user.id: db.session.execute(
            select(Membership.id).where(Membership.user_id == user.id)
        ).scalar_one()
        for user in (first, second)
    }
    clients = {user.id: app.test_client() for user in (first, second)}
    tokens = {}
    for user in (first, second):
        sign_in_client(clients[user.id], user)
        tokens[user.id] = csrf_token(clients[user.id], "/manage/organisations/museum/members")
    hold_both_at(monkeypatch, memberships, "owner_count")

    def demote(actor: int, other: int):
        return lambda: clients[actor].post(
            f"/manage/organisations/museum/members/{ids[other]}/role",
            data={"role": "editor", "csrf_token": tokens[actor]},
        )

    # Plain ids from here on: the threads have sessions of their own.
    first_id, second_id = first.id, second.id
    results = at_the_same_moment(demote(first_id, second_id), demote(second_id, first_id))

    assert [getattr(result, "status_code", result) for result in results] == [302, 302]
    db.session.expire_all()
    owners = db.session.execute(
        select(func.count()).where(Membership.role == Role.OWNER)
    ).scalar_one()
    assert owners == 1
    pages = [
        client.get("/manage/organisations/museum/members").get_data(as_text=True)
        for client in clients.values()
    ]
    refused = "The role was not changed: an organisation needs at least one owner."
    assert sorted(refused in page for page in pages) == [False, True]


def test_a_double_accept_of_one_invitation_makes_one_account_and_says_so(app, monkeypatch):
    museum = make_organisation(slug="museum")
    owner = make_user("owner@example.org", memberships={museum: "owner"})
    inviter = app.test_client()
    sign_in_client(inviter, owner)
    response = inviter.post(
        "/manage/organisations/museum/members/invite",
        data={
            "email": "joiner@example.org",
            "role": "editor",
            "csrf_token": csrf_token(inviter, "/manage/organisations/museum/members"),
        },
    )
    link = invitation_link(response.get_data(as_text=True))
    clients = [app.test_client(), app.test_client()]
    tokens = [csrf_token(client, link) for client in clients]
    hold_both_at(monkeypatch, operations, "find_invitation")

    def accept(index):
        return lambda: clients[index].post(
            link,
            data={
                "display_name": "Joiner",
                "password": "remember them always",
                "confirm": "remember them always",
                "csrf_token": tokens[index],
            },
        )

    results = at_the_same_moment(accept(0), accept(1))

    statuses = sorted(getattr(result, "status_code", 500) for result in results)
    assert statuses == [302, 410]
    refused = next(result for result in results if result.status_code == 410)
    assert "The link has already been used" in refused.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.execute(select(User).where(User.email == "joiner@example.org")).scalar_one()
    assert user.role_in(museum) == Role.EDITOR
