"""A data version kept in the database, raised by every write to public data.

Cached output (a rendered feed) is keyed by it, so that a write through any worker on any host
is seen by the next request everywhere, and unchanged output is not rebuilt. Version numbers
start again wherever a backup is restored, so every cache key also holds the `epoch`: a random
token made with the row and renewed by `flask backup import`, never copied from a backup.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Integer, String, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from planner.db import UTCDateTime, now_utc
from planner.extensions import db


def new_epoch() -> str:
    return secrets.token_hex(16)


class DataVersion(db.Model):
    """A single row: the version of public data and when it last changed."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # Not in backups (info): a restored database must not share its caches' keys.
    epoch: Mapped[str] = mapped_column(String(32), default=new_epoch, info={"backup": False})


def current_state(session: Session | None = None) -> tuple[int, datetime, str]:
    """The current (version, changed_at, epoch) in one query: what a cache key needs."""
    session = session or db.session
    row = session.execute(
        select(DataVersion.version, DataVersion.changed_at, DataVersion.epoch)
    ).first()
    if row is None:
        return 0, datetime(2000, 1, 1, tzinfo=now_utc().tzinfo), "none"
    return row.version, row.changed_at, row.epoch


def cache_epoch(session: Session | None = None) -> str:
    """The token every cache key includes, so that no cache outlives a restore."""
    session = session or db.session
    return session.execute(select(DataVersion.epoch)).scalar() or "none"


def renew_epoch(session: Session) -> None:
    """Start a new cache timeline (after a restore: version numbers are reused)."""
    session.execute(update(DataVersion).values(epoch=new_epoch()))


_PUBLIC_TABLES = frozenset(
    {"commemorations", "venues", "organisations", "events", "event_organisations"}
)


def current_version(session: Session | None = None) -> tuple[int, datetime]:
    """The current (version, changed_at); a database with no row yet is at version 0."""
    session = session or db.session
    row = session.execute(select(DataVersion.version, DataVersion.changed_at)).first()
    if row is None:
        return 0, datetime(2000, 1, 1, tzinfo=now_utc().tzinfo)
    return row.version, row.changed_at


def bump(session: Session) -> None:
    """Raise the version in the same transaction as the write that caused it."""
    now = now_utc()
    pending = next((obj for obj in session.new if isinstance(obj, DataVersion)), None)
    if pending is not None:
        pending.version, pending.changed_at = (pending.version or 0) + 1, now
        return
    result = session.execute(
        update(DataVersion)
        .where(DataVersion.id == 1)
        .values(version=DataVersion.version + 1, changed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:
        session.add(DataVersion(id=1, version=1, changed_at=now))


def _touches_public_data(session: Session) -> bool:
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in _PUBLIC_TABLES and (
            obj in session.new or obj in session.deleted or session.is_modified(obj)
        ):
            return True
    return False


@event.listens_for(Session, "before_flush")
def _bump_on_public_write(session: Session, _flush_context, _instances) -> None:
    if session.info.get("bumping"):
        return
    if _touches_public_data(session):
        session.info["bumping"] = True
        try:
            bump(session)
        finally:
            session.info["bumping"] = False
