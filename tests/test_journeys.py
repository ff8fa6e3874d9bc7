"""Whole journeys through the product, using only the links and forms its pages offer."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest

from tests.embed_support import fits_its_content, partner_site_fixture  # noqa: F401
from tests.factories import (
    PASSWORD,
    make_commemoration,
    make_event,
    make_organisation,
    make_user,
    make_venue,
)
from tests.html_forms import Browser, local_path, read_page
from tests.manage_support import fast_passwords  # noqa: F401  (a fixture)

pytestmark = pytest.mark.usefixtures("fast_passwords")

INVITATION_LINK = re.compile(r'id="invitation-link"[^>]*value="([^"]+)"')


def feed_events(client, path: str) -> list[icalendar.Event]:
    """The feed at `path`, parsed by icalendar: its VEVENTs."""
    response = client.get(local_path(path))
    assert response.status_code == 200, path
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    return list(calendar.walk("VEVENT"))


def sign_in(browser: Browser, email: str, password: str) -> None:
    browser.open("/")
    browser.follow("For organisers")
    browser.submit(browser.page.form("/login"), "Sign in", email=email, password=password)
    assert "<h1>Your events</h1>" in browser.page.html


def test_an_invited_organiser_plans_publishes_postpones_and_cancels_and_feeds_follow(app):
    june = make_commemoration()
    make_venue()
    make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    make_user("admin@example.org", is_admin=True)
    day = june.next_occurrence()
    assert (day.month, day.day) == (6, 14)

    # An administrator invites an organiser to Helsinki-86 from the organisation's members page.
    admin = Browser(app.test_client())
    sign_in(admin, "admin@example.org", PASSWORD)
    admin.follow("Administration")
    admin.follow("Organisations", last=True)  # the administration's, not the public one
    admin.follow("0 members")
    admin.submit(
        admin.page.form("/members/invite"),
        "Create invitation",
        email="organiser@example.org",
        role="editor",
    )
    assert "Invitation ready" in admin.page.html
    link = INVITATION_LINK.search(admin.page.html).group(1)

    # The organiser accepts, chooses a password, signs out, and signs in again at /login.
    organiser = Browser(app.test_client())
    organiser.open(link)
    assert "Helsinki-86" in organiser.page.html
    password = "a long remembrance passphrase"
    organiser.submit(
        organiser.page.forms[-1],
        display_name="An organiser",
        password=password,
        confirm=password,
    )
    assert "Your account is ready" in organiser.page.html
    organiser.submit(organiser.page.form("/logout"), "Sign out")
    sign_in(organiser, "organiser@example.org", password)

    # Plans next 14 June's vigil: the date comes from the commemoration.
    organiser.follow("Plan an event")
    form = organiser.page.form("/manage/events/new")
    organiser.submit(form, "Suggest date and title", commemoration="june-deportation-1941")
    form = organiser.page.form("/manage/events/new")
    assert form.values["day"] == [day.isoformat()]
    title = form.values["title_en"][0]
    assert "June deportation of 1941" in title
    organiser.submit(
        form,
        "Save as draft",
        venue="freedom-monument-riga",
        start_time="18:00",
        end_time="19:00",
    )
    assert "Saved as a draft" in organiser.page.html
    manage_url = organiser.page.url
    slug = urlsplit(manage_url).path.rstrip("/").rsplit("/", 1)[-1]

    anyone = app.test_client()
    feeds = (
        "/organisations/helsinki-86/events.ics",
        "/commemorations/june-deportation-1941/events.ics",
    )
    for feed in feeds:
        assert feed_events(anyone, feed) == []  # a draft is nowhere public
    assert anyone.get(f"/events/{slug}").status_code == 404

    riga_evening = datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC)  # 18:00 EEST
    uids = set()

    def check_feeds(sequence: int, start: datetime, status: str) -> None:
        for feed in feeds:
            (vevent,) = feed_events(anyone, feed)
            uids.add(str(vevent["UID"]))
            assert vevent.decoded("SEQUENCE") == sequence
            assert vevent.decoded("DTSTART") == start
            assert str(vevent.decoded("DTSTART").tzinfo) == "Europe/Riga"
            assert str(vevent["STATUS"]) == status
            assert str(vevent["SUMMARY"]) == title
        assert len(uids) == 1

    def public_page() -> str:
        # The organiser reaches the public page from the event's own page.
        organiser.open(manage_url)
        page = organiser.follow("Open the public page")
        return page.html

    organiser.submit(organiser.page.form("/publish"), "Publish")
    assert "Published" in organiser.page.html
    check_feeds(0, riga_evening, "CONFIRMED")
    page = public_page()
    assert title in page and "banner" not in page

    organiser.open(manage_url)
    organiser.submit(
        organiser.page.form("/postpone"),
        "Postpone the event",
        **{
            "postpone-day": day.isoformat(),
            "postpone-start_time": "19:00",
            "postpone-end_time": "20:00",
        },
    )
    assert "Postponed to the new time" in organiser.page.html
    check_feeds(1, riga_evening + timedelta(hours=1), "CONFIRMED")
    page = public_page()
    assert "This event is postponed." in page
    assert "It was planned for" in page and "18:00" in page

    organiser.open(manage_url)
    organiser.submit(organiser.page.form("/cancel"), "Cancel the event…")
    assert "Yes, cancel the event" in organiser.page.html
    check_feeds(1, riga_evening + timedelta(hours=1), "CONFIRMED")
    organiser.submit(organiser.page.form("/cancel"), "Yes, cancel the event")
    check_feeds(2, riga_evening + timedelta(hours=1), "CANCELLED")
    page = public_page()
    assert "This event is cancelled." in page
    assert "This event is postponed." not in page


def test_from_the_home_page_to_an_event_its_ics_and_its_commemoration_feed(app):
    june = make_commemoration()
    group = make_organisation(slug="helsinki-86", name={"en": "Helsinki-86"})
    day = june.next_occurrence()
    make_event(
        title={"en": "Flowers at the Freedom Monument"},
        organisations=[group],
        commemoration=june,
        starts_at=datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC),
    )
    visitor = Browser(app.test_client())
    visitor.open("/")
    visitor.follow("Flowers at the Freedom Monument")
    assert "<h1>Flowers at the Freedom Monument</h1>" in visitor.page.html

    one = visitor.page.link("Download for your calendar app (.ics)")
    (vevent,) = feed_events(visitor.client, one)
    assert str(vevent["SUMMARY"]) == "Flowers at the Freedom Monument"
    assert str(vevent["STATUS"]) == "CONFIRMED"

    webcal = visitor.page.link(
        "Apple Calendar, Thunderbird and other apps (June deportation of 1941)"
    )
    https = re.search(r'value="(http[^"]*/commemorations/[^"]*)"', visitor.page.html)[1]
    assert parse_qs(urlsplit(webcal).query) == {"lang": ["en"]}
    assert webcal.startswith("webcal://")
    assert https.startswith(("https://", "http://"))
    assert urlsplit(webcal)[1:] == urlsplit(https)[1:]
    assert urlsplit(https).path == "/commemorations/june-deportation-1941/events.ics"
    (subscribed,) = feed_events(visitor.client, https)
    assert subscribed["UID"] == vevent["UID"]


@pytest.mark.parametrize(
    "path",
    [
        "/events?page=99999999999999999999",
        "/events?page=1000000",
        "/commemorations/june-deportation-1941?page=99999999999999999999",
    ],
)
def test_a_page_past_the_last_one_however_far_is_an_empty_page(client, path):
    june = make_commemoration()
    make_event(
        title={"en": "A vigil"}, commemoration=june, starts_at=datetime(2099, 6, 14, 15, tzinfo=UTC)
    )
    response = client.get(path)
    assert response.status_code == 200
    if path.startswith("/events"):
        text = response.get_data(as_text=True)
        assert "A vigil" not in text
        assert "There are no more events on this page." in text


@pytest.mark.browser
def test_a_museum_pastes_the_snippet_from_the_organisation_page_into_its_own_site(
    app, live_server, partner_site, page
):
    museum = make_organisation(
        slug="occupation-museum",
        name={"en": "Museum of the Occupation", "lv": "Okupācijas muzejs"},
    )
    other = make_organisation(slug="other-group", name={"en": "Another Group"})
    start = datetime(2099, 6, 14, 15, tzinfo=UTC)
    for number in range(4):
        make_event(
            title={"en": f"Reading of names {number}", "lv": f"Vārdu lasījums {number}"},
            organisations=[museum],
            starts_at=start + timedelta(days=number),
        )
    make_event(title={"en": "Not the museum's"}, organisations=[other], starts_at=start)

    # The web editor copies the code from the organisation's "Embed this listing" box.
    page.goto(f"{live_server}/organisations/occupation-museum")
    box = page.get_by_role("region", name="Embed this listing")
    snippet = box.get_by_label("Embed code (recommended)").input_value()
    assert snippet.startswith("<script ") and 'data-organisation="occupation-museum"' in snippet
    latvian = snippet.replace('data-lang="en"', 'data-lang="lv"')
    assert latvian != snippet

    pages, partner = partner_site
    pages["/remembrance.html"] = f"""<!doctype html>
<html lang="lv"><head><meta charset="utf-8"><title>Muzeja pasākumi</title></head>
<body><h1>Piemiņas pasākumi</h1>
{latvian}
<p id="after">Pēc saraksta.</p>
</body></html>"""
    page.goto(f"{partner}/remembrance.html")
    handle = page.wait_for_selector("iframe.remembrance-planner-embed")
    frame = handle.content_frame()
    frame.wait_for_selector("li.embed-event")
    assert frame.evaluate("document.documentElement.lang") == "lv"
    text = frame.inner_text("body")
    assert [f"Vārdu lasījums {number}" in text for number in range(4)] == [True] * 4
    assert "Reading of names" not in text
    assert "Not the museum's" not in text
    fits_its_content(frame)
    # The frame sits where the snippet was, before the page's own text.
    assert page.eval_on_selector("#after", "p => p.previousElementSibling.tagName") == "IFRAME"


def test_a_bad_filter_value_leads_on_to_the_listing_without_it(app):
    visitor = Browser(app.test_client())
    visitor.open("/events?from=2027-06-01&to=2027-01-01&country=lv", expect=400)
    assert "Please check what was asked for under “To”." in visitor.page.html
    retry = visitor.page.link("Show the page without it")
    assert local_path(retry) == "/events?from=2027-06-01&country=lv"
    visitor.open(retry)
    assert "<h1>Upcoming events in Latvia</h1>" in visitor.page.html


def test_pages_name_an_icon_that_exists(client):
    page = read_page(client.get("/"), "http://localhost/")
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', page.html)
    assert len(icons) == 1
    response = client.get(icons[0])
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    response.close()


def test_an_anniversary_reads_in_the_page_language(client):
    june = make_commemoration()
    event = make_event(
        title={"en": "A vigil"}, commemoration=june, starts_at=datetime(2091, 6, 14, 15, tzinfo=UTC)
    )
    page = client.get(f"/events/{event.slug}?lang=lv").get_data(as_text=True)
    assert "Komunistiskā genocīda upuru piemiņas diena: 150. gadadiena" in page
