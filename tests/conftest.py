"""Fixtures: an app on a fresh database per test, a client, a live server and a browser.

Tests run on SQLite by default and on PostgreSQL when TEST_DATABASE_URL names one. A test that
needs an outside part (PostgreSQL, Redis, Chromium, Java, Node) skips with the reason where it
is missing; under CI=true it fails instead, so that CI never passes by skipping.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import threading
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import event as sa_event
from werkzeug.serving import make_server

from planner import create_app
from planner.dataversion import DataVersion
from planner.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Request headers that ask for a page rendered anew, past the answers each worker keeps
# (planner/response_cache.py): for tests that count what rendering costs.
RENDER = {"Cache-Control": "no-cache"}


def require(condition: bool, reason: str) -> None:
    """Skip with `reason` when an outside part is missing; in CI, fail instead."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)


def database_url(tmp_path: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite'}"


def on_postgres() -> bool:
    return (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")


def reset_schema() -> None:
    """Drop every table, the migrations' bookkeeping included."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


@pytest.fixture
def app(tmp_path: Path) -> Iterator:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url(tmp_path))

    @app.teardown_request
    def forget_the_request(_error=None):
        # The app context below stays pushed, so `g` outlives a request here (never in
        # production): without this, the signed-in user cached by Flask-Login, the CSRF state
        # and the language Flask-Babel keeps in `_flask_babel` would leak from one request (and
        # one test client) to the next.
        for name in ("_login_user", "csrf_token", "csrf_valid", "_flask_babel"):
            g.pop(name, None)

    with app.app_context():
        reset_schema()
        db.create_all()
        db.session.add(DataVersion(id=1, version=1, changed_at=datetime(2000, 1, 1, tzinfo=UTC)))
        db.session.commit()
        yield app
        db.session.remove()
        reset_schema()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def another_app(tmp_path):
    """Build more instances of the app on the same database, as other workers would be."""
    made = []

    def build(**settings):
        instance = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url(tmp_path), **settings)
        made.append(instance)
        return instance

    yield build
    for instance in made:
        with instance.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def sign_in_client(client, user, password: str | None = None) -> None:
    """Sign a user in on a test client through the sign-in form, as a person would
    (flaskr's AuthActions.login). A user signed in on the client before is signed out."""
    from tests.factories import PASSWORD

    with client.session_transaction("/manage/") as session:
        session.clear()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, "no CSRF token on /login"
    response = client.post(
        "/login",
        data={
            "csrf_token": token.group(1),
            "email": user.email,
            "password": password or PASSWORD,
        },
    )
    assert response.status_code == 302, f"{user.email} could not sign in"


@pytest.fixture
def login_as(client):
    """Sign a user in on the `client` fixture."""
    return lambda user: sign_in_client(client, user)


@pytest.fixture
def app_clock_moves(app):
    """For tests that move the app's clock (monkeypatched): answers kept by the worker follow
    the real clock, so none is kept (planner/response_cache.py)."""
    from planner.response_cache import KeptResponses

    app.extensions["response_cache"].kept = KeptResponses(0)


@pytest.fixture
def count_queries(app):
    """A context manager counting the SQL statements run inside it."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements: list[str] = []

        def before(_conn, _cursor, statement, *_args):
            statements.append(statement)

        sa_event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served on a free local port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    # Absolute links (feeds, embed, canonical URLs) must point at this server.
    app.config["SITE_URL"] = base
    try:
        yield base
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    """Debian's Chromium driven by Playwright (Playwright cannot download its own browser here)."""
    require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium) -> Iterator:
    context = chromium.new_context()
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def node() -> str:
    """The node binary, with the repo's npm packages installed (make test installs them)."""
    binary = shutil.which("node")
    require(binary is not None, "Node.js not found (needed for ical.js, vnu-jar and axe-core)")
    require(
        (ROOT / "node_modules" / ".installed").exists(),
        "npm packages not installed (run `npm ci`, which `make test` does)",
    )
    return binary


@pytest.fixture
def abandoned_connections_collected() -> Iterator[None]:
    """Collect the database connections a test abandoned on purpose (a server stopped
    mid-request, a proxy that swallowed connections) at its own end, where their
    ResourceWarning is expected, instead of in whichever later test the collector runs."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
