"""Named configurations, read from the environment.

`create_app()` picks one by `PLANNER_CONFIG` (development, testing, production); every value
that differs between machines comes from an environment variable.
"""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-secret-key")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'planner.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # A database that refuses, or accepts and never answers, gives a 503 (with Retry-After,
    # in seconds) within these many seconds, instead of pinning a worker (PostgreSQL; the
    # statement timeout 0 turns it off). Redis clients give up after REDIS_TIMEOUT seconds.
    DATABASE_CONNECT_TIMEOUT = _env_int("DATABASE_CONNECT_TIMEOUT", 3)
    DATABASE_STATEMENT_TIMEOUT = _env_float("DATABASE_STATEMENT_TIMEOUT", 5)
    REDIS_TIMEOUT = _env_float("REDIS_TIMEOUT", 1)
    RETRY_AFTER_SECONDS = _env_int("RETRY_AFTER_SECONDS", 15)
    # One line per request and every unexpected error go to standard error at this level.
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # The public base URL, used in feeds and embed snippets when a request is not at hand.
    SITE_URL = os.environ.get("SITE_URL", "")
    SITE_NAME = "Remembrance Planner"

    LANGUAGES = ("en", "et", "lv", "lt")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "planner" / "translations")

    # Feeds hold events that ended within this window, and every future one.
    FEED_PAST_DAYS = _env_int("FEED_PAST_DAYS", 365)
    FEED_REFRESH_HOURS = _env_int("FEED_REFRESH_HOURS", 6)
    # Small cached results (the home page's next days of remembrance) are keyed by the data
    # version. In memory per process by default; shared in Redis when CACHE_REDIS_URL is set
    # (or name another Flask-Caching backend with CACHE_TYPE). Feeds live in the database.
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL")
    CACHE_TYPE = os.environ.get("CACHE_TYPE") or (
        "RedisCache" if CACHE_REDIS_URL else "SimpleCache"
    )
    CACHE_DEFAULT_TIMEOUT = _env_int("CACHE_DEFAULT_TIMEOUT", 24 * 3600)
    CACHE_THRESHOLD = _env_int("CACHE_THRESHOLD", 1000)
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "planner:")
    # Each worker replays the public answers it sent while the data is unchanged, in at most
    # this many bytes (planner/response_cache.py); 0 turns it off.
    RESPONSE_CACHE_BYTES = _env_int("RESPONSE_CACHE_BYTES", 32 * 1024 * 1024)
    # Answers over 1/32 of that (a large feed) are kept in temporary files, up to this many bytes.
    RESPONSE_CACHE_DISK_BYTES = _env_int("RESPONSE_CACHE_DISK_BYTES", 512 * 1024 * 1024)
    EVENTS_PER_PAGE = 20
    # The largest request body: a calendar file to import (1 MB) with room to spare.
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 4 * 1024 * 1024)

    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    # The Strict-Transport-Security header; empty (none) outside production.
    STRICT_TRANSPORT_SECURITY = ""

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: the same limits go on with per-process counters (and a logged warning)
    # until it answers again, instead of failing sign-in and invitations.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per 15 minutes")
    INVITATION_DAYS = _env_int("INVITATION_DAYS", 7)
    # Events proposed through /submit, per address (mistakes corrected in the form not counted).
    SUBMISSION_RATE_LIMIT = os.environ.get("SUBMISSION_RATE_LIMIT", "5 per hour")

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") in ("1", "true", "yes")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER")


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SITE_URL = "http://localhost"
    RATELIMIT_STORAGE_URI = "memory://"
    CACHE_TYPE = "SimpleCache"
    WTF_CSRF_ENABLED = True
    MAIL_SERVER = None


class ProductionConfig(Config):
    STRICT_TRANSPORT_SECURITY = os.environ.get("STRICT_TRANSPORT_SECURITY", "max-age=31536000")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        """Refuse to start without the settings production cannot guess."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Production configuration needs these environment variables: " + ", ".join(missing)
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_by_name(name: str | None = None) -> type[Config]:
    """The configuration class named by `name` or by `PLANNER_CONFIG` (default: development)."""
    name = name or os.environ.get("PLANNER_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"Unknown PLANNER_CONFIG {name!r}; choose one of {', '.join(CONFIGS)}"
        ) from None
