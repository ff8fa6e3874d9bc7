"""Backups: every table out and back in, byte for byte, with the same feeds served after."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner import create_app
from planner.accounts.models import Invitation, User
from planner.accounts.operations import invite
from planner.audit.models import AuditEntry
from planner.backup.archive import backup_tables
from planner.dataversion import DataVersion, cache_epoch
from planner.db import now_utc
from planner.events.models import Event
from planner.events.operations import edit_event
from planner.extensions import db
from planner.imports.operations import apply_plan, plan_import
from planner.organisations.models import Organisation, Role
from tests.conftest import on_postgres, reset_schema
from tests.factories import make_event, make_organisation, make_user


def fresh_upgraded_database(runner) -> None:
    """An empty database as `flask db upgrade` creates it."""
    db.session.remove()
    reset_schema()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output


def fill_everything(runner) -> dict[str, str]:
    """Content in every language, venues, organisations, accounts, invitations, history."""
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    admin = make_user("admin@example.org", is_admin=True)
    group = make_organisation(
        slug="baltic-remembrance",
        name={
            "en": "Baltic Remembrance",
            "et": "Balti mälestus",
            "lv": "Baltijas piemiņa",
            "lt": "Baltijos atminimas",
        },
    )
    owner = make_user("owner@example.org", memberships={group: "owner"}, display_name="Owner")
    invite(admin, "editor@example.org", organisation=group, role=Role.EDITOR)
    db.session.commit()
    soon = now_utc().replace(microsecond=123456) + timedelta(days=30)
    vigil = make_event(
        organisations=[group],
        actor=owner,
        starts_at=soon,
        title={"en": "Candle vigil", "lv": "Sveču vakars", "lt": "Žvakių vakaras"},
        description={"en": "Bring a *candle*.", "et": "Võtke kaasa küünal."},
    )
    cancelled = make_event(
        status="cancelled", organisations=[group], actor=owner, starts_at=soon + timedelta(1)
    )
    make_event(status="postponed", organisations=[group], actor=owner, starts_at=soon)
    make_event(status="draft", organisations=[group], actor=owner, starts_at=soon)
    edit_event(vigil, owner, title={"en": "Candle vigil at dusk", "lv": "Sveču vakars"})
    db.session.commit()
    # An imported calendar: the draft it made and the source UID it remembers.
    start = (soon + timedelta(days=3)).strftime("%Y%m%dT%H%M%SZ")
    calendar = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Museum//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:imported@museum\r\nSUMMARY:Imported lecture\r\nDTSTART:{start}\r\n"
        "LOCATION:Freedom Monument\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    apply_plan(plan_import(group, calendar.encode()), owner)
    db.session.commit()
    return {"organisation": group.slug, "vigil": vigil.slug, "cancelled": cancelled.slug}


def served_feeds(client, slugs: dict[str, str]) -> dict[str, bytes]:
    paths = [
        "/calendar.ics",
        "/calendar.ics?lang=lv",
        "/calendar.ics?lang=et",
        "/commemorations.ics",
        f"/organisations/{slugs['organisation']}/events.ics",
        "/countries/lv/events.ics",
        f"/events/{slugs['vigil']}.ics",
        f"/events/{slugs['cancelled']}.ics",
        "/api/v1/events?lang=lt",
    ]
    feeds = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        feeds[path] = response.data
    return feeds


def export(runner, path: Path) -> bytes:
    result = runner.invoke(args=["backup", "export", str(path)])
    assert result.exit_code == 0, result.output
    return path.read_bytes()


def import_(runner, path: Path):
    return runner.invoke(args=["backup", "import", str(path)])


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in backup_tables()
    }


def test_export_import_export_gives_the_same_file_and_the_same_feeds(client, runner, tmp_path):
    fresh_upgraded_database(runner)
    slugs = fill_everything(runner)
    before = served_feeds(client, slugs)
    counts = row_counts()
    first = export(runner, tmp_path / "first.json")

    fresh_upgraded_database(runner)
    result = import_(runner, tmp_path / "first.json")
    assert result.exit_code == 0, result.output
    assert "Backup imported:" in result.output
    assert "'flask feeds render'" in result.output
    assert row_counts() == counts
    assert export(runner, tmp_path / "second.json") == first
    assert served_feeds(client, slugs) == before

    # New rows after a restore get ids of their own (PostgreSQL's sequences were moved on).
    make_event(organisations=[db.session.execute(select(Organisation)).scalars().first()])
    make_user("after-restore@example.org")


def test_the_file_holds_everything_a_deployment_needs(runner, tmp_path):
    fresh_upgraded_database(runner)
    fill_everything(runner)
    document = json.loads(export(runner, tmp_path / "backup.json"))
    assert document["format"] == "remembrance-planner-backup" and document["version"] == 1
    assert document["schema"]  # the Alembic revision it was taken at
    tables = {table["name"]: table for table in document["tables"]}
    # No table is left behind but the caches, which are rebuilt on demand.
    caches = {"feed_cache", "feed_fragments"}
    assert set(tables) == set(db.metadata.tables) - caches

    def rows(name: str) -> list[dict]:
        return [
            dict(zip(tables[name]["columns"], row, strict=True)) for row in tables[name]["rows"]
        ]

    users = {user["email"]: user for user in rows("users")}
    assert users["owner@example.org"]["password_hash"].startswith("$argon2")
    assert users["admin@example.org"]["is_admin"] is True
    assert rows("memberships") and rows("invitations")[0]["email"] == "editor@example.org"
    assert {entry["action"] for entry in rows("audit_entries")} >= {"published", "cancelled"}
    vigil = next(e for e in rows("events") if e["title"]["en"] == "Candle vigil at dusk")
    assert vigil["title"]["lv"] == "Sveču vakars"
    assert vigil["description"]["et"] == "Võtke kaasa küünal."
    assert vigil["uid"] and vigil["version"] >= 2 and vigil["sequence"] >= 0
    assert vigil["starts_at"].endswith(".123456+00:00")  # instants to the microsecond, in UTC
    assert {venue["slug"] for venue in rows("venues")} >= {"freedom-monument-riga"}
    # The cache epoch is never restored: it stays out of the file.
    assert "epoch" not in tables["data_version"]["columns"]
    assert "Sveču vakars" in (tmp_path / "backup.json").read_text(encoding="utf-8")


def test_import_refuses_a_database_that_holds_data_and_writes_nothing(runner, tmp_path):
    fresh_upgraded_database(runner)
    fill_everything(runner)
    export(runner, tmp_path / "backup.json")
    counts = row_counts()
    result = import_(runner, tmp_path / "backup.json")
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "Error: nothing imported: the database already holds data (table commemorations); "
        "import only into a database that 'flask db upgrade' has just created"
    ]
    assert row_counts() == counts


def test_a_failure_half_way_leaves_the_new_database_empty(runner, tmp_path):
    fresh_upgraded_database(runner)
    fill_everything(runner)
    document = json.loads(export(runner, tmp_path / "backup.json"))
    # The last filled table's last row breaks a NOT NULL rule: every table before it was
    # inserted.
    last = next(table for table in reversed(document["tables"]) if table["rows"])
    last_row = last["rows"][-1]
    last_row[last["columns"].index(next(c for c in last["columns"] if c != "id"))] = None
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")

    fresh_upgraded_database(runner)
    epoch = cache_epoch()
    result = import_(runner, broken)
    assert result.exit_code != 0
    assert result.output.startswith("Error: nothing imported: ")
    assert len(result.output.strip().splitlines()) == 1
    empty = dict.fromkeys(row_counts(), 0) | {"data_version": 1}
    assert row_counts() == empty
    assert cache_epoch() == epoch


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "not a backup file (not JSON"),
        ('{"format": "something-else"}', 'not a backup file (no "format"'),
        (
            '{"format": "remembrance-planner-backup", "version": 99, "tables": []}',
            "backup format version 99 is not supported",
        ),
        (
            '{"format": "remembrance-planner-backup", "version": 1, "schema": "0000",'
            ' "tables": []}',
            "the backup is of schema revision 0000",
        ),
    ],
)
def test_a_file_that_is_not_a_backup_is_refused_in_one_line(runner, tmp_path, content, message):
    fresh_upgraded_database(runner)
    path = tmp_path / "file.json"
    path.write_text(content, encoding="utf-8")
    result = import_(runner, path)
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1
    assert message in result.output


def test_a_missing_file_is_refused_in_one_line(runner, tmp_path):
    fresh_upgraded_database(runner)
    result = import_(runner, tmp_path / "no-such-backup.json")
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        f"Error: nothing imported: cannot read {tmp_path / 'no-such-backup.json'}: "
        "No such file or directory"
    ]


def test_a_table_this_version_does_not_know_is_refused(runner, tmp_path):
    fresh_upgraded_database(runner)
    document = json.loads(export(runner, tmp_path / "backup.json"))
    document["tables"].append({"name": "telepathy", "columns": ["id"], "rows": [[1]]})
    path = tmp_path / "future.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = import_(runner, path)
    assert result.exit_code != 0
    assert "the backup holds a table this version does not know: 'telepathy'" in result.output


def test_export_to_an_unwritable_place_fails_in_one_line(runner, tmp_path):
    result = runner.invoke(args=["backup", "export", str(tmp_path / "missing" / "b.json")])
    assert result.exit_code != 0
    assert result.output.startswith("Error: backup not written: ")


def test_no_cache_serves_the_discarded_timeline_after_a_restore(client, runner, tmp_path):
    """Version numbers start again after a restore; the feed cache must not mix timelines."""
    fresh_upgraded_database(runner)
    slugs = fill_everything(runner)
    client.get("/calendar.ics")
    export(runner, tmp_path / "backup.json")

    # Written after the backup, cached, then discarded by the restore.
    vigil = db.session.execute(select(Event).where(Event.slug == slugs["vigil"])).scalar_one()
    edit_event(vigil, None, title={"en": "A title the restore discards"})
    db.session.commit()
    assert b"A title the restore discards" in client.get("/calendar.ics").data
    old_epoch = cache_epoch()

    fresh_upgraded_database(runner)
    assert import_(runner, tmp_path / "backup.json").exit_code == 0
    assert cache_epoch() != old_epoch
    # The restored timeline reaches the same version number with a different edit.
    vigil = db.session.execute(select(Event).where(Event.slug == slugs["vigil"])).scalar_one()
    edit_event(vigil, None, title={"en": "The restored timeline's title"})
    db.session.commit()
    feed = client.get("/calendar.ics").data
    assert b"The restored timeline's title" in feed
    assert b"A title the restore discards" not in feed


def test_a_backup_from_sqlite_restores_on_postgresql(app, client, runner, tmp_path):
    if not on_postgres():
        pytest.skip("PostgreSQL run only: moving a backup from SQLite to PostgreSQL")
    source = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}")
    source_runner = source.test_cli_runner()
    with source.app_context():
        assert source_runner.invoke(args=["db", "upgrade"]).exit_code == 0
        slugs = fill_everything(source_runner)
        before = served_feeds(source.test_client(), slugs)
        first = export(source_runner, tmp_path / "from-sqlite.json")
        db.session.remove()
        db.engine.dispose()

    fresh_upgraded_database(runner)
    result = import_(runner, tmp_path / "from-sqlite.json")
    assert result.exit_code == 0, result.output
    assert export(runner, tmp_path / "from-postgresql.json") == first
    assert served_feeds(client, slugs) == before
    make_user("after-the-move@example.org")
    assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 3
    assert db.session.execute(select(func.count()).select_from(Invitation)).scalar_one() == 1
    assert db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() > 0
    assert db.session.get(DataVersion, 1) is not None


def test_column_types_other_tables_may_bring_are_written_and_read_back():
    """A new table's column types (bytes, UUID, times, decimals) survive the file."""
    import uuid
    from datetime import time
    from decimal import Decimal

    from sqlalchemy import Column, LargeBinary, MetaData, Numeric, Table, Time, Uuid

    from planner.backup.archive import _decoder, _encode

    table = Table(
        "future_things",
        MetaData(),
        Column("blob", LargeBinary),
        Column("token", Uuid),
        Column("at", Time),
        Column("amount", Numeric(10, 2)),
    )
    values = [b"\x00\xffBEGIN:VEVENT", uuid.uuid4(), time(18, 30, 5), Decimal("12.50")]
    for column, value in zip(table.columns, values, strict=True):
        written = json.loads(json.dumps(_encode(value)))
        assert _decoder(column)(written) == value
        assert _decoder(column)(None) is None
