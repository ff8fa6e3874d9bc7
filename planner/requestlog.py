"""Request ids and the log: one line per request, every unexpected error with its traceback.

Each request gets an id: a well-formed `X-Request-ID` sent by the proxy in front, or a new one.
It goes back in the `X-Request-ID` response header, onto every log line about the request and
onto the error pages, so that an operator can find what a user saw in the log. The log goes to
standard error (gunicorn's too) in every configuration, tests and debug mode included.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_LOWERED = REQUEST_ID_HEADER.lower()
ENVIRON_KEY = "planner.request_id"
# What a proxy's id may look like (a UUID, a hex or base64url token); anything else is replaced,
# so that no header can write its own text into the log.
_WELL_FORMED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Paths that carry a secret: the secret never reaches the log.
_SECRET_PREFIXES = ("/invitations/",)
_SECRET_PATHS = tuple(re.compile(f"^({re.escape(prefix)})[^/]+") for prefix in _SECRET_PREFIXES)

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# The loggers whose lines an operator needs: ours, and Flask-Limiter's storage warnings.
LOGGERS = ("planner", "flask-limiter")

request_log = logging.getLogger("planner.requests")
error_log = logging.getLogger("planner.errors")


def request_id() -> str:
    """The current request's id ("-" outside a request)."""
    if has_request_context():
        return request.environ.get(ENVIRON_KEY, "-")
    return "-"


def accepted_request_id(value: str | None) -> str | None:
    """An incoming id, if it is well-formed."""
    if value and _WELL_FORMED_ID.fullmatch(value):
        return value
    return None


def new_request_id() -> str:
    """A new id: 32 hex digits, a random half per process and a count of its requests.

    Unique like a UUID4 across workers and hosts, at a seventh of its cost (no call for random
    bytes per request): it is made for every request, replayed answers included."""
    return _ids.prefix + format(next(_ids.count), "016x")


class _Ids:
    """This process's id prefix and count."""

    def __init__(self) -> None:
        self.renew()

    def renew(self) -> None:
        self.prefix = os.urandom(8).hex()
        self.count = itertools.count()


_ids = _Ids()
# A forked worker (gunicorn's) gets a prefix of its own, not a copy of its parent's.
os.register_at_fork(after_in_child=_ids.renew)


def loggable_path(environ: dict[str, Any]) -> str:
    """The request path as it may appear in the log: readable, one line, no secrets."""
    raw = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    if raw.isascii() and raw.isprintable() and not raw.startswith(_SECRET_PREFIXES):
        return raw  # most paths: nothing to replace
    path = raw.encode("latin-1", "replace").decode("utf-8", "replace")
    for pattern in _SECRET_PATHS:
        path = pattern.sub(r"\1…", path)
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", path)


class _RequestIdFilter(logging.Filter):
    """Give every record a `request_id` (the current request's, unless the caller named one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


class _Formatter(logging.Formatter):
    """LOG_FORMAT, the time of day formatted once a second rather than once a line."""

    _second: tuple[int, str] = (-1, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt:
            return super().formatTime(record, datefmt)
        second, text = self._second
        if second != int(record.created):
            second = int(record.created)
            text = time.strftime(self.default_time_format, self.converter(record.created))
            self._second = (second, text)
        return self.default_msec_format % (text, record.msecs)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time (a test runner or server may replace it)."""

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


class RequestLogMiddleware:
    """Wraps the WSGI app: assigns the request id, answers it back, logs one line per request."""

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        rid = accepted_request_id(environ.get("HTTP_X_REQUEST_ID")) or new_request_id()
        environ[ENVIRON_KEY] = rid
        started = time.perf_counter()
        status = ["500"]

        def start_with_id(status_line: str, headers: list, exc_info=None):
            status[0] = status_line.split(" ", 1)[0]
            headers = [(k, v) for k, v in headers if k.lower() != _REQUEST_ID_LOWERED]
            headers.append((REQUEST_ID_HEADER, rid))
            return start_response(status_line, headers, exc_info)

        try:
            return self.wsgi_app(environ, start_with_id)
        finally:
            duration = (time.perf_counter() - started) * 1000
            if request_log.isEnabledFor(logging.INFO):
                # The record is made here rather than by `request_log.info`, which would walk
                # the stack for a file and line that no request line shows: a sixth of its
                # cost, paid on every request.
                args = (
                    _CONTROL.sub("?", environ.get("REQUEST_METHOD", "-")),
                    loggable_path(environ),
                    status[0],
                    duration,
                )
                record = request_log.makeRecord(
                    request_log.name, logging.INFO, __file__, 0, "%s %s %s %.1fms", args, None
                )
                record.request_id = rid
                request_log.handle(record)


def log_unexpected(error: BaseException) -> None:
    """Log an exception no handler took, with its traceback and the request's id (once)."""
    if getattr(error, "_planner_logged", False):
        return
    with contextlib.suppress(AttributeError):
        error._planner_logged = True  # type: ignore[attr-defined]
    method = request.method if has_request_context() else "-"
    path = loggable_path(request.environ) if has_request_context() else "-"
    error_log.error(
        "unhandled %s on %s %s",
        type(error).__name__,
        method,
        path,
        exc_info=(type(error), error, error.__traceback__),
        extra={"request_id": request_id()},
    )


def configure_logging(app: Flask) -> None:
    """Send our log lines to standard error at LOG_LEVEL (request lines: see create_app)."""
    level = logging.getLevelName(str(app.config.get("LOG_LEVEL", "INFO")).upper())
    for name, existing in list(logging.root.manager.loggerDict.items()):
        # A logging.config call (Alembic's, say) may have disabled ours: they keep working.
        if isinstance(existing, logging.Logger) and name.split(".")[0] in LOGGERS:
            existing.disabled = False
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(getattr(handler, "_planner", False) for handler in logger.handlers):
            handler = _StderrHandler()
            handler._planner = True  # type: ignore[attr-defined]
            handler.setFormatter(_Formatter(LOG_FORMAT))
            handler.addFilter(_RequestIdFilter())
            logger.addHandler(handler)
        logger.setLevel(level if isinstance(level, int) else logging.INFO)
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)
