"""The declarative base, shared column types and domain errors used by every model."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Index, MetaData, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

# A naming convention keeps constraint names identical on SQLite and PostgreSQL, so
# migrations can name what they drop.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def postgresql_only(index: Index) -> Index:
    """An index that exists on PostgreSQL alone (one SQLite has no use for): made there by
    `create_all` and the migrations, and not expected on SQLite by their comparison."""
    index.info["only_on"] = "postgresql"
    return index.ddl_if(dialect="postgresql")


def compared_on(dialect_name: str):
    """Alembic's `include_object` for a database of `dialect_name`: what the models make only
    on another database (`postgresql_only`) is not expected there."""

    def include(item, _name, type_, reflected, compare_to) -> bool:
        declared = compare_to if reflected else item
        only_on = declared.info.get("only_on") if declared is not None else None
        return type_ != "index" or only_on in (None, dialect_name)

    return include


def now_utc() -> datetime:
    """The current instant, time-zone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC and always returned time-zone-aware.

    SQLite keeps no zone, so values are normalised to UTC on the way in and tagged UTC on the
    way out; a naive datetime is a programming error and is refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an instant is needed")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# JSON on SQLite, JSONB on PostgreSQL.
JSONType = JSON().with_variant(JSONB(), "postgresql")


class ValidationError(ValueError):
    """Bad input for a domain object, naming the field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
