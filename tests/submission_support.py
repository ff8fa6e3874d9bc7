"""Helpers for the submission tests: the next 14 June, a filled-in proposal, moderators."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from planner.extensions import db
from planner.submissions.models import Moderator

CSRF = re.compile(r'name="(?:[a-z]+-)?csrf_token"(?: type="hidden")? value="([^"]+)"')
RIGA = ZoneInfo("Europe/Riga")


def next_june_14(today: date | None = None) -> date:
    """The next 14 June after today in Riga (a proposal for today could already be past)."""
    today = today or datetime.now(RIGA).date()
    day = date(today.year, 6, 14)
    return day if day > today else date(today.year + 1, 6, 14)


def csrf(client, path: str = "/submit") -> str:
    found = CSRF.search(client.get(path).get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def proposal(**changes) -> dict:
    """A parish's vigil on the next 14 June at a church that is not yet a venue."""
    data = {
        "language": "lv",
        "title": "Svecīšu vakars Sv. Jāņa baznīcā",
        "description": "Piemiņas brīdis un **svecīšu** iedegšana. Visi laipni aicināti.",
        "kind": "vigil",
        "commemoration": "june-deportation-1941",
        "venue": "",
        "venue_name": "Sv. Jāņa baznīca",
        "venue_address": "Jāņa iela 7",
        "venue_city": "Rīga",
        "venue_country": "LV",
        "day": next_june_14().isoformat(),
        "start_time": "19:00",
        "end_time": "20:00",
        "group_name": "Sv. Jāņa draudze",
        "contact_email": "draudze@example.org",
        "website": "",
    }
    data.update(changes)
    return data


def send(client, data: dict, path: str = "/submit"):
    """POST the form with the session's CSRF token, as a browser does."""
    return client.post(path, data={"csrf_token": csrf(client, path), **data})


def token_from(location: str) -> str:
    found = re.search(r"/submit/([A-Za-z0-9_-]+)", location)
    assert found, location
    return found.group(1)


def name_moderator(user, country: str) -> Moderator:
    moderator = Moderator(user=user, country=country)
    db.session.add(moderator)
    db.session.commit()
    return moderator
