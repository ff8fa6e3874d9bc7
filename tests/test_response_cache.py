"""Each worker replays the public answers it sent while the data they show is unchanged
(planner/response_cache.py): one query per request, and never a stale or someone else's page."""

from __future__ import annotations

import gc
import os
import threading

import pytest

from planner import response_cache
from planner.dataversion import renew_epoch
from planner.events.operations import edit_event
from planner.extensions import db
from planner.response_cache import KeptResponse, KeptResponses
from tests.factories import make_event, make_user, make_venue


@pytest.fixture
def event(app):
    return make_event(slug="vigil-at-the-monument", title={"en": "Vigil at the monument"})


@pytest.fixture
def version_reads(app, monkeypatch):
    """The data versions the response cache reads, one per request it sees."""
    reader = app.extensions["response_cache"]._versions
    reads: list[tuple[int, str]] = []
    read = reader.read

    def counted():
        reads.append(read())
        return reads[-1]

    monkeypatch.setattr(reader, "read", counted)
    return reads


@pytest.fixture
def kept(app):
    return app.extensions["response_cache"].kept


@pytest.mark.parametrize(
    "url", ["/", "/events", "/events/vigil-at-the-monument", "/calendar.ics", "/embed/events"]
)
def test_a_public_answer_is_replayed_with_one_query(
    client, event, count_queries, version_reads, url
):
    first = client.get(url)
    version_reads.clear()
    with count_queries() as statements:
        again = client.get(url)
    # The data version is read (on a connection of its own), and nothing else runs.
    assert statements == [] and len(version_reads) == 1
    assert again.status_code == 200
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert int(again.headers["Content-Length"]) == len(first.data)
    # Every answer has its own request id, replayed or not.
    assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]


def test_a_write_is_seen_by_the_next_request(client, event):
    assert "Vigil at the monument" in client.get("/events").get_data(as_text=True)
    edit_event(event, None, title={"en": "Candle vigil at the monument"})
    db.session.commit()
    page = client.get("/events").get_data(as_text=True)
    assert "Candle vigil at the monument" in page
    feed = client.get("/calendar.ics").get_data(as_text=True)
    assert "Candle vigil at the monument" in feed


def test_answers_of_an_older_data_version_are_dropped(client, event, kept):
    client.get("/events")
    client.get("/venues")
    assert len(kept) == 2
    make_venue(slug="another-place", name={"en": "Another place"})
    assert "Another place" in client.get("/venues").get_data(as_text=True)
    assert len(kept) == 1  # the listing of the old version is gone, not only outdated


def test_a_restore_renews_the_epoch_and_no_answer_survives_it(client, event, kept):
    client.get("/events")
    renew_epoch(db.session)
    db.session.commit()
    client.get("/venues")
    assert len(kept) == 1


def test_each_language_gets_its_own_answer(client, event):
    english = client.get("/events").get_data(as_text=True)
    latvian = client.get("/events", headers={"Accept-Language": "lv-LV,lv;q=0.9"})
    assert 'lang="lv"' in latvian.get_data(as_text=True)
    estonian = client.get("/events", headers={"Accept-Language": "et"})
    assert 'lang="et"' in estonian.get_data(as_text=True)
    client.set_cookie("lang", "lt")
    assert 'lang="lt"' in client.get("/events").get_data(as_text=True)
    client.delete_cookie("lang")
    assert client.get("/events").get_data(as_text=True) == english
    assert client.get("/calendar.ics?lang=lv").data != client.get("/calendar.ics").data


def test_a_language_choice_that_sets_a_cookie_is_never_replayed(client, event, kept):
    first = client.get("/events?lang=lv")
    assert first.headers["Set-Cookie"].startswith("lang=lv;")
    assert len(kept) == 0
    client.delete_cookie("lang")
    assert client.get("/events?lang=lv").headers["Set-Cookie"].startswith("lang=lv;")


def test_conditional_requests_and_head_are_answered_from_the_kept_answer(
    client, event, count_queries
):
    for url in ("/events", "/calendar.ics"):
        first = client.get(url)
        etag = first.headers["ETag"]
        with count_queries() as statements:
            unchanged = client.get(url, headers={"If-None-Match": etag})
            head = client.head(url)
        assert statements == []
        assert unchanged.status_code == 304 and unchanged.data == b""
        assert unchanged.headers["ETag"] == etag
        assert "Content-Type" not in unchanged.headers
        assert head.status_code == 200 and head.data == b""
        assert int(head.headers["Content-Length"]) == len(first.data)
        other = client.get(url, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200 and other.data == first.data


@pytest.mark.parametrize("url", ["/events", "/calendar.ics"])
def test_a_worker_that_only_revalidated_answers_the_next_revalidation_itself(
    client, event, another_app, monkeypatch, url
):
    """A worker that never sent the whole answer (one just started, while subscribers only
    revalidate) keeps the 304 the app gave, and answers the next one without the app."""
    whole = client.get(url)  # sent by the first worker
    etag = whole.headers["ETag"]
    worker = another_app()
    cache = worker.extensions["response_cache"]
    answered_by_the_app = []
    app_itself = cache.wsgi_app

    def counted(environ, start_response):
        answered_by_the_app.append(environ.get("HTTP_IF_NONE_MATCH"))
        return app_itself(environ, start_response)

    monkeypatch.setattr(cache, "wsgi_app", counted)
    other = worker.test_client()
    first = other.get(url, headers={"If-None-Match": etag})
    assert first.status_code == 304 and len(answered_by_the_app) == 1
    again = other.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert len(answered_by_the_app) == 1
    # The validators alone cannot send the answer: the app does, and it is kept whole.
    older = other.get(url, headers={"If-None-Match": '"an-older-version"'})
    assert older.status_code == 200 and older.data == whole.data
    assert other.head(url).headers["Content-Length"] == str(len(whole.data))
    assert other.get(url).data == whole.data
    assert len(answered_by_the_app) == 2
    # A write: the kept validators name what is no longer sent.
    edit_event(event, None, title={"en": "Candle vigil at the monument"})
    db.session.commit()
    changed = other.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "Candle vigil at the monument" in changed.get_data(as_text=True)


def test_signed_in_pages_are_never_kept(client, event, kept, login_as):
    organiser = make_user("organiser@example.org")
    login_as(organiser)
    assert client.get("/manage/").status_code == 200
    assert client.get("/account/password").status_code == 200
    assert len(kept) == 0
    client.post("/logout", data={})  # refused without its token: still signed in
    with client.session_transaction("/manage/") as session:
        session.clear()
    assert client.get("/manage/").status_code == 302


def test_a_page_is_rendered_again_once_its_lifetime_is_over(app, client, event, count_queries):
    cache = app.extensions["response_cache"]
    moments = iter([1_000.0, 1_030.0, 1_061.0])
    cache.clock = lambda: next(moments)
    client.get("/events")
    with count_queries() as within:
        client.get("/events")
    with count_queries() as after:
        client.get("/events")
    assert within == [] and after != []


def test_a_forced_reload_is_answered_by_the_app(client, event, count_queries):
    client.get("/events")
    with count_queries() as statements:
        client.get("/events", headers={"Cache-Control": "no-cache"})
    assert statements != []


def _answer(size: int, version: int = 1) -> KeptResponse:
    return KeptResponse(version, "epoch", 2e9, "200 OK", (), None, size, b"x" * size)


def test_the_memory_it_holds_is_bounded_least_recently_used_first():
    kept = KeptResponses(budget=10_000)
    for number in range(3):
        kept.put(("page", number), _answer(3_000))
    assert kept.get(("page", 0), 1, "epoch", 0) is not None  # now the most recently used
    kept.put(("page", 3), _answer(3_000))
    assert len(kept) == 3 and kept.used <= kept.budget
    assert kept.get(("page", 1), 1, "epoch", 0) is None  # the least recently used went
    assert kept.get(("page", 0), 1, "epoch", 0) is not None
    kept.put(("large",), _answer(6_000))  # over half the budget: never kept
    assert kept.get(("large",), 1, "epoch", 0) is None


def test_the_validators_of_a_304_never_replace_the_whole_answer():
    kept = KeptResponses(budget=10_000)
    whole = KeptResponse(1, "epoch", 2e9, "200 OK", (("ETag", '"abc"'),), "abc", 3, b"ics")
    kept.put("feed", whole)
    kept.put(
        "feed", KeptResponse.of(1, "epoch", 2e9, "304 NOT MODIFIED", [("ETag", '"abc"')], None)
    )
    assert kept.get("feed", 1, "epoch", 0) is whole
    newer = KeptResponse.of(1, "epoch", 2e9, "304 NOT MODIFIED", [("ETag", '"def"')], None)
    kept.put("feed", newer)
    assert kept.get("feed", 1, "epoch", 0) is newer and newer.validators_only


def test_an_answer_built_from_an_older_version_is_not_kept():
    kept = KeptResponses(budget=10_000)
    assert kept.get(("page",), 2, "epoch", 0) is None  # a request has seen version 2
    kept.put(("page",), _answer(100, version=1))  # a slow render that began at version 1
    assert kept.get(("page",), 2, "epoch", 0) is None


def test_a_request_that_read_an_older_version_leaves_the_newer_answers_alone():
    kept = KeptResponses(budget=10_000)
    kept.get(("page",), 2, "epoch", 0)
    kept.put(("page",), _answer(100, version=2))
    assert kept.get(("page",), 1, "epoch", 0) is None  # read just before a write
    assert kept.get(("page",), 2, "epoch", 0) is not None
    assert kept.get(("page",), 1, "restored", 0) is None  # a restore: a new timeline
    assert kept.get(("page",), 2, "epoch", 0) is None


def test_a_large_answer_is_kept_in_a_file_and_removed_with_its_version(
    app, client, event, monkeypatch
):
    cache = app.extensions["response_cache"]
    monkeypatch.setattr(response_cache, "SENT_BLOCK", 100)  # the file is sent in many blocks
    # Answers over 1 KB go to files (a feed of thousands of events, in production).
    cache.kept = KeptResponses(budget=32 * 1024, disk_budget=1024 * 1024)
    first = client.get("/calendar.ics")
    (kept,) = cache.kept._entries.values()
    assert kept.body is None and os.path.exists(kept.path)
    assert cache.kept.used < 1024 and cache.kept.disk_used == len(first.data)
    # Sent from the file (buffered: the test client closes it, as a server does).
    again = client.get("/calendar.ics", buffered=True)
    assert again.data == first.data
    assert int(again.headers["Content-Length"]) == len(first.data)
    assert client.head("/calendar.ics").headers["Content-Length"] == str(len(first.data))
    edit_event(event, None, title={"en": "Candle vigil at the monument"})
    db.session.commit()
    assert "Candle vigil at the monument" in client.get("/calendar.ics").get_data(as_text=True)
    assert not os.path.exists(kept.path)  # the superseded answer's file is gone


def test_a_threads_connection_is_closed_when_the_thread_ends(app, monkeypatch):
    """A server that starts a thread per request (Flask's own) must not leave a database
    connection behind for each one."""
    reader = app.extensions["response_cache"]._versions
    opened = []
    connect = reader._connect
    monkeypatch.setattr(reader, "_connect", lambda: opened.append(connect()) or opened[-1])
    threads = [threading.Thread(target=reader.read) for _ in range(3)]
    for thread in threads:
        thread.start()
        thread.join()
    gc.collect()
    assert len(opened) == 3
    for connection, _ in opened:
        with pytest.raises(Exception, match="closed"):
            connection.cursor()


def test_a_reader_whose_connection_was_dropped_reconnects(app):
    """The server ends the reader's session (a restart, a failover): that request goes to the
    app, and the next one reads the version on a new connection, prepared statement and all."""
    from tests.conftest import on_postgres

    if not on_postgres():
        pytest.skip("PostgreSQL run only")
    reader = app.extensions["response_cache"]._versions
    _, epoch = reader.read()
    with db.engine.connect() as admin:
        admin.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    with pytest.raises(Exception):  # noqa: B017 (whatever the driver raises)
        reader.read()
    renew_epoch(db.session)
    db.session.commit()
    assert reader.read()[1] != epoch
