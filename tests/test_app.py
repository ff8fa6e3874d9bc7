"""The running service: home page, health check, configuration."""

import pytest
from sqlalchemy.exc import OperationalError

from config import ProductionConfig
from planner import create_app
from planner.extensions import db
from tests.factories import make_commemoration, make_event


def test_home_page_lists_upcoming_events_with_local_time_zone_venue_and_organisers(client, app):
    june = make_commemoration()
    from datetime import UTC, datetime

    make_event(
        title={"en": "Candle vigil"},
        commemoration=june,
        starts_at=datetime(2099, 6, 14, 15, tzinfo=UTC),
    )
    page = client.get("/").get_data(as_text=True)
    assert "Candle vigil" in page
    assert "Sunday, 14 June 2099" in page
    assert "18:00–19:30 EEST (Europe/Riga)" in page
    assert "Freedom Monument" in page
    assert "Organised by" in page and "Remembrance Group" in page
    assert "June deportation of 1941" in page


def test_home_page_never_shows_drafts(client, app):
    from datetime import UTC, datetime

    make_event(
        title={"en": "Secret draft"}, status="draft", starts_at=datetime(2099, 1, 1, tzinfo=UTC)
    )
    assert "Secret draft" not in client.get("/").get_data(as_text=True)


def test_home_page_speaks_the_chosen_language(client, app):
    make_commemoration()
    page = client.get("/?lang=lv").get_data(as_text=True)
    assert '<html lang="lv">' in page
    assert "Komunistiskā genocīda upuru piemiņas diena" in page


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"


def test_healthz_is_503_when_the_database_does_not_answer(client, app, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503


def test_unknown_page_is_a_404_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_production_refuses_to_start_without_its_settings(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL"):
        create_app(ProductionConfig)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    with pytest.raises(RuntimeError, match="DATABASE_URL") as raised:
        create_app(ProductionConfig)
    assert "SECRET_KEY" not in str(raised.value)


def test_pages_refuse_framing_by_other_sites(client):
    response = client.get("/")
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_error_pages_speak_the_readers_language(client):
    response = client.get("/no-such-page?lang=lv")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Lapa nav atrasta" in page
    assert "The requested URL" not in page
