"""Every listing and feed query is served by an index on PostgreSQL over generated data: the
plans (EXPLAIN) never read the whole events table."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import text

from planner.extensions import db
from tests.conftest import RENDER, on_postgres
from tests.factories import make_commemoration, make_organisation, make_venue

EVENTS = 20_000

# Six years of events every 150 minutes, the last few months still to come; every 20th a
# draft, every 17th cancelled: like a catalogue after some years of use. Each holds some
# 700 characters of search text, as titles and descriptions in four languages do.
GENERATE = text(
    """
    INSERT INTO events (slug, uid, title, description, search_text, kind, commemoration_id,
        venue_id, starts_at, ends_at, timezone, local_start_date, local_end_date, status,
        status_note, sequence, version, created_at, updated_at)
    SELECT 'generated-' || n, 'generated-' || n || '@remembrance-planner',
        '{"en": "Vigil"}', '{}', repeat('vigil at the freedom monument ', 24), 'vigil',
        :commemoration, :venue, moment,
        moment + interval '90 minutes', 'Europe/Riga', moment::date, moment::date,
        CASE WHEN n % 20 = 0 THEN 'draft' WHEN n % 17 = 0 THEN 'cancelled' ELSE 'scheduled' END,
        '{}', 0, 1, now(), now()
    FROM generate_series(1, :count) AS n,
        LATERAL (SELECT now() - interval '5 years 6 months' + n * interval '150 minutes')
        AS t(moment)
    """
)
HOSTS = text(
    """
    INSERT INTO event_organisations (event_id, organisation_id, role, position)
    SELECT id, :organisation, 'host', 0 FROM events
    """
)

QUERIES = (
    "/",
    "/events",
    "/events?page=30",
    "/events?country=LV",
    "/events?organisation=helsinki-86",
    "/events?commemoration=june-deportation-1941&from=2091-01-01",
    # Text no event holds, among the past events (nearly all): found by trigrams.
    "/events?when=past&q=flowers",
    "/api/v1/events?when=past&q=flowers",
    "/calendar.ics",
    "/organisations/helsinki-86/events.ics",
    "/venues/freedom-monument-riga/events.ics",
    "/api/v1/events",
    "/embed/events",
)


@pytest.fixture
def catalogue(app):
    if not on_postgres():
        pytest.skip("PostgreSQL run only: its planner decides on the indexes")
    commemoration = make_commemoration(slug="june-deportation-1941")
    venue = make_venue(slug="freedom-monument-riga")
    organisation = make_organisation(slug="helsinki-86")
    parameters = {"commemoration": commemoration.id, "venue": venue.id, "count": EVENTS}
    db.session.execute(GENERATE, parameters)
    db.session.execute(HOSTS, {"organisation": organisation.id})
    db.session.commit()
    with db.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


def _plans(client, url: str) -> list[tuple[str, str]]:
    statements = []

    def capture(_conn, _cursor, statement, parameters, *_args):
        if " events" in statement and not statement.lstrip().upper().startswith("EXPLAIN"):
            statements.append((statement, parameters))

    sa_event.listen(db.engine, "before_cursor_execute", capture)
    try:
        assert client.get(url, headers=RENDER).status_code == 200, url
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", capture)
    plans = []
    with db.engine.connect() as connection:
        for statement, parameters in statements:
            rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).scalars()
            plans.append((statement, "\n".join(rows)))
    return plans


def _unbounded_index_walks(plan: str) -> list[str]:
    """Index scans of events with no Index Cond: walks of the whole index in its order."""
    lines = plan.splitlines()
    walks = []
    for number, line in enumerate(lines):
        if "Index" in line and "Scan" in line and re.search(r" on events(\s|$)", line):
            details = []
            for following in lines[number + 1 :]:
                if "->" in following:
                    break
                details.append(following)
            if not any("Index Cond" in detail for detail in details):
                walks.append(line.strip())
    return walks


@pytest.mark.parametrize("url", QUERIES)
def test_listings_and_feeds_never_scan_the_whole_events_table(client, catalogue, url):
    plans = _plans(client, url)
    assert plans, url
    for statement, plan in plans:
        assert "Seq Scan on events" not in plan, f"{url}\n{statement}\n{plan}"
        assert not _unbounded_index_walks(plan), f"{url}\n{statement}\n{plan}"


DEEP_PAGES = (
    "/events?page=30",
    "/events?when=past&page=300",
    "/events?when=past&country=LV&page=200",
    "/api/v1/events?page=30&per_page=20",
    "/commemorations/june-deportation-1941?page=300",
)


@pytest.mark.parametrize("url", DEEP_PAGES)
def test_a_deep_page_seeks_to_its_first_row(client, catalogue, url):
    """A deep page's rows are found from a remembered key by an index condition on the start,
    never by walking the pages before it. Only the numbering of the listing's keys (its page
    index and count) reads every row the listing holds, and only once per data version."""
    first = _plans(client, url)
    numbering = [plan for statement, plan in first if "row_number() OVER" in statement]
    assert len(numbering) == 1, first
    for statement, plan in first:
        if "row_number() OVER" not in statement:
            assert "Seq Scan on events" not in plan, f"{url}\n{statement}\n{plan}"
            assert not _unbounded_index_walks(plan), f"{url}\n{statement}\n{plan}"
    plans = _plans(client, url)
    assert not any("row_number() OVER" in statement for statement, _plan in plans), plans
    rows = [plan for statement, plan in plans if "LIMIT" in statement]
    assert len(rows) == 1, plans
    assert re.search(r"Index Cond: .*starts_at [<>]= ", rows[0]), rows[0]
    assert "Seq Scan on events" not in rows[0], rows[0]
