"""`make bench`: the planner under gunicorn (production configuration) against a bare Flask app
serving the same feed bytes, both driven by wrk in the same run; results in bench/RESULTS.md.

    python -m bench.run [--events 1000 10000] [--postgres-events 50000] [--duration 10]

Each SQLite size gets a new database in a temporary directory; the PostgreSQL size gets the
database `planner_bench` on --postgres-server, dropped and made anew (no other database is
touched). Each is filled by `flask bench generate`. Never a unit test: run by hand, results
committed.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from importlib.metadata import version
from pathlib import Path

from bench.servers import BIN, ROOT, Gunicorn, WrkResult, timed_get, wrk

RESULTS = ROOT / "bench" / "RESULTS.md"
BENCH_DATABASE = "planner_bench"
EDIT = """
from planner import create_app
from planner.events.models import Event
from planner.events.operations import edit_event
from planner.extensions import db
app = create_app()
with app.app_context():
    event = db.session.execute(db.select(Event).where(Event.status == "scheduled")
        .order_by(Event.ends_at.desc()).limit(1)).scalar_one()
    edit_event(event, None, title={**event.title, "en": event.title["en"] + " (edited)"})
    db.session.commit()
"""


# Every fragment and assembled feed deleted: the next feed request renders every event.
FORGET_FRAGMENTS = """
from planner import create_app
from planner.extensions import db
from planner.feeds.fragments import FeedFragment
from planner.feeds.storage import StoredFeed
app = create_app()
with app.app_context():
    db.session.execute(db.delete(FeedFragment))
    db.session.execute(db.delete(StoredFeed))
    db.session.commit()
"""


# wrk and both servers share the machine's cores: one run of a case can differ from the next by
# a sixth. Cases compared with each other (the planner and the bare app, page 1 and page 200) are
# run in turn this many times, and each side's median run is reported.
ROUNDS = 3


def _side_by_side(run, first_url: str, second_url: str, headers: dict[str, str]):
    """The median runs of two cases compared with each other, run in turn `ROUNDS` times."""
    first_runs, second_runs = [], []
    for _ in range(ROUNDS):
        first_runs.append(run(first_url, headers=headers))
        second_runs.append(run(second_url, headers=headers))
    return _median(first_runs), _median(second_runs)


def _median(runs: list[WrkResult]) -> WrkResult:
    return sorted(runs, key=lambda result: result.requests_per_second)[len(runs) // 2]


def _flask(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, check=True)


def _edit(env: dict[str, str], script: str = EDIT) -> None:
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)


def _environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "PLANNER_CONFIG": "production",
        "SECRET_KEY": "bench-only-secret",
        "DATABASE_URL": database_url,
        "FLASK_APP": "wsgi.py",
        # Writes render their events' fragments for the public base URL the app serves.
        "SITE_URL": "http://127.0.0.1",
    }


def _warm(url: str) -> None:
    """A few pages and one event's calendar file on every worker (imports, templates,
    catalogues): what is measured next is the request, not a worker's first one."""
    paths = ["/", "/events", "/venues", "/events/bench-event-1.ics", "/api/v1/events"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda path: timed_get(url + path), paths * 8))


def _deep_page(listing: bytes, deepest: int = 200) -> str:
    """`/events?page=200`, or the last page of `listing` (the English `/events`) when it has
    fewer: a page past the end says only that it is empty, and costs nothing to compare."""
    found = re.search(r"Page 1 of (\d+)", listing.decode())
    pages = int(found.group(1)) if found else 1  # one page has no pager
    return f"/events?page={min(deepest, pages)}"


def _fresh_postgres(server: str) -> str | None:
    """The URL of a new, empty `planner_bench` database on `server`, or None if unreachable."""
    import psycopg

    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
            admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    except psycopg.OperationalError as error:
        print(f"PostgreSQL at {server} is unreachable ({error}): no PostgreSQL row")
        return None
    return f"postgresql+psycopg://{server.split('://', 1)[1]}/{BENCH_DATABASE}"


def measure(options, events: int, database_url: str, scratch: Path) -> dict:
    env = _environment(database_url)
    _flask(env, "db", "upgrade")
    started = time.perf_counter()
    # Venues and organisations grow with the catalogue (the page size must not).
    scale = max(1, events // 1000)
    _flask(env, "bench", "generate", "--events", str(events), "--venues",
           str(options.venues * scale), "--organisations", str(options.organisations * scale),
           "--seed", str(options.seed))  # fmt: skip
    generated = time.perf_counter() - started
    app = Gunicorn("wsgi:app", env, scratch / "planner.log")
    bare = None
    try:
        app.wait("/healthz")
        _warm(app.url)
        feed = app.url + "/calendar.ics"
        # Nothing assembled or kept: the fragments the writes stored are read.
        cold, body, headers = timed_get(feed)
        after_edits = []
        for _ in range(ROUNDS):
            _edit(env)
            seconds, body, headers = timed_get(feed)  # the edit rendered its event's fragments
            after_edits.append(seconds)
        after_edit = sorted(after_edits)[ROUNDS // 2]
        feed_file = scratch / "calendar.ics"
        feed_file.write_bytes(body)
        bare = Gunicorn(
            "bench.bare:app", {**env, "BENCH_FEED": str(feed_file)}, scratch / "bare.log"
        )
        bare.wait("/calendar.ics")
        run = lambda url, connections=32, **kw: wrk(  # noqa: E731
            url, connections=connections, duration=options.duration, **kw
        )
        etag = {"If-None-Match": headers["ETag"]}
        fresh = {"Cache-Control": "no-cache"}  # past the worker's kept answers: a render
        bare_feed = bare.url + "/calendar.ics"
        # Revalidations first, as subscribers send them: a worker that has not sent the feed
        # whole yet answers them too (from the app's first 304).
        feed_304, bare_304 = _side_by_side(run, feed, bare_feed, etag)
        feed_run, bare_feed_run = _side_by_side(run, feed, bare_feed, {})
        listing = timed_get(app.url + "/events")[1]
        pages = partial(run, connections=16)
        deep = _deep_page(listing)
        first_page, deep_page = _side_by_side(pages, app.url + "/events", app.url + deep, fresh)
        cases = {
            "feed": feed_run,
            "bare feed": bare_feed_run,
            "feed 304": feed_304,
            "bare 304": bare_304,
            "/": run(app.url + "/", 16),
            "/events": run(app.url + "/events", 16),
            deep: run(app.url + deep, 16),
            "/events?q=vigil": run(app.url + "/events?q=vigil", 16),
            "/ rendered": run(app.url + "/", 16, headers=fresh),
            "/events rendered": first_page,
            f"{deep} rendered": deep_page,
        }
        renders = {}
        for path in ("/", "/events", deep):
            _edit(env)
            renders[path] = timed_get(app.url + path)[0]
        rss = app.worker_rss_mib()
        for _ in range(6):  # memory as data versions pass
            _edit(env)
            timed_get(feed)
            timed_get(feed + "?lang=lv")
        rss_after_edits = app.worker_rss_mib()
        # Last: rewriting every fragment leaves the database vacuuming for a while.
        _edit(env, FORGET_FRAGMENTS)  # as after a new fragment format
        unrendered = timed_get(feed, headers={"Cache-Control": "no-cache"})[0]
        # What a deploy does instead: render every fragment ahead of the requests.
        _edit(env, FORGET_FRAGMENTS)
        started = time.perf_counter()
        _flask(env, "feeds", "render")
        rendered_ahead = time.perf_counter() - started
        after_render = timed_get(feed, headers={"Cache-Control": "no-cache"})[0]
    finally:
        app.stop()
        if bare is not None:
            bare.stop()
    return {
        "events": events,
        "generated_s": generated,
        "renders": renders,
        "database": database_url.split(":", 1)[0].split("+", 1)[0],
        "feed_bytes": len(body),
        "page_bytes": len(listing),
        "deep": deep,
        "cold_s": cold,
        "unrendered_s": unrendered,
        "rendered_ahead_s": rendered_ahead,
        "after_render_s": after_render,
        "after_edit_s": after_edit,
        "cases": cases,
        "rss": rss,
        "rss_after_edits": rss_after_edits,
    }


def _machine() -> list[str]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor()
    )  # fmt: skip
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split(":")[1].strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[
        0
    ]
    return [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {platform.platform()}; {os.cpu_count()} CPUs ({cpu}); {memory} memory",
        f"- Python {platform.python_version()}, gunicorn {version('gunicorn')} (sync, 2 workers "
        f"each side), Flask {version('flask')}, SQLAlchemy {version('sqlalchemy')}, "
        f"icalendar {version('icalendar')}; {wrk_version.strip()} (-t2)",
    ]


def _row(name: str, result: WrkResult, connections: int) -> str:
    errors = f" ({result.non_2xx} non-2xx/3xx)" if result.non_2xx else ""
    return (
        f"| {name} | {connections} | {result.requests_per_second:,.0f}{errors} "
        f"| {result.p50_ms:.1f} | {result.p99_ms:.1f} |"
    )


def _after_edit_goal(events: int) -> str:
    """Issue 10's goal for the first feed request after one edit: 0.1 s at 1,000 events and
    0.25 s at 10,000; for 50,000 it asks only for 2 s with nothing cached."""
    return "≤ 0.1 s" if events <= 1000 else "≤ 0.25 s" if events <= 10000 else "≤ 2 s"


def _unrendered_goal(events: int) -> str:
    """Issue 10 asks for 2 s "with nothing cached at all" at 10,000 and 50,000 events: met by
    the feed request above, where the fragments the writes stored are read; this row is the
    stricter reading, in which the fragments are a cache too."""
    return "—" if events < 10000 else "≤ 2 s, if fragments count as a cache"


def report(runs: list[dict], note: str) -> str:
    lines = ["# Benchmark results", "", "Written by `make bench` (bench/run.py).", ""]
    lines += _machine()
    if note:
        lines += ["", note]
    for run in runs:
        cases = run["cases"]
        lines += [
            "",
            f"## {run['events']:,} events, {run['database']} "
            f"(calendar.ics {run['feed_bytes'] / 1024:,.0f} KB)",
            "",
            f"Generated through the operations in {run['generated_s']:.0f} s. Rows marked "
            "*rendered* send `Cache-Control: no-cache`, so the app renders every request. "
            "The feed and 304 rows, and the rendered `/events` and deep page rows, are each "
            f"side's median of {ROUNDS} runs, taken in turn. The deep page is page 200, or the "
            "last page when the listing has fewer.",
            "",
            "| case | connections | req/s | p50 ms | p99 ms |",
            "| --- | --- | --- | --- | --- |",
        ]
        for name, result in cases.items():
            lines.append(_row(name, result, 16 if name.startswith("/") else 32))
        feed_ratio = cases["feed"].requests_per_second / cases["bare feed"].requests_per_second
        ratio_304 = cases["feed 304"].requests_per_second / cases["bare 304"].requests_per_second
        deep_ratio = (
            cases[f"{run['deep']} rendered"].requests_per_second
            / cases["/events rendered"].requests_per_second
        )
        lines += [
            "",
            "| target (issue 10) | measured | goal |",
            "| --- | --- | --- |",
            f"| cached feed vs bare app | {feed_ratio:.2f}× | ≥ 0.85× |",
            f"| 304 vs bare app's 304 | {ratio_304:.2f}× | ≥ 0.85× |",
            f"| first feed request, nothing assembled or kept | {run['cold_s']:.2f} s | ≤ 2 s |",
            f"| the same with no fragment stored (every event rendered) "
            f"| {run['unrendered_s']:.2f} s | {_unrendered_goal(run['events'])} |",
            f"| `flask feeds render` with no fragment stored (every event, 4 languages) "
            f"| {run['rendered_ahead_s']:.1f} s | — |",
            f"| first feed request after it | {run['after_render_s']:.2f} s | ≤ 2 s |",
            f"| first feed request after one edit (median of {ROUNDS}) "
            f"| {run['after_edit_s']:.3f} s | {_after_edit_goal(run['events'])} |",
            *(
                f"| first `{path}` after an edit (rendered) | {seconds * 1000:.0f} ms | — |"
                for path, seconds in run["renders"].items()
            ),
            f"| `/` p99 at 16 connections | {cases['/'].p99_ms:.0f} ms | ≤ 50 ms |",
            f"| `/events` p99 at 16 connections | {cases['/events'].p99_ms:.0f} ms | ≤ 50 ms |",
            f"| `{run['deep']}` p99 at 16 connections "
            f"| {cases[run['deep']].p99_ms:.0f} ms | ≤ 50 ms |",
            f"| `/events?q=vigil` p99 at 16 connections "
            f"| {cases['/events?q=vigil'].p99_ms:.0f} ms | ≤ 50 ms |",
            f"| rendered `{run['deep']}` vs rendered `/events` (req/s) | {deep_ratio:.2f}× "
            "| as fast |",
            f"| `/events` page size | {run['page_bytes'] / 1024:.0f} KB | the same at every size |",
            f"| worker RSS after serving the feed | "
            f"{', '.join(f'{size:.0f}' for size in run['rss'])} MiB | < 150 MB |",
            f"| worker RSS after 6 more edits | "
            f"{', '.join(f'{size:.0f}' for size in run['rss_after_edits'])} MiB | flat |",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, nargs="*", default=[1000, 10000],
                        help="SQLite sizes")  # fmt: skip
    parser.add_argument("--postgres-events", type=int, default=50000,
                        help="the PostgreSQL size (0: none)")  # fmt: skip
    parser.add_argument("--postgres-server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--venues", type=int, default=40)
    parser.add_argument("--organisations", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1941)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk case")
    parser.add_argument("--note", default="", help="a line for RESULTS.md (e.g. the load)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    options = parser.parse_args(argv)
    runs = []
    for events in options.events:
        with tempfile.TemporaryDirectory(prefix="planner-bench-") as scratch:
            url = f"sqlite:///{scratch}/bench.sqlite"
            runs.append(measure(options, events, url, Path(scratch)))
    if options.postgres_events:
        url = _fresh_postgres(options.postgres_server)
        if url is not None:
            with tempfile.TemporaryDirectory(prefix="planner-bench-") as scratch:
                runs.append(measure(options, options.postgres_events, url, Path(scratch)))
    text = report(runs, options.note)
    options.output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
