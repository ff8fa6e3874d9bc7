"""deploy/nginx.conf in front of two app instances over one PostgreSQL: what nginx serves after
a write through one instance is that write (DESIGN.md, Scale)."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from planner import create_app
from planner.events.models import Event
from planner.events.operations import edit_event
from planner.extensions import db
from tests.conftest import on_postgres, require
from tests.factories import make_event
from tests.icalcheck import read_icalendar

ROOT = Path(__file__).resolve().parent.parent
# The werkzeug server threads stopped at teardown may leave a pooled connection to the garbage
# collector (the test harness, not the app).
pytestmark = [
    pytest.mark.usefixtures("abandoned_connections_collected"),
    pytest.mark.filterwarnings(
        "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
    ),
]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# An entry is fresh for one second; nginx counts whole seconds, so up to two pass.
NGINX_FRESH = 2.1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


def _config(tmp_path: Path, listen: int, upstreams: list[int]) -> Path:
    """deploy/nginx.conf with this test's ports and paths (nothing else changed)."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    servers = iter(upstreams)
    text = re.sub(r"server 127\.0\.0\.1:\d+;", lambda _: f"server 127.0.0.1:{next(servers)};", text)
    text = text.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    text = text.replace("/var/cache/nginx/planner", str(tmp_path / "cache"))
    text = text.replace("/run/nginx.pid", str(tmp_path / "nginx.pid"))
    text = re.sub(r"/var/log/nginx/", f"{tmp_path}/", text)
    temp_paths = "".join(
        f"    {name}_temp_path {tmp_path}/{name};\n"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = text.replace("http {\n", "http {\n" + temp_paths, 1)
    if os.geteuid() == 0:  # workers would run as nobody, who cannot write in tmp_path
        text = "user root;\n" + text
    path = tmp_path / "nginx.conf"
    path.write_text(text)
    return path


@pytest.fixture
def instances(app):
    """Two app instances (as on two hosts) over the test's PostgreSQL database."""
    if not on_postgres():
        pytest.skip("PostgreSQL run only: several instances share one PostgreSQL")
    started = []
    for _ in range(2):
        instance = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        )
        server = make_server("127.0.0.1", 0, instance, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        started.append((instance, server, thread))
    yield [instance for instance, _, _ in started], [server.server_port for _, server, _ in started]
    for instance, server, thread in started:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with instance.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def nginx(tmp_path, instances):
    require(Path(NGINX).exists(), "nginx (Debian package nginx-light) is not installed")
    _, ports = instances
    listen = _free_port()
    config = _config(tmp_path, listen, ports)
    check = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(config)],
                           capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(config), "-g", "daemon off;"],
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{listen}"
    try:
        for _ in range(100):
            try:
                _get(base + "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _summary(body: bytes) -> str:
    (seen,) = read_icalendar(body)[1]
    return seen["summary"]


def test_a_write_through_one_instance_is_what_nginx_serves_next(app, instances, nginx):
    (first, _second), _ = instances
    event = make_event(slug="vigil-at-the-monument", title={"en": "Vigil at the monument"})
    feed, page = nginx + "/calendar.ics", nginx + "/events/vigil-at-the-monument"
    _, headers, body = _get(feed)
    assert _summary(body) == "Vigil at the monument"
    _, again, _ = _get(feed)
    assert again["X-Cache-Status"] == "HIT"  # nginx keeps public responses
    assert "Set-Cookie" not in again
    _, zipped, compressed = _get(feed, {"Accept-Encoding": "gzip"})
    assert zipped.get("Content-Encoding") == "gzip"
    assert gzip.decompress(compressed) == body

    with first.app_context():
        found = db.session.get(Event, event.id)
        edit_event(found, None, title={"en": "Vigil at the Freedom Monument"})
        db.session.commit()
    time.sleep(NGINX_FRESH)

    _, after, body = _get(feed)
    assert _summary(body) == "Vigil at the Freedom Monument"
    assert after["ETag"] != headers["ETag"]
    assert "Vigil at the Freedom Monument" in _get(page)[2].decode()
    # Unchanged since: revalidated with the app's ETag, served from nginx's copy.
    time.sleep(NGINX_FRESH)
    _, revalidated, same = _get(feed)
    assert revalidated["X-Cache-Status"] in ("REVALIDATED", "HIT")
    assert same == body


def test_the_organiser_area_is_never_kept(app, instances, nginx):
    for _ in range(2):
        _, headers, _ = _get(nginx + "/login")
        assert headers.get("X-Cache-Status") is None
        assert "Set-Cookie" in headers
