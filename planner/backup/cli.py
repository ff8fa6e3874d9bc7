"""`flask backup export FILE` and `flask backup import FILE` ("-" for standard output / input)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from planner.backup.archive import BackupError, read_backup, write_backup
from planner.extensions import db

backup_cli = AppGroup("backup", help="Export the whole database to a file, or restore one.")


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {name}" for name, count in counts.items() if count)


@backup_cli.command("export")
@click.argument("file")
def backup_export(file: str) -> None:
    """Write every table to FILE (JSON; "-" for standard output)."""
    db.session.rollback()  # the export reads in a transaction of its own, from one snapshot
    try:
        if file == "-":
            counts = write_backup(db.session, sys.stdout)
        else:
            target = Path(file)
            # Written beside the target and renamed at the end: never half a backup under FILE.
            handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=".backup-")
            try:
                with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                    counts = write_backup(db.session, out)
                os.replace(temporary, target)
            finally:
                if os.path.exists(temporary):
                    os.unlink(temporary)
    except (BackupError, SQLAlchemyError, OSError) as error:
        _fail(f"backup not written: {_one_line(error)}")
    db.session.rollback()  # a read-only transaction: nothing to commit
    if file != "-":
        click.echo(f"Backup written to {file}: {_summary(counts)}.")


@backup_cli.command("import")
@click.argument("file")
def backup_import(file: str) -> None:
    """Restore FILE ("-" for standard input) into the database that 'flask db upgrade' has
    just created."""
    try:
        with click.open_file(file, "r", encoding="utf-8") as source:
            counts = read_backup(db.session, source)
        db.session.commit()
    except OSError as error:
        _fail(f"nothing imported: cannot read {file}: {error.strerror or error}")
    except (BackupError, SQLAlchemyError) as error:
        _fail(f"nothing imported: {_one_line(error)}")
    click.echo(f"Backup imported: {_summary(counts)}.")
    # A backup holds no rendered fragments: without this, the first request for each large
    # feed renders every event it holds.
    click.echo("Next: 'flask feeds render' renders the feeds' events ahead of the first requests.")


def _one_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
