"""`flask bench generate`: a catalogue through the real operations, the same for a seed."""

from __future__ import annotations

from sqlalchemy import func, select, text

from planner.events.models import Event, EventStatus
from planner.extensions import db
from planner.feeds.fragments import FeedFragment
from tests.conftest import on_postgres


def _catalogue() -> list[tuple]:
    rows = db.session.execute(
        select(Event.slug, Event.starts_at, Event.status, Event.venue_id, Event.title).order_by(
            Event.slug
        )
    )
    return [tuple(row) for row in rows]


def test_generate_fills_the_database_the_same_for_a_seed(app, runner, client):
    arguments = ["bench", "generate", "--events", "60", "--venues", "5", "--organisations", "4"]
    result = runner.invoke(args=[*arguments, "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "Generated 60 events at 5 venues by 4 organisations (seed 7)." in result.output
    first = _catalogue()
    assert len(first) == 60
    statuses = {status for _, _, status, _, _ in first}
    assert {EventStatus.DRAFT, EventStatus.SCHEDULED, EventStatus.CANCELLED} <= statuses
    assert EventStatus.POSTPONED in statuses
    years = {starts_at.year for _, starts_at, _, _, _ in first}
    assert len(years) >= 3
    assert any("Piemiņas brīdis" in title.get("lv", "") for *_, title in first)
    assert client.get("/calendar.ics?lang=lv").status_code == 200
    assert db.session.execute(select(func.count()).select_from(FeedFragment)).scalar_one() > 0

    again = runner.invoke(args=[*arguments, "--seed", "7"])
    assert again.exit_code != 0
    assert "already holds a benchmark catalogue" in again.output
    assert _catalogue() == first  # nothing written

    db.session.execute(db.delete(FeedFragment))
    for model in ("event_organisations", "audit_entries", "events"):
        db.session.execute(db.text(f"DELETE FROM {model}"))
    for model in ("commemorations", "venues", "organisations"):
        db.session.execute(db.text(f"DELETE FROM {model}"))
    db.session.commit()
    assert runner.invoke(args=[*arguments, "--seed", "7"]).exit_code == 0
    same = _catalogue()
    assert [(slug, start, status) for slug, start, status, _, _ in same] == [
        (slug, start, status) for slug, start, status, _, _ in first
    ]


def test_bad_arguments_write_nothing(app, runner):
    result = runner.invoke(args=["bench", "generate", "--events", "-1"])
    assert result.exit_code != 0
    assert "--events" in result.output
    assert db.session.execute(select(func.count()).select_from(Event)).scalar_one() == 0


def test_generate_leaves_statistics_for_the_planner(app, runner):
    """A freshly filled SQLite database has no statistics unless asked: its planner would
    then read the public events through their status index and sort them."""
    arguments = ["bench", "generate", "--events", "30", "--venues", "3", "--organisations", "2"]
    assert runner.invoke(args=arguments).exit_code == 0
    if on_postgres():
        analysed = "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'events'"
        assert db.session.execute(text(analysed)).scalar() is not None
    else:
        rows = "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'events'"
        assert db.session.execute(text(rows)).scalar() > 0
