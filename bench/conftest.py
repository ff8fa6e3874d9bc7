"""Benchmarks run against a generated data set: `make bench` (pytest-benchmark)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench.generate import generate
from planner import create_app
from planner.dataversion import DataVersion
from planner.extensions import db


@pytest.fixture(scope="module")
def bench_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "bench.sqlite"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        db.session.add(DataVersion(id=1, version=1, changed_at=datetime(2000, 1, 1, tzinfo=UTC)))
        generate()
        yield app
        db.session.remove()


@pytest.fixture(scope="module")
def bench_client(bench_app):
    return bench_app.test_client()
