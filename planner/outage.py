"""Outages of the parts the app depends on: bounded waits, and what counts as "unavailable".

A database that refuses connections, or accepts them and never answers, must give quick 503s
(errors.py answers them) instead of workers pinned for the length of a TCP timeout; the pool
checks a connection before use, so the service recovers by itself when the database returns.
Redis (rate-limit counters, the feed cache) gets short socket timeouts for the same reason.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

# Errors that mean "the database cannot answer now" (refused, timed out, connection lost,
# statement cancelled by its timeout, no connection free in the pool): a 503, not a 500.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeoutError,
)


def database_engine_options(config: dict[str, Any]) -> dict[str, Any]:
    """Engine options that bound every wait on a PostgreSQL server (none for SQLite)."""
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        return {}
    connect_timeout = max(2, int(config["DATABASE_CONNECT_TIMEOUT"]))  # libpq's minimum is 2
    statement_ms = int(float(config["DATABASE_STATEMENT_TIMEOUT"]) * 1000)
    connect_args: dict[str, Any] = {
        "connect_timeout": connect_timeout,
        # A server that stops acknowledging (host gone, network cut) is given up on in time.
        "tcp_user_timeout": connect_timeout * 1000,
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 5,
        "keepalives_count": 3,
    }
    # No JIT: it compiles for tens of milliseconds before the feed queries, which run for a
    # few hundred (and are never the better for it); every other query is far below its cost.
    options = ["-c jit=off"]
    if statement_ms > 0:
        options.append(f"-c statement_timeout={statement_ms}")
    connect_args["options"] = " ".join(options)
    return {
        "pool_pre_ping": True,
        # Waiting for a free pooled connection is bounded like connecting is.
        "pool_timeout": connect_timeout,
        "connect_args": connect_args,
    }


def redis_options(config: dict[str, Any]) -> dict[str, float]:
    """Socket timeouts for the Redis clients (rate-limit storage, feed cache)."""
    timeout = float(config["REDIS_TIMEOUT"])
    return {"socket_connect_timeout": timeout, "socket_timeout": timeout}


def is_redis_uri(uri: str | None) -> bool:
    return bool(uri) and str(uri).split(":", 1)[0] in ("redis", "rediss", "redis+unix", "valkey")


def apply_outage_settings(config: dict[str, Any]) -> None:
    """Fill in the engine and Redis options from the timeouts in the configuration."""
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **database_engine_options(config),
        **config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }
    if is_redis_uri(config.get("RATELIMIT_STORAGE_URI")):
        config.setdefault("RATELIMIT_STORAGE_OPTIONS", redis_options(config))
    if config.get("CACHE_TYPE") == "RedisCache" and config.get("CACHE_REDIS_URL"):
        config.setdefault("CACHE_OPTIONS", redis_options(config))


def redis_health(config: dict[str, Any]) -> dict[str, str]:
    """ "ok" or "not answering" for each Redis the configuration names (none: empty)."""
    from planner.extensions import cache, limiter

    health = {}
    if is_redis_uri(config.get("RATELIMIT_STORAGE_URI")):
        health["rate_limits"] = "ok" if limiter.storage.check() else "not answering"
    if config.get("CACHE_TYPE") == "RedisCache":
        try:
            cache.cache._write_client.ping()
        except Exception:  # any failure of the client means the same to the operator
            health["cache"] = "not answering"
        else:
            health["cache"] = "ok"
    return health
