"""Keys for feeds and fragments: what a rendering depends on, so that no entry is ever stale.

A feed's key holds the feed and its normalised arguments, the language, the base URL the links
use and today's date (the feed window moves with it); the data version and the cache epoch
(renewed when a backup is restored) it was built from are stored beside it
(planner.feeds.storage) and compared in the same query that reads them.
A fragment's context holds what every VEVENT depends on beyond its own data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path

from flask import current_app

# Raised whenever the way a VEVENT is written changes, so that older fragments are rebuilt.
FRAGMENT_FORMAT = 1


def feed_key(
    *,
    endpoint: str,
    args: Mapping[str, str],
    lang: str,
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
            "today": today.isoformat(),
            "base": base_url,
            "past_days": past_days,
            "format": FRAGMENT_FORMAT,
            "catalogues": catalogues_fingerprint(),
        },
        sort_keys=True,
        ensure_ascii=True,
    )
    return "feed:" + hashlib.sha256(material.encode()).hexdigest()


def fragment_context(base_url: str, epoch: str) -> str:
    """What every fragment depends on beyond its event: links, catalogues, format, epoch."""
    return f"{FRAGMENT_FORMAT}|{base_url}|{catalogues_fingerprint()}|{epoch}"


def catalogues_fingerprint() -> str:
    return _fingerprint(current_app.config["BABEL_TRANSLATION_DIRECTORIES"])


@lru_cache(maxsize=4)
def _fingerprint(directory: str) -> str:
    """A digest of the compiled catalogues: translated labels are part of every fragment."""
    digest = hashlib.sha256()
    root = Path(directory)
    for path in sorted(root.glob("*/LC_MESSAGES/*.mo")):
        # Relative: hosts with the same catalogues in other directories share fragments.
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
