"""The read-only JSON API: field names, filters, pages, caching, CORS and problem JSON."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import make_commemoration, make_event, make_organisation, make_venue

FUTURE = datetime(2099, 6, 14, 15, 0, tzinfo=UTC)


def _event_fields():
    return {
        "slug",
        "title",
        "description",
        "kind",
        "status",
        "status_note",
        "starts_at",
        "ends_at",
        "previous_starts_at",
        "timezone",
        "venue",
        "organisations",
        "commemoration",
        "url",
        "ics_url",
        "sequence",
        "updated_at",
    }


def test_an_event_has_stable_field_names_and_local_times_with_their_offset(client, app):
    june = make_commemoration()
    host = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    cohost = make_organisation(slug="museum", name={"en": "Museum", "lv": "Muzejs"})
    event = make_event(
        title={"en": "Candle vigil", "lv": "Sveču vakars"},
        description={"en": "Bring a *candle*."},
        commemoration=june,
        organisations=[host, cohost],
        starts_at=FUTURE,
    )
    body = client.get(f"/api/v1/events/{event.slug}").json
    assert set(body) == _event_fields()
    assert body["slug"] == event.slug
    assert body["title"] == "Candle vigil"
    assert body["description"] == "Bring a *candle*."
    assert body["kind"] == "vigil"
    assert body["status"] == "scheduled"
    assert body["status_note"] is None
    # 15:00 UTC on 14 June is 18:00 summer time in Riga.
    assert body["starts_at"] == "2099-06-14T18:00:00+03:00"
    assert body["ends_at"] == "2099-06-14T19:30:00+03:00"
    assert body["previous_starts_at"] is None
    assert body["timezone"] == "Europe/Riga"
    assert body["venue"] == {
        "slug": "freedom-monument-riga",
        "name": "Freedom Monument",
        "address": "Brīvības bulvāris, Rīga",
        "city": "Rīga",
        "country": "LV",
        "latitude": 56.9514,
        "longitude": 24.1131,
        "timezone": "Europe/Riga",
    }
    assert body["organisations"] == [
        {"slug": "helsinki-86", "name": "Helsinki-86", "role": "host"},
        {"slug": "museum", "name": "Museum", "role": "co-host"},
    ]
    assert body["commemoration"] == {
        "slug": "june-deportation-1941",
        "name": "June deportation of 1941",
        "anniversary": 158,
    }
    assert body["url"] == f"http://localhost/events/{event.slug}"
    assert body["ics_url"] == f"http://localhost/events/{event.slug}.ics"
    assert body["sequence"] == 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", body["updated_at"])


def test_winter_times_carry_the_winter_offset_and_names_follow_lang(client, app):
    event = make_event(
        title={"en": "Vigil", "lv": "Piemiņas brīdis"},
        starts_at=datetime(2099, 3, 25, 10, 0, tzinfo=UTC),
    )
    body = client.get(f"/api/v1/events/{event.slug}?lang=lv").json
    assert body["starts_at"] == "2099-03-25T12:00:00+02:00"
    assert body["title"] == "Piemiņas brīdis"
    assert body["venue"]["name"] == "Brīvības piemineklis"
    # No Estonian title: the original, in the language of the venue's country, is the fallback.
    assert client.get(f"/api/v1/events/{event.slug}?lang=et").json["title"] == "Piemiņas brīdis"


def test_a_postponed_event_carries_its_note_and_previous_start(client, app):
    from planner.events.operations import postpone
    from planner.extensions import db

    event = make_event(starts_at=FUTURE)
    postpone(event, None, note={"en": "Moved by a week."}, starts_at=FUTURE + timedelta(days=7))
    db.session.commit()
    body = client.get(f"/api/v1/events/{event.slug}").json
    assert body["status"] == "postponed"
    assert body["status_note"] == "Moved by a week."
    assert body["starts_at"] == "2099-06-21T18:00:00+03:00"
    assert body["previous_starts_at"] == "2099-06-14T18:00:00+03:00"
    assert body["sequence"] == 1


def test_drafts_never_appear(client, app):
    draft = make_event(title={"en": "Secret draft"}, status="draft", starts_at=FUTURE)
    make_event(title={"en": "Public vigil"}, starts_at=FUTURE)
    listing = client.get("/api/v1/events").json
    assert [item["title"] for item in listing["items"]] == ["Public vigil"]
    response = client.get(f"/api/v1/events/{draft.slug}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "Secret draft" not in response.get_data(as_text=True)


def test_events_filter_like_the_listing(client, app):
    june = make_commemoration()
    march = make_commemoration(
        slug="march-deportation-1949",
        name={"en": "March deportation of 1949"},
        rrule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=25",
        remembered_year=1949,
    )
    tallinn = make_venue(
        slug="freedom-square-tallinn", name={"en": "Freedom Square"}, city="Tallinn", country="EE"
    )
    museum = make_organisation(slug="museum")
    make_event(title={"en": "Riga June"}, commemoration=june, starts_at=FUTURE)
    make_event(
        title={"en": "Tallinn March candles"},
        commemoration=march,
        venue=tallinn,
        organisations=[museum],
        starts_at=datetime(2099, 3, 25, 16, tzinfo=UTC),
    )
    make_event(
        title={"en": "Long ago"},
        commemoration=june,
        starts_at=datetime(2001, 6, 14, 15, tzinfo=UTC),
    )

    def titles(query: str) -> list[str]:
        response = client.get("/api/v1/events" + query)
        assert response.status_code == 200, response.json
        return [item["title"] for item in response.json["items"]]

    assert titles("") == ["Tallinn March candles", "Riga June"]
    assert titles("?country=ee") == ["Tallinn March candles"]
    assert titles("?commemoration=june-deportation-1941") == ["Riga June"]
    assert titles("?organisation=museum") == ["Tallinn March candles"]
    assert titles("?venue=freedom-monument-riga") == ["Riga June"]
    assert titles("?from=2099-04-01") == ["Riga June"]
    assert titles("?to=2099-03-25") == ["Tallinn March candles"]
    assert titles("?q=CANDLES") == ["Tallinn March candles"]
    assert titles("?when=past") == ["Long ago"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("?page=0", "page"),
        ("?page=-2", "page"),
        ("?page=two", "page"),
        ("?per_page=0", "per_page"),
        ("?per_page=many", "per_page"),
        ("?from=14-06-2099", "from"),
        ("?from=2099-06-14&to=2099-06-01", "to"),
        ("?country=XX", "country"),
        ("?when=soon", "when"),
        ("?lang=fr", "lang"),
        ("?q=" + "x" * 201, "q"),
        ("?q=a%00b", "q"),
    ],
)
def test_malformed_parameters_are_a_400_problem_naming_the_parameter(client, app, query, parameter):
    response = client.get("/api/v1/events" + query)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 400
    assert response.json["parameter"] == parameter
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events?organisation=nobody",
        "/api/v1/events?venue=nowhere",
        "/api/v1/events?commemoration=no-such-day",
        "/api/v1/events/no-such-event",
        "/api/v1/events/%00",
        "/api/v1/commemorations/no-such-day",
        "/api/v1/commemorations/%00",
    ],
)
def test_unknown_slugs_are_a_404_problem(client, app, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["title"] == "Not Found"


def _five_events():
    for day in range(5):
        make_event(title={"en": f"Vigil day {day}"}, starts_at=FUTURE + timedelta(days=day))


def test_pages_link_their_neighbours_in_the_body_and_the_link_header(client, app):
    _five_events()
    first = client.get("/api/v1/events?per_page=2&q=vigil")
    body = first.json
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 2, 5, 3)
    assert [item["title"] for item in body["items"]] == ["Vigil day 0", "Vigil day 1"]
    assert body["prev"] is None
    assert body["next"] == "http://localhost/api/v1/events?q=vigil&page=2&per_page=2"
    assert body["last"] == "http://localhost/api/v1/events?q=vigil&page=3&per_page=2"
    links = dict(
        (rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', first.headers["Link"])
    )
    assert links == {
        "first": "http://localhost/api/v1/events?q=vigil&page=1&per_page=2",
        "last": body["last"],
        "next": body["next"],
    }

    last = client.get(body["last"]).json
    assert [item["title"] for item in last["items"]] == ["Vigil day 4"]
    assert last["next"] is None
    assert last["prev"] == "http://localhost/api/v1/events?q=vigil&page=2&per_page=2"


def test_a_page_past_the_end_is_an_empty_list(client, app):
    _five_events()
    response = client.get("/api/v1/events?per_page=2&page=99")
    assert response.status_code == 200
    assert response.json["items"] == []
    assert response.json["next"] is None
    assert response.json["prev"] == "http://localhost/api/v1/events?page=3&per_page=2"
    huge = client.get("/api/v1/events?page=" + "9" * 30)
    assert huge.status_code == 200
    assert huge.json["items"] == []


def test_per_page_over_the_cap_is_clamped_to_it(client, app):
    _five_events()
    body = client.get("/api/v1/events?per_page=1000").json
    assert body["per_page"] == 100
    assert len(body["items"]) == 5
    assert body["first"].endswith("per_page=100")


def test_etag_round_trip(client, app):
    event = make_event(starts_at=FUTURE)
    response = client.get("/api/v1/events")
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get("/api/v1/events", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""

    from planner.events.operations import cancel
    from planner.extensions import db

    cancel(event, None, note={"en": "Weather."})
    db.session.commit()
    changed = client.get("/api/v1/events", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json["items"][0]["status"] == "cancelled"
    assert changed.headers["ETag"] != etag

    single = client.get(f"/api/v1/events/{event.slug}")
    assert (
        client.get(
            f"/api/v1/events/{event.slug}", headers={"If-None-Match": single.headers["ETag"]}
        ).status_code
        == 304
    )


def test_cors_allows_reading_from_any_origin(client, app):
    make_event(starts_at=FUTURE)
    origin = {"Origin": "https://museum.example.org"}
    for method in ("GET", "HEAD"):
        response = client.open("/api/v1/events", method=method, headers=origin)
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/events",
        headers={**origin, "Access-Control-Request-Method": "GET"},
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert set(preflight.headers["Access-Control-Allow-Methods"].split(", ")) == {
        "GET",
        "HEAD",
        "OPTIONS",
    }


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writing_is_refused_without_cors(client, app, method):
    response = client.open(
        "/api/v1/events", method=method, headers={"Origin": "https://museum.example.org"}
    )
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 405
    assert "Access-Control-Allow-Origin" not in response.headers
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_commemorations_carry_their_next_days_and_rule(client, app):
    make_commemoration(first_observed_year=1989)
    listing = client.get("/api/v1/commemorations?lang=lv").json
    assert listing["total"] == 1
    body = client.get("/api/v1/commemorations/june-deportation-1941?lang=lv").json
    assert body == listing["items"][0]
    assert body["name"] == "Komunistiskā genocīda upuru piemiņas diena"
    assert body["rrule"] == "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14"
    assert body["countries"] == ["LV", "EE", "LT"]
    assert body["remembered_year"] == 1941
    assert body["first_observed_year"] == 1989
    assert body["url"] == "http://localhost/commemorations/june-deportation-1941"
    occurrences = body["next_occurrences"]
    assert len(occurrences) == 3
    for occurrence in occurrences:
        day = datetime.strptime(occurrence["date"], "%Y-%m-%d")
        assert (day.month, day.day) == (6, 14)
        assert occurrence["anniversary"] == day.year - 1941
    years = [int(o["date"][:4]) for o in occurrences]
    assert years == [years[0], years[0] + 1, years[0] + 2]


def test_venues_and_organisations_are_listed(client, app):
    make_venue(accessibility_notes={"en": "Step-free access from the park."})
    make_organisation(
        slug="helsinki-86",
        name={"en": "Helsinki-86"},
        website="https://example.org/helsinki-86",
        city="Rīga",
    )
    venue = client.get("/api/v1/venues").json["items"][0]
    assert venue["slug"] == "freedom-monument-riga"
    assert venue["accessibility_notes"] == "Step-free access from the park."
    assert venue["url"] == "http://localhost/venues/freedom-monument-riga"
    organisation = client.get("/api/v1/organisations").json["items"][0]
    assert organisation == {
        "slug": "helsinki-86",
        "name": "Helsinki-86",
        "description": None,
        "website": "https://example.org/helsinki-86",
        "country": "LV",
        "city": "Rīga",
        "url": "http://localhost/organisations/helsinki-86",
    }


def test_the_api_sets_no_language_cookie(client, app):
    make_commemoration()
    response = client.get("/api/v1/commemorations?lang=lv")
    assert "Set-Cookie" not in response.headers


def test_a_page_of_events_costs_the_same_queries_whatever_its_size(client, app, count_queries):
    def queries_for_listing() -> int:
        with count_queries() as statements:
            assert client.get("/api/v1/events?per_page=100").status_code == 200
        return len(statements)

    make_event(commemoration=make_commemoration(), starts_at=FUTURE)
    few = queries_for_listing()
    for day in range(1, 8):
        make_event(
            organisations=[make_organisation(), make_organisation()],
            commemoration=make_commemoration(slug=f"day-{day}"),
            starts_at=FUTURE + timedelta(days=day),
        )
    assert queries_for_listing() == few
