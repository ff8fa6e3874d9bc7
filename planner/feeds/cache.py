"""Rendered feeds cached under the database's data version.

The key holds the data version (raised by every write to public data, on any host), the
feed and its normalised arguments, the language, the base URL the links use, and today's
date (the feed window moves with it). So an entry is never stale: a write makes a new key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import date

from planner.extensions import cache


def feed_key(
    *,
    endpoint: str,
    args: Mapping[str, str],
    lang: str,
    version: int,
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
            "today": today.isoformat(),
            "base": base_url,
            "past_days": past_days,
        },
        sort_keys=True,
        ensure_ascii=True,
    )
    return "feed:" + hashlib.sha256(material.encode()).hexdigest()


def cached_feed(key: str, build: Callable[[], bytes]) -> bytes:
    """The feed stored under `key`, built (and stored) only when it is not there yet."""
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body)
    return body
