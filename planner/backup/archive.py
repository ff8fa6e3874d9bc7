"""Export every table to a versioned JSON document, and import one into an empty database.

Table-driven over the models' metadata, so a new table or column is in the next backup without
a change here. Left out: tables named in EXCLUDED_TABLES or marked `info={"backup": False}`
(caches, rebuilt on demand) and columns so marked (the data version's cache epoch). The format
is described in docs/backup.md.
"""

from __future__ import annotations

import base64
import enum
import json
import uuid
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import Column, DateTime, Table, TypeDecorator, delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from planner.dataversion import DataVersion, renew_epoch
from planner.extensions import db

FORMAT = "remembrance-planner-backup"
FORMAT_VERSION = 1
# Derived data that is rebuilt on demand and never belongs in a backup.
EXCLUDED_TABLES: frozenset[str] = frozenset()
# Rows a freshly upgraded database already holds: the backup's rows replace them.
SEEDED_TABLES = frozenset({DataVersion.__tablename__})


class BackupError(Exception):
    """The backup cannot be written or read; the message says why, in one line."""


def backup_tables() -> list[Table]:
    """The tables a backup holds, parents before children."""
    return [
        table
        for table in db.metadata.sorted_tables
        if table.name not in EXCLUDED_TABLES and table.info.get("backup", True)
    ]


def backup_columns(table: Table) -> list[Column]:
    return [column for column in table.columns if column.info.get("backup", True)]


def schema_revision(session: Session) -> str | None:
    """The Alembic revision the database is at (None when it was not built by migrations)."""
    try:
        with session.begin_nested():
            return session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None


def _encode(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str | dict | list):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise BackupError(f"cannot write a value of type {type(value).__name__}")


# How a JSON value is read back into a column of each Python type (others: as it is).
_READERS: dict[type, Any] = {
    datetime: datetime.fromisoformat,
    date: date.fromisoformat,
    time: time.fromisoformat,
    Decimal: Decimal,
    uuid.UUID: uuid.UUID,
    bytes: base64.b64decode,
}


def _decoder(column: Column):
    sql_type = column.type
    if isinstance(sql_type, TypeDecorator):
        sql_type = sql_type.impl_instance
    try:
        python_type = datetime if isinstance(sql_type, DateTime) else sql_type.python_type
    except NotImplementedError:
        return lambda value: value
    reader = _READERS.get(python_type)
    if reader is None and isinstance(python_type, type) and issubclass(python_type, enum.Enum):
        reader = python_type
    if reader is None:
        return lambda value: value
    return lambda value: None if value is None else reader(value)


def _line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _quiet_statement_timeout(session: Session) -> None:
    # The web's statement timeout is for requests; a backup of a large database takes longer.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL statement_timeout = 0"))


def export_lines(session: Session) -> Iterator[str]:
    """The backup document, one table header or row per line (valid JSON as a whole).

    Call it outside a transaction (the CLI rolls back first): on PostgreSQL it reads every table
    from one snapshot.
    """
    if session.get_bind().dialect.name == "postgresql":
        # One snapshot for every table, whatever is written meanwhile.
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    _quiet_statement_timeout(session)
    header = {"format": FORMAT, "version": FORMAT_VERSION, "schema": schema_revision(session)}
    yield _line(header)[:-1] + ',"tables":['
    tables = backup_tables()
    for index, table in enumerate(tables):
        columns = backup_columns(table)
        head = {"name": table.name, "columns": [column.name for column in columns]}
        yield _line(head)[:-1] + ',"rows":['
        order = list(table.primary_key.columns) or columns  # a table without a key: every column
        statement = select(*columns).order_by(*order)
        rows = session.execute(statement)
        previous = None
        for row in rows:
            if previous is not None:
                yield previous + ","
            previous = _line([_encode(value) for value in row])
        if previous is not None:
            yield previous
        yield "]}" + ("," if index < len(tables) - 1 else "")
    yield "]}"


def write_backup(session: Session, out: IO[str]) -> dict[str, int]:
    """Write the backup to `out`; returns the number of rows per table."""
    counts: dict[str, int] = {}
    for line in export_lines(session):
        out.write(line + "\n")
    for table in backup_tables():
        counts[table.name] = session.execute(select(func.count()).select_from(table)).scalar_one()
    return counts


def _read_document(source: IO[str]) -> dict[str, Any]:
    try:
        document = json.load(source)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BackupError(f"not a backup file (not JSON: {error})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f'not a backup file (no "format": "{FORMAT}")')
    if document.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"backup format version {document.get('version')!r} is not supported "
            f"(this version reads {FORMAT_VERSION})"
        )
    if not isinstance(document.get("tables"), list):
        raise BackupError("not a backup file (no list of tables)")
    return document


def _check_target(session: Session, document: dict[str, Any]) -> None:
    revision = schema_revision(session)
    if document.get("schema") != revision:
        raise BackupError(
            f"the backup is of schema revision {document.get('schema')}, the database is at "
            f"{revision}: create the database with 'flask db upgrade {document.get('schema')}', "
            "import, then run 'flask db upgrade'"
        )
    for table in backup_tables():
        if table.name in SEEDED_TABLES:
            continue
        if session.execute(select(table).limit(1)).first() is not None:
            raise BackupError(
                f"the database already holds data (table {table.name}); import only into a "
                "database that 'flask db upgrade' has just created"
            )


def _table_rows(entry: Any, tables: dict[str, Table]) -> tuple[Table, list[dict[str, Any]]]:
    if not isinstance(entry, dict) or entry.get("name") not in tables:
        name = entry.get("name") if isinstance(entry, dict) else entry
        raise BackupError(f"the backup holds a table this version does not know: {name!r}")
    table = tables[entry["name"]]
    names = entry.get("columns")
    known = {column.name: column for column in backup_columns(table)}
    if not isinstance(names, list) or not set(names) <= known.keys():
        unknown = sorted(set(names or []) - known.keys()) if isinstance(names, list) else names
        raise BackupError(f"table {table.name}: columns this version does not know: {unknown}")
    decoders = [_decoder(known[name]) for name in names]
    rows = []
    for number, row in enumerate(entry.get("rows") or [], start=1):
        if not isinstance(row, list) or len(row) != len(names):
            raise BackupError(f"table {table.name}, row {number}: not {len(names)} values")
        try:
            rows.append({n: decode(v) for n, decode, v in zip(names, decoders, row, strict=True)})
        except (TypeError, ValueError) as error:
            raise BackupError(f"table {table.name}, row {number}: {error}") from None
    return table, rows


def _reset_sequences(session: Session, tables: list[Table]) -> None:
    """Let PostgreSQL hand out ids after the imported ones."""
    for table in tables:
        [*key] = table.primary_key.columns
        if len(key) != 1 or not key[0].autoincrement or key[0].type.python_type is not int:
            continue
        session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'COALESCE((SELECT MAX("{key[0].name}") FROM "{table.name}"), 0) + 1, false)'
            ),
            {"table": table.name, "column": key[0].name},
        )


def read_backup(session: Session, source: IO[str]) -> dict[str, int]:
    """Import a backup into the session's (empty, freshly upgraded) database; the caller commits.

    Everything is checked before anything is written, and the inserts run in one transaction:
    on any error the caller rolls back and the database is as it was.
    """
    document = _read_document(source)
    _check_target(session, document)
    tables = {table.name: table for table in backup_tables()}
    loaded = [_table_rows(entry, tables) for entry in document["tables"]]
    order = {table.name: position for position, table in enumerate(backup_tables())}
    loaded.sort(key=lambda pair: order[pair[0].name])
    _quiet_statement_timeout(session)
    for table in SEEDED_TABLES:
        session.execute(delete(tables[table]))
    counts = {}
    for table, rows in loaded:
        if rows:
            session.execute(table.insert(), rows)
        counts[table.name] = len(rows)
    if not counts.get(DataVersion.__tablename__):
        session.add(DataVersion(id=1, version=1))
        session.flush()
    renew_epoch(session)
    if session.get_bind().dialect.name == "postgresql":
        _reset_sequences(session, [table for table, _rows in loaded])
    return counts
