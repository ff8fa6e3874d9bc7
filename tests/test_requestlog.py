"""Failures leave a trace: a request id on every answer, one log line per request, tracebacks."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import time
from datetime import datetime

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from planner import create_app
from planner.extensions import db
from tests.conftest import database_url, sign_in_client
from tests.factories import make_user

REQUEST_LINE = re.compile(r"^(GET|POST|HEAD) (\S+) (\d{3}) \d+\.\dms$")


def request_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "planner.requests"]


def break_home_page(monkeypatch, error: Exception) -> None:
    def broken(*_args, **_kwargs):
        raise error

    monkeypatch.setattr("planner.public.views.upcoming_events", broken)


def test_every_answer_carries_a_request_id_and_one_log_line(client, caplog):
    caplog.set_level(logging.INFO, logger="planner")
    response = client.get("/events?country=ee")
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    [line] = request_lines(caplog)
    assert REQUEST_LINE.match(line.getMessage())
    assert line.getMessage().startswith("GET /events 200 ")
    assert line.request_id == request_id
    # Each request its own id.
    assert client.get("/events").headers["X-Request-ID"] != request_id


def test_a_well_formed_incoming_request_id_is_kept_and_a_bad_one_replaced(client, caplog):
    caplog.set_level(logging.INFO, logger="planner")
    kept = client.get("/", headers={"X-Request-ID": "edge-7f3a.42_x"})
    assert kept.headers["X-Request-ID"] == "edge-7f3a.42_x"
    for bad in ("two words", "x" * 101, "-leading-dash", "a\x00b", "ü"):
        response = client.get("/", headers={"X-Request-ID": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"]), bad
    assert request_lines(caplog)[0].request_id == "edge-7f3a.42_x"


def test_the_log_line_cannot_be_forged_and_keeps_invitation_tokens_out(client, caplog):
    caplog.set_level(logging.INFO, logger="planner")
    client.get("/events/a%0Ab%0D%1B")
    client.get("/invitations/s3cret-token-value")
    first, second = (line.getMessage() for line in request_lines(caplog))
    assert "\n" not in first and "\r" not in first and "\x1b" not in first
    assert first.startswith("GET /events/a\\x0ab\\x0d\\x1b 404 ")
    assert "s3cret" not in second and second.startswith("GET /invitations/… 404 ")
    # A path in UTF-8 reads as its letters.
    client.get("/venues/%C3%BClikool")
    assert request_lines(caplog)[-1].getMessage().startswith("GET /venues/ülikool 404 ")


def test_the_line_on_standard_error_gives_time_level_logger_id_and_request(client, capsys):
    client.get("/events", headers={"X-Request-ID": "probe-2"})
    [line] = [text for text in capsys.readouterr().err.splitlines() if "planner.requests" in text]
    match = re.fullmatch(
        r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d{3} INFO planner\.requests \[probe-2\] "
        r"GET /events 200 \d+\.\dms",
        line,
    )
    assert match, line
    written = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")
    assert abs((datetime.now() - written).total_seconds()) < 60


def test_the_time_of_a_line_is_right_whichever_second_came_before(client):
    # The handler formats a second once; lines of the next, or of an earlier one (another
    # thread's record), still carry their own.
    [handler] = logging.getLogger("planner").handlers
    plain = logging.Formatter()
    now = time.time()
    for created in (now, now + 0.4, now + 1.2, now - 3.7, now - 3.1, now + 86400.05):
        record = logging.makeLogRecord({"created": created, "msecs": (created % 1) * 1000})
        assert handler.formatter.formatTime(record) == plain.formatTime(record)


def test_each_forked_worker_makes_request_ids_of_its_own():
    # In a process of its own: the test runner may have threads, and forking it is unsafe.
    script = """
import os
from planner.requestlog import new_request_id
parent = new_request_id()
read, write = os.pipe()
if os.fork() == 0:  # a worker: its first id, then gone
    os.write(write, new_request_id().encode())
    os._exit(0)
os.wait()
print(parent, os.read(read, 64).decode(), new_request_id())
"""
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    parent, worker, next_in_parent = ran.stdout.split()
    for made in (parent, worker, next_in_parent):
        assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert worker[:16] != parent[:16]
    assert next_in_parent[:16] == parent[:16] and next_in_parent != parent


def test_an_unexpected_error_is_logged_with_traceback_and_request_id_under_testing(
    client, caplog, monkeypatch
):
    # Under TESTING Flask re-raises instead of logging; the log line must be written anyway.
    break_home_page(monkeypatch, RuntimeError("the calendar broke"))
    with pytest.raises(RuntimeError):
        client.get("/", headers={"X-Request-ID": "probe-1"})
    [error] = [record for record in caplog.records if record.name == "planner.errors"]
    assert error.levelno == logging.ERROR
    assert error.request_id == "probe-1"
    assert "unhandled RuntimeError on GET /" in error.getMessage()
    assert error.exc_info is not None and "the calendar broke" in caplog.text
    assert "Traceback" in caplog.text and "planner/public/views.py" in caplog.text


@pytest.fixture
def production_like_app(tmp_path):
    """The app as production runs it: exceptions answered with the 500 page, not re-raised."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url(tmp_path))
    app.testing = False
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_the_500_page_shows_the_request_id_that_the_log_holds(
    production_like_app, caplog, monkeypatch
):
    break_home_page(monkeypatch, RuntimeError("the calendar broke"))
    client = production_like_app.test_client()
    response = client.get("/")
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert f"tell the site's administrators this error code: {request_id}" in page
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    [error] = [record for record in caplog.records if record.name == "planner.errors"]
    assert error.request_id == request_id and error.exc_info is not None
    [line] = request_lines(caplog)
    assert line.getMessage().startswith("GET / 500 ") and line.request_id == request_id


def test_problem_json_of_a_500_carries_the_request_id(production_like_app, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("serialiser broke")

    monkeypatch.setattr("planner.api.views.paginated", broken)
    response = production_like_app.test_client().get("/api/v1/events")
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert response.json["request_id"] == response.headers["X-Request-ID"]


def unreachable_database(monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    # Every session, however reached (the scoped session, Flask-SQLAlchemy's paginate...).
    for method in ("execute", "get", "scalars", "scalar"):
        monkeypatch.setattr(Session, method, refuse)


def test_database_refusing_gives_503_with_retry_after_and_the_apps_page(
    client, app, caplog, monkeypatch
):
    unreachable_database(monkeypatch)
    response = client.get("/events")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "15"
    assert "Not available just now" in response.get_data(as_text=True)
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    [error] = [record for record in caplog.records if record.name == "planner.errors"]
    assert error.getMessage().startswith("database unavailable: ConnectionRefusedError")
    assert error.request_id == response.headers["X-Request-ID"]


def test_database_refusing_gives_503_to_signed_in_organisers_too(client, app, monkeypatch):
    sign_in_client(client, make_user("organiser@example.org"))
    unreachable_database(monkeypatch)
    for path in ("/manage/", "/account/password", "/", "/no-such-page"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "15"
        page = response.get_data(as_text=True)
        assert "Not available just now" in page
        assert "Content-Security-Policy" in response.headers


def test_database_refusing_gives_problem_json_under_the_api(client, app, monkeypatch):
    unreachable_database(monkeypatch)
    response = client.get("/api/v1/venues")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 503
    assert response.json["request_id"] == response.headers["X-Request-ID"]
    assert response.headers["Retry-After"] == "15"


def test_under_debug_the_error_is_logged_too(tmp_path, caplog, monkeypatch):
    # The development server shows the debugger; the log still gets the traceback.
    debug_app = create_app("development", SQLALCHEMY_DATABASE_URI=database_url(tmp_path))
    assert debug_app.debug
    break_home_page(monkeypatch, RuntimeError("broken in development"))
    with debug_app.app_context():
        db.create_all()
        try:
            with pytest.raises(RuntimeError):
                debug_app.test_client().get("/")
        finally:
            db.drop_all()
            db.engine.dispose()
    [error] = [record for record in caplog.records if record.name == "planner.errors"]
    assert error.exc_info is not None and "broken in development" in caplog.text
