"""Answering a feed request: from the shared store, conditional, the body read only when sent.

A feed is built once per key (data version, day, arguments, language, base URL, epoch) by any
worker on any host, and stored with its ETag and date beside it. A conditional GET or a HEAD
is answered from those alone; a 200 reads the stored body. Event feeds are assembled from
per-event fragments (planner.feeds.fragments), so a build after one edit renders one event.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Response, current_app, request
from sqlalchemy import Select

from planner.dataversion import cache_epoch
from planner.db import now_utc
from planner.feeds import fragments, ical, storage
from planner.feeds.cache import feed_key, fragment_context
from planner.urls import site_root
from planner.web import parse_lang

# A feed built for (lang, today) returns its calendar's bytes.
Builder = Callable[[str, date], bytes]


def feed_language() -> str:
    return parse_lang(request.args)


def past_days() -> int:
    return int(current_app.config["FEED_PAST_DAYS"])


def assemble(selection: Select, lang: str, calendar: dict[str, Any]) -> bytes:
    """A calendar of the selected events: its head (`calendar` holds its name, description,
    url and source), the VTIMEZONEs, and each event's fragment.

    The same bytes as `ical.events_calendar(events, lang=lang, **calendar)` builds from
    scratch (tests compare them). Written into one buffer as the fragments are read, a batch
    at a time: the largest feed is held once, not as a list of fragments and their join.
    """
    head = ical.calendar_head(lang=lang, **calendar)
    context = fragment_context(site_root(), cache_epoch())
    fragments.complete(fragments.stale(selection, lang, context), lang, ical.event_fragment)
    feed = io.BytesIO()
    feed.write(head)
    for zone in fragments.timezones(selection):
        feed.write(zone)
    for body in fragments.bodies(selection, lang, ical.event_fragment):
        feed.write(body)
    feed.write(ical.FOOTER)
    # The buffer's own bytes, not a copy.
    return feed.getvalue()


def serve(
    filename: str, build: Builder, args: dict[str, str], mimetype: str = "text/calendar"
) -> Response:
    """Answer with the feed, built only when no worker has built it for this data version."""
    lang = feed_language()
    now = now_utc()
    today = now.date()
    key = feed_key(
        endpoint=request.endpoint or "",
        args={**args, **{f"path:{k}": str(v) for k, v in (request.view_args or {}).items()}},
        lang=lang,
        today=today,
        base_url=site_root(),
        past_days=past_days(),
    )
    conditional = bool(request.if_none_match or request.if_modified_since)
    state = storage.lookup(key, with_body=request.method != "HEAD" and not conditional)
    found, data = state.found, state.body
    if found is None:
        data = build(lang, today)
        # The window moves at midnight UTC, so the feed may have changed then too.
        modified = max(state.changed_at, datetime.combine(today, time(), UTC))
        etag = hashlib.sha256(data).hexdigest()
        storage.store(key, state.version, state.epoch, today, etag, modified, data)
        found = storage.FeedHead(key, etag, modified, len(data))
    return _respond(found, data, filename, mimetype, now, lambda: build(lang, today))


def _respond(
    found: storage.FeedHead,
    data: bytes | None,
    filename: str,
    mimetype: str,
    now: datetime,
    rebuild: Callable[[], bytes],
) -> Response:
    if _unmodified(found):
        response = Response(status=304)
    elif request.method == "HEAD":
        response = Response(b"")
        response.headers["Content-Length"] = str(found.length)
    else:
        if data is None:
            # Deleted by a worker that stored a newer version since: build this one again.
            data = storage.body(found.key) or rebuild()
        response = Response(data)
    response.headers["Content-Type"] = f"{mimetype}; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.set_etag(found.etag)
    response.last_modified = _http_modified(found.modified, now)
    response.cache_control.public = True
    response.cache_control.no_cache = True
    return response


def _unmodified(found: storage.FeedHead) -> bool:
    """Driven by the ETag when the client sends one; else If-Modified-Since, sub-second aware:
    304 only when the data changed before that date."""
    if request.if_none_match:
        return request.if_none_match.contains(found.etag)
    since = request.if_modified_since
    return since is not None and found.modified < since


def _http_modified(modified: datetime, now: datetime) -> datetime:
    """The Last-Modified to send: whole seconds, and never a second a later write shares.

    Once the second of the last change is over, its end is sent (every later write is at or
    after it); within that second, its start is sent, which no If-Modified-Since built
    from it will ever match (see `_unmodified`).
    """
    second = modified.replace(microsecond=0)
    following = second + timedelta(seconds=1)
    return following if now >= following else second
