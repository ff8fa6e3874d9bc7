"""Public answers replayed by each worker while the data they were built from is current.

A public page or feed is the same for every reader of one language, and changes only when the
data version moves (planner.dataversion), the cache epoch is renewed (a restore), or time passes.
So each worker keeps the answers it sent (`ResponseCache`, a WSGI middleware in front of Flask)
and replays one when a request asks for the same thing again: one query reads the data version,
and nothing else runs: no routing, no session, no template, no feed assembly. A conditional
request is answered 304 from the kept ETag. A 304 the app sends is kept too, as validators
alone: a worker that has not sent the whole answer itself (one just started, while subscribers
only revalidate) answers the next conditional request without the app. A request that says
`Cache-Control: no-cache` (a forced reload) is answered by the app, and its answer kept in place
of the old one.

What is kept is what the app itself marked as shareable (planner.shared_cache): a 200 or 304 to
a GET with `Cache-Control: public`, no `Set-Cookie` and no `Vary` beyond the language. It is kept
for the `max-age` the app gave (pages: a minute, because "upcoming" moves with the clock), or
until the end of the UTC day for feeds (their window moves at midnight), and never past a change
of the data version or epoch. The key holds everything the answer depends on: host and scheme,
path and query, and the reader's language as the app chooses it (`?lang=`, the language cookie,
Accept-Language). Memory is bounded (RESPONSE_CACHE_BYTES, least recently used first); a large
answer (a feed of thousands of events) is kept in a file of the worker's instead, and read from
it as it is sent (RESPONSE_CACHE_DISK_BYTES). Answers of a superseded data version are dropped,
files included, as soon as a request sees the new one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property, partial
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import select
from sqlalchemy.engine import Engine
from werkzeug.datastructures import LanguageAccept, ResponseCacheControl
from werkzeug.http import (
    parse_accept_header,
    parse_cache_control_header,
    parse_cookie,
    parse_etags,
    remove_entity_headers,
)
from werkzeug.wsgi import FileWrapper

from planner.dataversion import DataVersion
from planner.i18n import choose_language

# Request headers whose presence means the answer may differ from the kept one.
_BYPASS = ("HTTP_AUTHORIZATION", "HTTP_RANGE")
# The `Vary` values a kept answer may carry: the key holds the language, and the body is sent
# as it is, whatever the encoding asked for (nginx compresses).
_VARY_KEPT = frozenset({"accept-language", "accept-encoding"})
# Per-request headers of the answer that are not replayed (the request id is made anew).
_NOT_REPLAYED = frozenset({"x-request-id", "date", "set-cookie", "content-length"})

# A kept answer in a file is sent in blocks of this size.
SENT_BLOCK = 256 * 1024

VERSION_QUERY = select(DataVersion.version, DataVersion.epoch).where(DataVersion.id == 1)


@dataclass(frozen=True, eq=False)
class KeptResponse:
    """One answer as it was sent, and how long it stays right."""

    version: int
    epoch: str
    expires: float  # time.time() after which it is built again
    status: str
    headers: tuple[tuple[str, str], ...]
    etag: str | None
    length: int
    body: bytes | None  # in memory, or
    path: str | None = None  # in a file of this worker's, read as it is sent; with neither,
    # the validators of the app's 304: it answers conditional requests only

    @property
    def validators_only(self) -> bool:
        return self.body is None and self.path is None

    @classmethod
    def of(cls, version: int, epoch: str, expires: float, status: str, headers, body, path=None):
        etag = next((value for name, value in headers if name.lower() == "etag"), None)
        unquoted = parse_etags(etag).as_set(include_weak=True) if etag else set()
        length = len(body) if body is not None else os.path.getsize(path) if path else 0
        return cls(
            version, epoch, expires, status, tuple(headers), next(iter(unquoted), None), length,
            body, path,
        )  # fmt: skip

    @cached_property
    def sent_headers(self) -> list[tuple[str, str]]:
        return [*self.headers, ("Content-Length", str(self.length))]

    @cached_property
    def not_modified_headers(self) -> list[tuple[str, str]]:
        headers = list(self.headers)
        remove_entity_headers(headers)
        return headers

    def matches(self, candidates: str) -> bool:
        """Whether an If-None-Match names this answer (weak comparison, RFC 9110)."""
        if self.etag is None:
            return False
        return candidates == f'"{self.etag}"' or parse_etags(candidates).contains_weak(self.etag)

    @property
    def size(self) -> int:
        """The memory it holds."""
        return (len(self.body) if self.body is not None else 0) + 64 * len(self.headers) + 256


class KeptResponses:
    """A bounded store of kept answers, least recently used dropped first; thread-safe."""

    def __init__(self, budget: int, disk_budget: int = 0) -> None:
        self.budget = budget
        self.largest = budget // 2
        self.used = 0
        # Answers larger than `in_memory` (a large feed) are kept in files, up to `disk_budget`.
        self.in_memory = budget // 32
        self.disk_budget = disk_budget
        self.disk_used = 0
        self.version: tuple[int, str] | None = None
        self._entries: OrderedDict[tuple, KeptResponse] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, version: int, epoch: str, now: float) -> KeptResponse | None:
        with self._lock:
            if not self._is_current(version, epoch):
                return None
            kept = self._entries.get(key)
            if kept is None:
                return None
            if kept.expires <= now:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return kept

    def accepts(self, length: int) -> bool:
        """Whether an answer of `length` bytes may be kept (in memory or in a file)."""
        return length <= (self.largest if length <= self.in_memory else self.disk_budget // 2)

    def put(self, key: tuple, kept: KeptResponse) -> None:
        if kept.size > self.largest or (kept.path and kept.length > self.disk_budget // 2):
            _remove(kept)
            return
        with self._lock:
            if not self._is_current(kept.version, kept.epoch):
                _remove(kept)
                return  # built from data that has changed since
            held = self._entries.get(key)
            if held is not None:
                if kept.validators_only and held.etag == kept.etag:
                    return  # the whole answer held already says as much
                self._drop(key)
            self._entries[key] = kept
            self.used += kept.size
            self.disk_used += kept.length if kept.path else 0
            while self.used > self.budget or self.disk_used > self.disk_budget:
                self._drop(next(iter(self._entries)))

    def _is_current(self, version: int, epoch: str) -> bool:
        """Whether `version` is the newest seen; a newer one drops every answer of the older
        (never to be replayed again). A request that read the version just before a write
        (another thread) has an older one: it neither reads nor keeps answers."""
        if self.version == (version, epoch):
            return True
        if self.version is not None and self.version[1] == epoch and version < self.version[0]:
            return False
        self._forget_all()
        self.version = (version, epoch)
        return True

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: tuple) -> None:
        kept = self._entries.pop(key)
        self.used -= kept.size
        self.disk_used -= kept.length if kept.path else 0
        _remove(kept)

    def _forget_all(self) -> None:
        for kept in self._entries.values():
            _remove(kept)
        self._entries.clear()
        self.used = self.disk_used = 0


def _remove(kept: KeptResponse) -> None:
    """Delete the file of a kept answer (one being sent from it still reads it to the end)."""
    if kept.path:
        with contextlib.suppress(OSError):
            os.unlink(kept.path)


class VersionReader:
    """Reads the data version on a connection of its own per thread, outside the pool.

    The pool would ping the server before every checkout (`pool_pre_ping`) and open a
    transaction: three round trips where one does. The connection is in autocommit, so every
    read sees the latest committed version; one that fails is closed and opened again on the
    next request. It is closed when its thread ends (a server that starts a thread per request)
    or when the reader goes (a test's app).
    """

    def __init__(self, engine: Callable[[], Engine]) -> None:
        self._engine = engine
        self._local = threading.local()
        self._sql: str | None = None

    def read(self) -> tuple[int, str]:
        own = getattr(self._local, "own", None)
        if own is None:
            own = self._local.own = _OwnConnection(*self._connect())
        try:
            row = own.fetch()
        except Exception:
            self._local.own = None
            own.close()
            raise
        return (int(row[0]), str(row[1])) if row is not None else (0, "none")

    def _connect(self) -> tuple[Any, Callable[[], Any]]:
        engine = self._engine()
        if self._sql is None:
            compiled = VERSION_QUERY.compile(
                dialect=engine.dialect, compile_kwargs={"literal_binds": True}
            )
            self._sql = str(compiled)
        pooled = engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()  # its own from now on: never returned to (or counted by) the pool
        if engine.dialect.name == "sqlite":
            connection.isolation_level = None
        else:
            connection.autocommit = True
        if engine.dialect.driver == "psycopg":
            return connection, _prepared_reader(connection, self._sql)
        return connection, partial(_fetch_one, connection, self._sql)


def _fetch_one(connection: Any, sql: str) -> Any:
    cursor = connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchone()
    finally:
        cursor.close()


def _prepared_reader(connection: Any, sql: str) -> Callable[[], Any]:
    """The version read as a statement prepared on the server and run through libpq itself:
    no parsing or planning per request, and a quarter of a cursor's time in Python (it is the
    whole cost of a replayed answer or a 304)."""
    from psycopg import pq

    libpq = connection.pgconn
    _checked(libpq, libpq.prepare(b"data_version", sql.encode()), pq.ExecStatus.COMMAND_OK)

    def fetch() -> Any:
        result = _checked(
            libpq, libpq.exec_prepared(b"data_version", None), pq.ExecStatus.TUPLES_OK
        )
        if result.ntuples == 0:
            return None
        return (result.get_value(0, 0).decode(), result.get_value(0, 1).decode())

    return fetch


def _checked(libpq: Any, result: Any, expected: Any) -> Any:
    if result.status != expected:
        message = (result.error_message or libpq.error_message or b"").decode(errors="replace")
        raise ConnectionError(f"reading the data version failed: {message.strip()}")
    return result


class _OwnConnection:
    """A thread's connection, closed as soon as nothing holds it any more."""

    def __init__(self, connection: Any, fetch: Callable[[], Any]) -> None:
        self.fetch = fetch
        self.close = weakref.finalize(self, _close_quietly, connection)


def _close_quietly(connection: Any) -> None:
    with contextlib.suppress(Exception):
        connection.close()


def _asks_for_a_fresh_answer(environ: dict[str, Any]) -> bool:
    """A reload that asks every cache to go back to the origin (`Cache-Control: no-cache`), or
    a request conditional on a date only: the app compares dates finer than the header's
    seconds (planner.feeds.serve), so it answers those itself."""
    value = environ.get("HTTP_CACHE_CONTROL")
    if value and "no-cache" in value.lower():
        return True
    return "HTTP_IF_MODIFIED_SINCE" in environ and "HTTP_IF_NONE_MATCH" not in environ


def _replayed(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers of an answer that are sent again when it is replayed."""
    return [(name, value) for name, value in headers if name.lower() not in _NOT_REPLAYED]


def _end_of_utc_day(now: float) -> float:
    moment = datetime.fromtimestamp(now, UTC)
    midnight = datetime.combine(moment.date() + timedelta(days=1), datetime.min.time(), UTC)
    return midnight.timestamp()


class ResponseCache:
    """WSGI middleware: replays kept public answers, and keeps the ones the app sends."""

    def __init__(
        self,
        wsgi_app: Callable,
        engine: Callable[[], Engine],
        *,
        budget: int,
        disk_budget: int = 0,
        languages: Iterable[str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.wsgi_app = wsgi_app
        self._versions = VersionReader(engine)
        self._directory: tuple[int, str] | None = None
        self.kept = KeptResponses(budget, disk_budget)
        self.languages = tuple(languages)
        self.clock = clock

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or any(name in environ for name in _BYPASS):
            return self.wsgi_app(environ, start_response)
        try:
            state = self._data_version()
        except Exception:
            # Whatever the driver raised (the database unreachable, say): the app answers,
            # with its outage page, and logs it.
            return self.wsgi_app(environ, start_response)
        key = self._key(environ)
        now = self.clock()
        kept = None if _asks_for_a_fresh_answer(environ) else self.kept.get(key, *state, now)
        if kept is not None:
            replayed = self._replay(kept, environ, start_response)
            if replayed is not None:
                return replayed
        if method != "GET":
            return self.wsgi_app(environ, start_response)
        return self._keep(key, state, now, environ, start_response)

    def _data_version(self) -> tuple[int, str]:
        return self._versions.read()

    def _key(self, environ: dict[str, Any]) -> tuple:
        query = environ.get("QUERY_STRING", "")
        chosen = None
        if "lang=" in query:
            chosen = next((value for name, value in parse_qsl(query) if name == "lang"), None)
        cookies = environ.get("HTTP_COOKIE", "")
        if not chosen and "lang=" in cookies:
            chosen = parse_cookie(cookies).get("lang")
        accept = environ.get("HTTP_ACCEPT_LANGUAGE")
        language = choose_language(
            chosen,
            parse_accept_header(accept, LanguageAccept) if accept else None,
            self.languages,
        )
        return (
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            query,
            language,
        )

    def _replay(
        self, kept: KeptResponse, environ: dict[str, Any], start_response: Callable
    ) -> Iterable[bytes] | None:
        """The kept answer sent again, or None when it cannot answer this request (the
        validators of a 304, asked for the whole answer): then the app answers."""
        candidates = environ.get("HTTP_IF_NONE_MATCH")
        if candidates and kept.matches(candidates):
            start_response("304 NOT MODIFIED", kept.not_modified_headers)
            return []
        if kept.validators_only:
            return None
        if environ["REQUEST_METHOD"] == "HEAD":
            start_response(kept.status, kept.sent_headers)
            return []
        if kept.body is not None:
            start_response(kept.status, kept.sent_headers)
            return [kept.body]
        try:
            file = open(kept.path, "rb")  # noqa: SIM115 (the server closes it when sent)
        except OSError:  # dropped by another thread since: the app answers
            return self.wsgi_app(environ, start_response)
        start_response(kept.status, kept.sent_headers)
        # Read and written a block at a time rather than handed to the server's sendfile
        # (`wsgi.file_wrapper`): on gunicorn's sync workers, sendfile sent a 17 MB feed at two
        # thirds of the rate of bytes in memory, and 256 KiB blocks at nine tenths of it.
        return FileWrapper(file, SENT_BLOCK)

    def _keep(
        self,
        key: tuple,
        state: tuple[int, str],
        now: float,
        environ: dict[str, Any],
        start_response: Callable,
    ) -> Iterable[bytes]:
        sent: dict[str, Any] = {}

        def start_and_note(status: str, headers: list, exc_info=None):
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, exc_info)

        answer = self.wsgi_app(environ, start_and_note)
        status, headers = sent.get("status", ""), sent.get("headers", ())
        lifetime = self._lifetime(status, headers, now)
        if lifetime is None:
            return answer
        if status.startswith("304"):
            validators = KeptResponse.of(*state, lifetime, status, _replayed(headers), None)
            if validators.etag is not None:
                self.kept.put(key, validators)
            return answer
        length = next((value for name, value in headers if name.lower() == "content-length"), "")
        if not length.isdigit() or not self.kept.accepts(int(length)):
            return answer  # streamed, or too large to keep: sent as it comes
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        path = self._spill(body) if len(body) > self.kept.in_memory else None
        kept = KeptResponse.of(
            *state, lifetime, status, _replayed(headers), None if path else body, path
        )
        self.kept.put(key, kept)
        return [body]

    def _spill(self, body: bytes) -> str | None:
        """Write a large answer to a file of this worker's: the page cache holds it, not the
        worker's memory."""
        if self._directory is None or self._directory[0] != os.getpid():
            directory = tempfile.mkdtemp(prefix="planner-answers-")
            weakref.finalize(self, shutil.rmtree, directory, True)
            self._directory = (os.getpid(), directory)
        descriptor, path = tempfile.mkstemp(dir=self._directory[1])
        with os.fdopen(descriptor, "wb") as file:
            file.write(body)
        return path

    def _lifetime(self, status: str, headers: Iterable[tuple[str, str]], now: float):
        """Until when the answer may be replayed, or None when it may not be kept at all."""
        if not status.startswith(("200", "304")):
            return None
        cache_control = None
        for name, value in headers:
            lowered = name.lower()
            if lowered == "set-cookie":
                return None
            if lowered == "vary" and any(
                part.strip().lower() not in _VARY_KEPT for part in value.split(",")
            ):
                return None
            if lowered == "cache-control":
                cache_control = parse_cache_control_header(value, cls=ResponseCacheControl)
        if cache_control is None or not cache_control.public or cache_control.private:
            return None
        if cache_control.no_store:
            return None
        if cache_control.max_age is not None:
            return now + cache_control.max_age if cache_control.max_age > 0 else None
        return _end_of_utc_day(now)


def init_response_cache(app, wsgi_app: Callable) -> Callable:
    """The app's WSGI callable behind a response cache (or as it is, when disabled)."""
    from planner.extensions import db

    budget = int(app.config.get("RESPONSE_CACHE_BYTES") or 0)
    if budget <= 0:
        return wsgi_app
    engines: dict[str, Engine] = {}

    def engine() -> Engine:
        if "engine" not in engines:
            with app.app_context():
                engines["engine"] = db.engine
        return engines["engine"]

    cache = ResponseCache(
        wsgi_app,
        engine,
        budget=budget,
        disk_budget=int(app.config.get("RESPONSE_CACHE_DISK_BYTES") or 0),
        languages=app.config["LANGUAGES"],
    )
    app.extensions["response_cache"] = cache
    return cache
