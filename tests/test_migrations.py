"""The migrations build exactly the models' schema, and unwind, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from planner import create_app
from planner.dataversion import DataVersion
from planner.db import compared_on
from planner.extensions import db
from tests.conftest import database_url, reset_schema


@pytest.fixture
def empty_app(tmp_path: Path):
    """An app whose database has no tables: the migrations build it."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url(tmp_path))
    with app.app_context():
        reset_schema()
        yield app
        db.session.remove()
        reset_schema()
        db.engine.dispose()


def test_upgrade_builds_exactly_the_models_schema(empty_app):
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                "include_object": compared_on(connection.dialect.name),
            },
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_upgrade_creates_the_data_version_row(empty_app):
    upgrade()
    assert db.session.execute(select(DataVersion.version)).scalar_one() == 1


def test_downgrade_to_base_removes_every_table(empty_app):
    upgrade()
    downgrade(revision="base")
    remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()


def test_a_remembered_year_below_one_becomes_unknown_and_is_refused_from_then_on(empty_app):
    upgrade(revision="c91e5a7d3f28")
    db.session.execute(
        text(
            "INSERT INTO commemorations (slug, name, description, rrule, countries, source_note,"
            " remembered_year, created_at, updated_at) VALUES ('june-deportation-1941',"
            " '{\"en\": \"June deportation\"}', '{}', 'FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14',"
            " '[\"LV\"]', '', -5, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    )
    db.session.commit()
    upgrade()
    assert db.session.execute(text("SELECT remembered_year FROM commemorations")).scalar() is None
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE commemorations SET remembered_year = -5"))
        db.session.flush()
    db.session.rollback()
