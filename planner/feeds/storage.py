"""Assembled feeds kept in the database, where every worker and host shares them.

Each row is one rendering of one feed (its key names the data version, the day, the
arguments, the language, the base URL and the cache epoch) with its ETag, its date and its
length beside the body: a conditional request or a HEAD reads those, never the body. Rows of
older data versions and past days are deleted as new ones are stored, so the table does not
grow as versions pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, LargeBinary, String, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from planner.db import UTCDateTime
from planner.extensions import db


class StoredFeed(db.Model):
    """One assembled feed, ready to send."""

    __tablename__ = "feed_cache"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    data_version: Mapped[int] = mapped_column(Integer, index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    etag: Mapped[str] = mapped_column(String(64))
    modified: Mapped[datetime] = mapped_column(UTCDateTime)
    length: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)


@dataclass(frozen=True)
class FeedHead:
    """What answers a conditional request or a HEAD: everything but the body."""

    key: str
    etag: str
    modified: datetime
    length: int


def upsert(model: type, rows: Sequence[dict[str, Any]], keys: Sequence[str], columns) -> None:
    """Insert `rows`, replacing `columns` of rows already there (two workers may race)."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in columns}
    )
    db.session.execute(statement, list(rows))


def head(key: str) -> FeedHead | None:
    row = db.session.execute(
        select(StoredFeed.etag, StoredFeed.modified, StoredFeed.length).where(StoredFeed.key == key)
    ).first()
    return FeedHead(key, row.etag, row.modified, row.length) if row else None


def body(key: str) -> bytes | None:
    return db.session.execute(select(StoredFeed.body).where(StoredFeed.key == key)).scalar()


def store(key: str, version: int, day: date, etag: str, modified: datetime, data: bytes) -> None:
    """Keep a built feed, and forget those of older data versions and past days."""
    db.session.execute(
        delete(StoredFeed).where(or_(StoredFeed.data_version < version, StoredFeed.day < day))
    )
    row = {
        "key": key,
        "data_version": version,
        "day": day,
        "etag": etag,
        "modified": modified,
        "length": len(data),
        "body": data,
    }
    upsert(StoredFeed, [row], ("key",), ("etag", "modified", "length", "body"))
