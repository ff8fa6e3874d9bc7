"""Values kept in the shared cache (Flask-Caching: in memory, or Redis when configured).

A cache that cannot be reached is no reason to fail a page: the value is built without it
and the outage is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from redis.exceptions import RedisError

from planner.extensions import cache

Value = TypeVar("Value")
log = logging.getLogger(__name__)


def remembered(key: str, build: Callable[[], Value]) -> Value:
    """The value cached under `key`; built (and stored) when it is not there yet."""
    try:
        found = cache.get(key)
    except (RedisError, OSError) as error:
        log.warning("cache unavailable (%s): building without it", error)
        return build()
    if found is None:
        found = build()
        try:
            cache.set(key, found)
        except (RedisError, OSError) as error:
            log.warning("cache unavailable (%s): not stored", error)
    return found
