"""The embeddable listing, its loader script and the framing policy, seen over HTTP."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from flask import render_template_string
from werkzeug.routing import IntegerConverter

from planner.embed.options import (
    BACKGROUNDS,
    DEFAULT_ACCENTS,
    contrast_ratio,
    parse_accent,
    readable_colour,
)
from tests.factories import make_commemoration, make_event, make_organisation, make_venue

FUTURE = datetime(2099, 6, 14, 15, 0, tzinfo=UTC)


class _Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.tags if tag == name]


def test_the_listing_shows_an_organisations_upcoming_events_in_local_time(client, app):
    helsinki = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    other = make_organisation(slug="other-group", name={"en": "Another group"})
    make_event(title={"en": "Flowers at the monument"}, organisations=[helsinki], starts_at=FUTURE)
    make_event(title={"en": "Someone else's vigil"}, organisations=[other], starts_at=FUTURE)
    make_event(title={"en": "Draft plan"}, organisations=[helsinki], status="draft")
    make_event(
        title={"en": "Called off"},
        organisations=[helsinki],
        status="cancelled",
        starts_at=FUTURE + timedelta(days=1),
    )
    response = client.get("/embed/events?organisation=helsinki-86")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Upcoming events: Helsinki-86" in page
    assert "Flowers at the monument" in page
    assert "Sunday, 14 June 2099" in page
    assert "18:00–19:30 EEST (Europe/Riga)" in page
    assert "Freedom Monument, Rīga" in page
    assert "Someone else" not in page
    assert "Draft plan" not in page
    assert "Called off" in page and "Cancelled" in page
    assert page.index("Flowers at the monument") < page.index("Called off")


def test_the_listing_speaks_the_language_it_is_given(client, app):
    make_event(title={"en": "Vigil", "lv": "Piemiņas brīdis"}, starts_at=FUTURE)
    page = client.get("/embed/events?lang=lv").get_data(as_text=True)
    assert '<html lang="lv"' in page
    assert "Piemiņas brīdis" in page
    assert "Brīvības piemineklis" in page
    assert "2099. gada 14. jūnijs" in page


def test_limit_caps_the_events_shown(client, app):
    for day in range(12):
        make_event(title={"en": f"Vigil day {day:02}"}, starts_at=FUTURE + timedelta(days=day))
    default = client.get("/embed/events").get_data(as_text=True)
    assert default.count('<li class="embed-event') == 10
    three = client.get("/embed/events?limit=3").get_data(as_text=True)
    assert re.findall(r"Vigil day \d\d", three) == ["Vigil day 00", "Vigil day 01", "Vigil day 02"]
    assert (
        client.get("/embed/events?limit=50").get_data(as_text=True).count('<li class="embed-event')
        == 12
    )


def test_an_empty_listing_says_so_kindly(client, app):
    make_organisation(slug="quiet-group")
    page = client.get("/embed/events?organisation=quiet-group").get_data(as_text=True)
    assert "No events planned yet." in page
    assert "<ul" not in page


def test_other_filters_narrow_the_listing(client, app):
    june = make_commemoration()
    tallinn = make_venue(slug="freedom-square-tallinn", name={"en": "Freedom Square"}, country="EE")
    make_event(title={"en": "Riga vigil"}, commemoration=june, starts_at=FUTURE)
    make_event(title={"en": "Tallinn candles"}, venue=tallinn, starts_at=FUTURE)
    by_country = client.get("/embed/events?country=ee").get_data(as_text=True)
    assert "Tallinn candles" in by_country and "Riga vigil" not in by_country
    by_day = client.get("/embed/events?commemoration=june-deportation-1941").get_data(as_text=True)
    assert "Riga vigil" in by_day and "Tallinn candles" not in by_day
    assert "Upcoming events: June deportation of 1941" in by_day
    by_venue = client.get("/embed/events?venue=freedom-square-tallinn").get_data(as_text=True)
    assert "Tallinn candles" in by_venue and "Riga vigil" not in by_venue
    by_text = client.get("/embed/events?q=CANDLES").get_data(as_text=True)
    assert "Tallinn candles" in by_text and "Riga vigil" not in by_text


def test_every_link_opens_outside_the_frame_and_nothing_comes_from_elsewhere(client, app):
    event = make_event(starts_at=FUTURE)
    page = client.get("/embed/events?accent=6b2230").get_data(as_text=True)
    tags = _Tags(page)
    links = tags.all("a")
    assert f"http://localhost/events/{event.slug}" in [link["href"] for link in links]
    for link in links:
        assert link["target"] == "_blank"
        assert link["rel"] == "noopener"
    for resource in [*tags.all("script"), *tags.all("link")]:
        address = resource.get("src") or resource.get("href")
        assert address.startswith("/"), address
    assert not tags.all("style") and "style=" not in page
    scripts = tags.all("script")
    assert [script["src"] for script in scripts] == ["/static/embed/frame.js"]
    assert "nonce" not in scripts[0]  # the same bytes for every request


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=0", "limit"),
        ("limit=51", "limit"),
        ("limit=ten", "limit"),
        ("accent=red", "accent"),
        ("accent=%236b22300", "accent"),
        ("accent=url(x)", "accent"),
        ("theme=blue", "theme"),
        ("lang=fr", "lang"),
        ("frame=a%20b", "frame"),
        ("frame=" + "x" * 65, "frame"),
        ("from=June", "from"),
        ("country=XX", "country"),
    ],
)
def test_a_bad_setting_is_a_400_in_plain_words_that_still_shows_in_a_frame(
    client, app, query, parameter
):
    response = client.get("/embed/events?" + query)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "This listing cannot be shown" in page
    assert f"Check the setting “{parameter}”." in page
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers


def test_a_database_outage_is_a_503_in_plain_words_that_still_shows_in_a_frame(
    client, app, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    def refused(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr("planner.embed.views.upcoming_events", refused)
    response = client.get("/embed/events?lang=lv")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "Šo sarakstu nevar parādīt" in page
    assert "Pakalpojums pašlaik nevar atbildēt" in page
    assert "Rīkotājiem" not in page  # the listing's own page, not the site's
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]


def test_an_unknown_organisation_is_a_404_in_plain_words(client, app):
    response = client.get("/embed/events?organisation=nobody")
    assert response.status_code == 404
    assert "does not exist here" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("given", "colour"),
    [("6b2230", "#6b2230"), ("#6B2230", "#6b2230"), ("#b23", "#bb2233"), (" 0a0a0a ", "#0a0a0a")],
)
def test_accent_colours_are_read_as_hex(given, colour):
    assert parse_accent(given) == colour


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("accent", ["#ffff00", "#6b2230", "#000080", "#ffffff", "#000000"])
def test_the_accent_is_adjusted_until_links_are_readable(theme, accent):
    readable = readable_colour(accent, BACKGROUNDS[theme])
    assert contrast_ratio(readable, BACKGROUNDS[theme]) >= 4.5
    if contrast_ratio(accent, BACKGROUNDS[theme]) >= 4.5:
        assert readable == accent


def test_the_accent_comes_as_a_stylesheet_without_inline_style(client, app):
    page = client.get("/embed/events?accent=ffff00&theme=dark").get_data(as_text=True)
    assert '<html lang="en" class="theme-dark"' in page
    stylesheets = [link["href"] for link in _Tags(page).all("link")]
    assert "/embed/theme.css?accent=ffff00&theme=dark" in stylesheets
    css = client.get("/embed/theme.css?accent=ffff00&theme=dark")
    assert css.mimetype == "text/css"
    assert "--accent: #ffff00;" in css.get_data(as_text=True)
    link = re.search(r"--link: (#[0-9a-f]{6});", css.get_data(as_text=True)).group(1)
    assert contrast_ratio(link, BACKGROUNDS["dark"]) >= 4.5
    assert client.get("/embed/theme.css?accent=nope").status_code == 400
    plain = client.get("/embed/events").get_data(as_text=True)
    assert "theme.css" not in plain
    assert contrast_ratio(DEFAULT_ACCENTS["dark"], BACKGROUNDS["dark"]) >= 4.5


def test_the_loader_is_cached_and_loadable_from_any_site(client, app):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "remembrance-planner:height" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    etag = response.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{64}"', etag)
    again = client.get("/embed.js", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert client.get("/embed.js", headers={"If-None-Match": '"stale"'}).status_code == 200


def test_the_listing_sets_no_language_cookie(client, app):
    response = client.get("/embed/events?lang=lv")
    assert "Set-Cookie" not in response.headers


def _reachable_paths(app) -> list[tuple[str, str]]:
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        # "x" for text arguments, 1 for numbers (the month view's year and month).
        values = {
            name: 1 if isinstance(converter, IntegerConverter) else "x"
            for name, converter in rule._converters.items()
        }
        path = rule.build(values)[1]
        paths.append((rule.endpoint, path))
    return paths


def test_only_the_embed_listing_may_be_framed_by_other_sites(client, app):
    """Every GET route of the app, embed or not, with the framing policy it must have."""
    make_event(starts_at=FUTURE)
    paths = _reachable_paths(app)
    assert ("embed.events", "/embed/events") in paths
    for endpoint, path in paths:
        response = client.get(path)
        policy = response.headers["Content-Security-Policy"]
        if endpoint == "embed.events":
            assert "frame-ancestors *" in policy
            assert "X-Frame-Options" not in response.headers
        else:
            assert "frame-ancestors 'self'" in policy, path
            assert response.headers["X-Frame-Options"] == "SAMEORIGIN", path


def test_an_unknown_page_refuses_framing_too(client):
    response = client.get("/embed/nothing-here")
    assert response.status_code == 404
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def _render_box(name: str, value: str) -> str:
    return render_template_string(
        '{% extends "base.html" %}{% block content %}'
        '{% include "embed/_snippet_box.html" %}{% endblock %}',
        embed_filter_name=name,
        embed_filter_value=value,
    )


def test_the_snippet_box_shows_both_forms_of_the_code_and_a_preview(app):
    make_organisation(slug="helsinki-86")
    with app.test_request_context("/organisations/helsinki-86"):
        page = _render_box("organisation", "helsinki-86")
    tags = _Tags(page)
    assert "Embed this listing" in page
    textareas = re.findall(r"<textarea[^>]*>(.*?)</textarea>", page, re.S)
    assert textareas == [
        "&lt;script src=&#34;http://localhost/embed.js&#34; "
        "data-organisation=&#34;helsinki-86&#34; data-lang=&#34;en&#34; async&gt;&lt;/script&gt;",
        "&lt;iframe src=&#34;http://localhost/embed/events?organisation=helsinki-86&amp;amp;lang=en"
        "&#34; "
        "title=&#34;Remembrance events&#34; width=&#34;100%&#34; height=&#34;480&#34; "
        "loading=&#34;lazy&#34; style=&#34;border:0&#34;&gt;&lt;/iframe&gt;",
    ]
    for area in tags.all("textarea"):
        assert "readonly" in area
        assert [label for label in tags.all("label") if label["for"] == area["id"]]
    buttons = tags.all("button")
    assert {button["data-copy-target"] for button in buttons} == {
        area["id"] for area in tags.all("textarea")
    }
    assert 'role="status" aria-live="polite"' in page
    preview = tags.all("iframe")[0]
    assert preview["src"] == (
        "http://localhost/embed/events?organisation=helsinki-86&frame=embed-preview-organisation"
    )
    assert preview["title"]
    script = next(s for s in tags.all("script") if s.get("src") == "/static/embed/snippet.js")
    assert "nonce" not in script


def test_the_snippet_box_escapes_what_it_is_given(app):
    with app.test_request_context("/"):
        page = _render_box("venue", 'x"><script>alert(1)</script>')
    assert "<script>alert(1)" not in page
    with app.test_request_context("/"), pytest.raises(ValueError):
        _render_box("password", "x")


def test_the_listing_costs_the_same_queries_whatever_its_size(client, app, count_queries):
    def queries_for_listing() -> int:
        with count_queries() as statements:
            assert client.get("/embed/events?limit=50").status_code == 200
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


@pytest.mark.java
def test_the_listing_and_its_error_page_are_valid_html(client, app, tmp_path, node):
    import json
    import shutil
    import subprocess

    from tests.conftest import ROOT, require

    require(shutil.which("java") is not None, "Java is needed for the Nu HTML Checker")
    make_event(title={"en": "Vigil & <candles>"}, status="cancelled", starts_at=FUTURE)
    files = []
    for name, query in [("listing", "?accent=6b2230&frame=a-1"), ("error", "?limit=0")]:
        path = tmp_path / f"{name}.html"
        path.write_bytes(client.get("/embed/events" + query).get_data())
        files.append(str(path))
    with app.test_request_context("/organisations/helsinki-86"):
        make_organisation(slug="helsinki-86")
        box = tmp_path / "box.html"
        box.write_text(_render_box("organisation", "helsinki-86"))
        files.append(str(box))
    checker = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    result = subprocess.run(
        ["java", "-jar", str(checker), "--format", "json", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert [m for m in messages if m["type"] in ("error", "non-document-error")] == []
