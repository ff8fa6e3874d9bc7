"""Public submissions: a group without an account proposes an event, a moderator decides."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest
from icalendar import Calendar
from sqlalchemy import select

from planner.audit.models import AuditEntry
from planner.events.models import Event, EventStatus
from planner.extensions import db
from planner.organisations.models import Organisation
from planner.submissions.models import Submission, SubmissionStatus
from planner.venues.models import Venue
from tests.conftest import sign_in_client
from tests.factories import make_commemoration, make_event, make_organisation, make_user, make_venue
from tests.manage_support import fast_passwords  # noqa: F401  (fixture)
from tests.submission_support import (
    RIGA,
    csrf,
    name_moderator,
    next_june_14,
    proposal,
    send,
    token_from,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def people(app):
    """The day of remembrance, a venue, an admin, and moderators for Latvia and Estonia."""
    make_commemoration()
    make_venue()
    latvia = make_user("moderator-lv@example.org")
    estonia = make_user("moderator-ee@example.org")
    name_moderator(latvia, "LV")
    name_moderator(estonia, "EE")
    return {
        "admin": make_user("admin@example.org", is_admin=True),
        "lv": latvia,
        "ee": estonia,
        "organiser": make_user("organiser@example.org"),
    }


def as_user(app, user):
    client = app.test_client()
    sign_in_client(client, user)
    return client


def submit_ok(client, **changes) -> str:
    response = send(client, proposal(**changes))
    assert response.status_code == 303, response.get_data(as_text=True)
    return token_from(response.headers["Location"])


def only_submission() -> Submission:
    return db.session.execute(select(Submission)).scalar_one()


def decide(client, submission: Submission, step: str, **data):
    path = f"/manage/moderation/{submission.id}"
    prefix = {"approve": "approve", "return": "return", "reject": "reject"}[step]
    form = {f"{prefix}-{key}": value for key, value in data.items()}
    form.setdefault(f"{prefix}-version", str(submission.version))
    return client.post(f"{path}/{step}", data={"csrf_token": csrf(client, path), **form})


def actions() -> list[str]:
    rows = db.session.execute(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "submissions")
        .order_by(AuditEntry.id)
    )
    return list(rows.scalars())


# The whole journey -------------------------------------------------------------------------


def test_a_parish_without_an_account_proposes_a_vigil_and_a_moderator_publishes_it(
    app, client, people
):
    page = client.get("/submit")
    assert page.status_code == 200
    assert "Propose an event" in page.get_data(as_text=True)

    response = send(client, proposal())
    assert response.status_code == 303
    token = token_from(response.headers["Location"])
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "your proposal was received" in confirmation
    assert "What happens next" in confirmation
    assert f"/submit/{token}" in confirmation
    submission = only_submission()
    assert submission.token_hash != token and token not in submission.token_hash
    assert submission.status == SubmissionStatus.PENDING
    assert submission.country == "LV" and submission.timezone == "Europe/Riga"

    # Public nowhere until approved: pages, search, feeds, embed, API.
    title = "Svecīšu vakars"
    for path in ("/", "/events", "/events?q=svecīšu", "/calendar.ics", "/embed/events"):
        assert title not in client.get(path).get_data(as_text=True), path
    assert title not in client.get("/api/v1/events").get_data(as_text=True)

    # The Latvian moderator sees it waiting; the Estonian one does not, and may not open it.
    latvia, estonia = as_user(app, people["lv"]), as_user(app, people["ee"])
    assert "1 proposed event waits for moderation." in latvia.get("/manage/").get_data(as_text=True)
    assert title in latvia.get("/manage/moderation").get_data(as_text=True)
    assert title not in estonia.get("/manage/moderation").get_data(as_text=True)
    assert estonia.get(f"/manage/moderation/{submission.id}").status_code == 403
    assert "No proposed event waits" in estonia.get("/manage/").get_data(as_text=True)

    # Approved under a new organisation made from the group, at the venue it proposed.
    response = decide(latvia, submission, "approve", organisation="", venue="")
    assert response.status_code == 303
    event = db.session.execute(select(Event)).scalar_one()
    assert only_submission().event == event
    assert event.title == {"lv": "Svecīšu vakars Sv. Jāņa baznīcā"}
    assert event.status == EventStatus.SCHEDULED and event.sequence == 0
    group = event.hosts[0].organisation
    assert group.display_name() == "Sv. Jāņa draudze" and group.country == "LV"
    assert group.contact_email is None  # the contact address stays private
    venue = event.venue
    assert (venue.display_name(), venue.city, venue.timezone) == (
        "Sv. Jāņa baznīca",
        "Rīga",
        "Europe/Riga",
    )
    assert event.local_start.date() == next_june_14()
    assert event.local_start.time() == time(19, 0)

    # On the event page, and in the calendar feed as a real parser reads it.
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert title in page and "Sv. Jāņa draudze" in page
    assert "draudze@example.org" not in page
    feed = Calendar.from_ical(client.get("/calendar.ics").data)
    vevents = [c for c in feed.walk("VEVENT") if str(c["SUMMARY"]).startswith(title)]
    assert len(vevents) == 1
    start = vevents[0].decoded("DTSTART")
    assert start.astimezone(RIGA).date() == next_june_14()
    assert start.astimezone(RIGA).time() == time(19, 0)
    assert str(vevents[0]["UID"]) == event.uid and int(vevents[0]["SEQUENCE"]) == 0
    assert "draudze@example.org" not in client.get("/calendar.ics").get_data(as_text=True)
    for path in ("/events", "/embed/events", f"/events?q={title}", "/api/v1/events"):
        shown = client.get(path).get_data(as_text=True)
        assert title in shown and "draudze@example.org" not in shown, path

    # The submitter's private link shows it published, with the event's page.
    status = client.get(f"/submit/{token}").get_data(as_text=True)
    assert "Published." in status and f"/events/{event.slug}" in status
    assert actions() == ["submitted", "approved"]
    event_actions = db.session.execute(
        select(AuditEntry.action).where(AuditEntry.event_id == event.id).order_by(AuditEntry.id)
    ).scalars()
    assert list(event_actions) == ["created", "published"]
    approval = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "approved")
    ).scalar_one()
    assert approval.user_id == people["lv"].id
    assert approval.changes["event"] == [None, event.slug]
    assert approval.changes["organisation"] == [None, group.slug]


def test_returned_with_a_message_the_submitter_corrects_and_sends_again(app, client, people):
    token = submit_ok(client)
    submission = only_submission()
    latvia = as_user(app, people["lv"])
    message = "Vai pasākums sākas 19:00 vai 18:00? Lūdzu, precizējiet."
    response = decide(latvia, submission, "return", message=message)
    assert response.status_code == 303
    assert only_submission().status == SubmissionStatus.RETURNED

    page = client.get(f"/submit/{token}").get_data(as_text=True)
    assert "Returned to you" in page and "precizējiet" in page
    assert 'value="Svecīšu vakars Sv. Jāņa baznīcā"' in page  # the form, filled in

    corrected = proposal(start_time="18:00", version=str(only_submission().version))
    response = send(client, corrected, f"/submit/{token}")
    assert response.status_code == 303
    again = only_submission()
    assert again.status == SubmissionStatus.PENDING
    assert again.local_start.time() == time(18, 0)
    assert "Waiting for a moderator" in client.get(f"/submit/{token}").get_data(as_text=True)
    # A pending proposal cannot be changed through the link.
    refused = client.post(f"/submit/{token}", data={"csrf_token": csrf(client), **corrected})
    assert refused.status_code == 409
    assert actions() == ["submitted", "returned", "resubmitted"]
    history = latvia.get(f"/manage/moderation/{again.id}").get_data(as_text=True)
    assert "The submitter corrected “Svecīšu vakars Sv. Jāņa baznīcā” and sent it again." in history
    assert "moderator-lv@example.org returned “Svecīšu" in history and "precizējiet" in history
    resubmitted = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "resubmitted")
    ).scalar_one()
    assert "starts_at" in resubmitted.changes and resubmitted.user_id is None
    returned = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "returned")
    ).scalar_one()
    assert returned.user_id == people["lv"].id and returned.changes["message"][1] == message


def test_rejected_with_a_reason_the_submitter_reads_it(app, client, people):
    token = submit_ok(client)
    submission = only_submission()
    admin = as_user(app, people["admin"])
    empty = decide(admin, submission, "reject", reason=" \x00 ")
    assert empty.status_code == 422 and "Give the reason." in empty.get_data(as_text=True)
    assert (
        decide(admin, submission, "reject", reason="Šis nav piemiņas pasākums.").status_code == 303
    )
    page = client.get(f"/submit/{token}").get_data(as_text=True)
    assert "Not accepted." in page and "Šis nav piemiņas pasākums." in page
    assert db.session.execute(select(Event)).first() is None
    assert actions() == ["submitted", "rejected"]
    # Decided once: a second decision is refused without changing anything.
    again = decide(admin, only_submission(), "approve", organisation="", venue="")
    assert again.status_code == 409
    assert db.session.execute(select(Event)).first() is None


def test_a_stale_decision_is_refused(app, client, people):
    submit_ok(client)
    submission = only_submission()
    latvia = as_user(app, people["lv"])
    response = decide(latvia, submission, "approve", organisation="", venue="", version="99")
    assert response.status_code == 409
    assert "decided or corrected while you were reading" in response.get_data(as_text=True)
    assert only_submission().status == SubmissionStatus.PENDING
    assert db.session.execute(select(Organisation)).first() is None


# Matching, existing organisations, clashes --------------------------------------------------


def test_an_existing_venue_and_organisation_can_be_chosen_and_clashes_are_warned(
    app, client, people
):
    monument = db.session.execute(select(Venue)).scalar_one()
    museum = make_organisation(slug="occupation-museum", name={"en": "Museum of the Occupation"})
    day = next_june_14()
    make_event(
        title={"en": "Flowers at the monument"},
        venue=monument,
        organisations=[museum],
        starts_at=datetime.combine(day, time(19, 30), RIGA),
    )
    submit_ok(client, venue=monument.slug, venue_name="", venue_city="", venue_country="")
    submission = only_submission()
    latvia = as_user(app, people["lv"])
    page = latvia.get(f"/manage/moderation/{submission.id}").get_data(as_text=True)
    assert "The venue is already taken at that time" in page
    assert "Flowers at the monument" in page

    unconfirmed = decide(latvia, submission, "approve", organisation=museum.slug)
    assert unconfirmed.status_code == 409
    assert len(db.session.execute(select(Event)).all()) == 1
    confirmed = decide(latvia, submission, "approve", organisation=museum.slug, confirm_clash="y")
    assert confirmed.status_code == 303
    event = only_submission().event
    assert event.organisations == [museum] and event.venue == monument
    assert db.session.execute(select(Venue)).scalars().all() == [monument]


def test_a_proposed_venue_is_matched_to_an_existing_one_of_the_same_name(app, client, people):
    make_venue(
        slug="st-johns-church-riga",
        name={"lv": "Sv. Jāņa baznīca", "en": "St John's Church"},
        address="Jāņa iela 7",
        city="Rīga",
    )
    submit_ok(client)
    submission = only_submission()
    latvia = as_user(app, people["lv"])
    page = latvia.get(f"/manage/moderation/{submission.id}").get_data(as_text=True)
    assert '<option selected value="st-johns-church-riga">' in page
    assert "An existing venue has the same name and town" in page
    response = decide(latvia, submission, "approve", organisation="", venue="st-johns-church-riga")
    assert response.status_code == 303
    assert only_submission().event.venue.slug == "st-johns-church-riga"
    assert len(db.session.execute(select(Venue)).scalars().all()) == 2


# What the form refuses -----------------------------------------------------------------------


def test_the_honeypot_keeps_nothing_but_answers_like_success(client, people):
    response = send(client, proposal(website="https://spam.example"))
    assert response.status_code == 200
    assert "your proposal was received" in response.get_data(as_text=True)
    assert db.session.execute(select(Submission)).first() is None


def test_a_post_without_the_csrf_token_is_refused(client, people):
    response = client.post("/submit", data=proposal())
    assert response.status_code == 400
    assert db.session.execute(select(Submission)).first() is None


def test_proposals_are_limited_per_address(app, client, people):
    app.config["SUBMISSION_RATE_LIMIT"] = "2 per hour"
    # Mistakes corrected in the form do not count.
    assert send(client, proposal(title="")).status_code == 422
    for _ in range(2):
        assert send(client, proposal()).status_code == 303
    refused = send(client, proposal())
    assert refused.status_code == 429
    assert "Too many proposals" in refused.get_data(as_text=True)
    assert refused.headers.get("Retry-After")
    assert len(db.session.execute(select(Submission)).all()) == 2
    other = app.test_client()
    response = other.post(
        "/submit",
        data={"csrf_token": csrf(other), **proposal()},
        environ_overrides={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "x" * 201, "200"),
        ("description", "x" * 20001, "20000"),
        ("group_name", "x" * 201, "200"),
        ("venue_address", "x" * 301, "300"),
        ("contact_email", "not an address", "This is not a valid e-mail address."),
        ("venue_country", "XX", "Choose a country from the list."),
        ("venue_name", "", "or give the new one"),
        ("end_time", "18:00", "The event must end after it starts."),
    ],
)
def test_bad_fields_are_refused_with_a_message(client, people, field, value, message):
    response = send(client, proposal(**{field: value}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.execute(select(Submission)).first() is None


def test_a_date_that_has_passed_is_refused(client, people):
    response = send(client, proposal(day="2001-06-14"))
    assert response.status_code == 422
    assert "This date has passed." in response.get_data(as_text=True)


def test_a_request_body_too_large_is_refused(client, people):
    response = send(client, proposal(description="x" * 600_000))
    assert response.status_code == 413
    assert db.session.execute(select(Submission)).first() is None


def test_hostile_text_is_cleaned_and_escaped(app, client, people):
    submit_ok(
        client,
        language="en",
        title="Vigil\x00 <script>alert(1)</script>\u202e",
        description=(
            "Come <img src=x onerror=alert(1)> [here](javascript:alert(1))\x07\n\n"
            "<script>x</script>"
        ),
        group_name="Parish\x1b of St John <b>",
    )
    submission = only_submission()
    assert submission.title == "Vigil <script>alert(1)</script>"
    assert "\x07" not in submission.description and "\x1b" not in submission.group_name
    admin = as_user(app, people["admin"])
    page = admin.get(f"/manage/moderation/{submission.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x onerror" not in page
    assert decide(admin, submission, "approve", organisation="", venue="").status_code == 303
    event = only_submission().event
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    # The structured data carries the text as text (angle brackets escaped inside JSON).
    page = re.sub(r'<script type="application/ld\+json"[^>]*>.*?</script>', "", page, flags=re.S)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page and "<script>x" not in page
    assert "onerror=" not in page.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert 'href="javascript:' not in page


# Who may do what -----------------------------------------------------------------------------


def test_permissions_of_the_moderation_screens(app, client, people):
    submit_ok(client)
    submission = only_submission()
    base = f"/manage/moderation/{submission.id}"
    assert client.get("/manage/moderation").status_code == 302  # to sign in
    assert client.get(base).status_code == 302
    expected = {
        "admin": (200, 200, 200),
        "lv": (200, 200, 403),
        "ee": (200, 403, 403),
        "organiser": (403, 403, 403),
    }
    for who, (queue, detail, moderators) in expected.items():
        user_client = as_user(app, people[who])
        assert user_client.get("/manage/moderation").status_code == queue, who
        assert user_client.get(base).status_code == detail, who
        assert user_client.get("/manage/moderation/moderators").status_code == moderators, who
    estonia = as_user(app, people["ee"])
    token = csrf(estonia, "/manage/moderation")
    for step in ("approve", "return", "reject"):
        response = estonia.post(f"{base}/{step}", data={"csrf_token": token})
        assert response.status_code == 403, step
    admin = as_user(app, people["admin"])
    assert admin.get("/manage/moderation/99999").status_code == 404
    assert admin.get("/manage/moderation?status=nonsense").status_code == 400
    assert client.get("/submit/not-a-real-token").status_code == 404
    assert only_submission().status == SubmissionStatus.PENDING


def test_an_administrator_names_and_removes_moderators(app, client, people):
    admin = as_user(app, people["admin"])
    token = csrf(admin, "/manage/moderation/moderators")
    unknown = admin.post(
        "/manage/moderation/moderators",
        data={"csrf_token": token, "email": "nobody@example.org", "country": "LT"},
    )
    assert unknown.status_code == 422
    assert "There is no account with this address" in unknown.get_data(as_text=True)
    named = admin.post(
        "/manage/moderation/moderators",
        data={"csrf_token": token, "email": "Organiser@Example.org", "country": "LT"},
    )
    assert named.status_code == 303
    twice = admin.post(
        "/manage/moderation/moderators",
        data={"csrf_token": token, "email": "organiser@example.org", "country": "LT"},
    )
    assert twice.status_code == 422
    page = admin.get("/manage/moderation/moderators").get_data(as_text=True)
    assert "organiser@example.org" in page
    organiser = as_user(app, people["organiser"])
    assert organiser.get("/manage/moderation").status_code == 200

    from planner.submissions.models import Moderator

    moderator = db.session.execute(select(Moderator).where(Moderator.country == "LT")).scalar_one()
    removed = admin.post(
        f"/manage/moderation/moderators/{moderator.id}/remove", data={"csrf_token": token}
    )
    assert removed.status_code == 303
    assert organiser.get("/manage/moderation").status_code == 403
    trail = db.session.execute(
        select(AuditEntry.action).where(AuditEntry.object_type == "moderators")
    ).scalars()
    assert list(trail) == ["moderator_named", "moderator_removed"]


# Mail ----------------------------------------------------------------------------------------


def test_the_submitter_is_mailed_in_their_language_when_mail_is_configured(
    app, client, people, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        "planner.submissions.mail.send_mail",
        lambda to, subject, body: sent.append((to, subject, body)),
    )
    app.config["MAIL_SERVER"] = "mail.example.org"
    response = send(client, proposal())
    token = token_from(response.headers["Location"])
    assert "We have also sent the link" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    to, subject, body = sent[-1]
    assert to == "draudze@example.org"
    assert f"/submit/{token}" in body
    latvia = as_user(app, people["lv"])
    decide(latvia, only_submission(), "return", message="Lūdzu, norādiet adresi.")
    to, subject, body = sent[-1]
    assert "Lūdzu, norādiet adresi." in body
    assert subject != "Your proposal to Remembrance Planner needs a correction"  # Latvian


def test_a_venue_in_another_zone_of_the_country_keeps_the_clock_time(app, client, people):
    # Proposed in the United States: read in New York time, matched to a venue in Chicago.
    make_venue(
        slug="chicago-memorial",
        name={"en": "Baltic Memorial"},
        address="1 Lake Shore Drive",
        city="Chicago",
        country="US",
        timezone="America/Chicago",
        latitude=None,
        longitude=None,
    )
    submit_ok(
        client,
        language="en",
        venue_name="Baltic Memorial",
        venue_address="",
        venue_city="Chicago",
        venue_country="US",
    )
    submission = only_submission()
    assert submission.timezone == "America/New_York"
    admin = as_user(app, people["admin"])
    response = decide(admin, submission, "approve", organisation="", venue="chicago-memorial")
    assert response.status_code == 303
    event = only_submission().event
    assert event.timezone == "America/Chicago"
    assert event.local_start.time() == time(19, 0) and event.local_start.date() == next_june_14()


def test_a_chosen_venue_deleted_later_leaves_the_proposal_readable(app, client, people):
    from planner.admin.operations import delete

    museum = make_venue(
        slug="small-museum", name={"en": "Small Museum"}, address="Rīgas iela 1", city="Cēsis"
    )
    token = submit_ok(client, venue=museum.slug, venue_name="", venue_city="", venue_country="")
    delete(museum, people["admin"])
    db.session.commit()
    submission = only_submission()
    assert submission.venue is None
    assert submission.venue_line == "Small Museum, Rīgas iela 1, Cēsis"
    assert "Small Museum" in client.get(f"/submit/{token}").get_data(as_text=True)
