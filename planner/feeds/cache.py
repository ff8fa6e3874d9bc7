"""Rendered feeds cached under the database's data version.

The key holds the data version (raised by every write to public data, on any host) and the
database's cache epoch (renewed by a restore, which reuses version numbers), the feed and its
normalised arguments, the language, the base URL the links use, and today's date (the feed
window moves with it). So an entry is never stale: a write makes a new key.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from datetime import date

from planner.extensions import cache


def feed_key(
    *,
    endpoint: str,
    args: Mapping[str, str],
    lang: str,
    version: int,
    epoch: str,
    today: date,
    base_url: str,
    past_days: int,
) -> str:
    """A short, stable key for one rendering of one feed."""
    material = json.dumps(
        {
            "endpoint": endpoint,
            "args": sorted(args.items()),
            "lang": lang,
            "version": version,
            "epoch": epoch,
            "today": today.isoformat(),
            "base": base_url,
            "past_days": past_days,
        },
        sort_keys=True,
        ensure_ascii=True,
    )
    return "feed:" + hashlib.sha256(material.encode()).hexdigest()


def cached_feed(key: str, build: Callable[[], bytes]) -> bytes:
    """The feed stored under `key`, built (and stored) only when it is not there yet.

    A cache that cannot be reached (Redis down) costs a rebuild, never the answer.
    """
    try:
        body = cache.get(key)
    except Exception as error:
        _cache_unavailable("read", error)
        return build()
    if body is None:
        body = build()
        try:
            cache.set(key, body)
        except Exception as error:
            _cache_unavailable("write", error)
    return body


def _cache_unavailable(what: str, error: Exception) -> None:
    logging.getLogger("planner.cache").warning(
        "feed cache unavailable, building without it (%s: %s: %s)",
        what,
        type(error).__name__,
        error,
    )
