"""The activity trail reads as sentences in the reader's language: who did what, roles named,
Markdown shown as text, never a stored code such as `accept_invitation`."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from planner.accounts import memberships, operations
from planner.events.operations import edit_event
from planner.extensions import db
from planner.organisations.models import Role
from tests.factories import make_event, make_organisation, make_user

# Stored codes (accept_invitation, status_note, venue_id…), and in Latvian the English ones.
RAW_CODES = re.compile(r"\b[a-z]+_[a-z_]+\b")
ENGLISH = re.compile(r"\b(invite|owner|editor|edited|published|created|description)\b", re.I)


def activity(client, lang: str) -> str:
    page = client.get(f"/manage/organisations/museum/activity?lang={lang}").get_data(as_text=True)
    trail = page[page.index('<ol class="trail">') : page.index("</ol>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", trail))


def test_the_organisations_activity_reads_as_sentences_in_english_and_latvian(client, login_as):
    museum = make_organisation(slug="museum", name={"en": "The Museum"})
    owner = make_user("anna@example.org", memberships={museum: "owner"})
    owner.display_name = "Anna Bērziņa"
    joined = make_user("janis@example.org")
    joined.display_name = "Jānis Kalniņš"
    db.session.commit()
    operations.invite(owner, "peteris@example.org", organisation=museum, role=Role.EDITOR)
    withdrawn, _token = operations.invite(
        owner, "later@example.org", organisation=museum, role=Role.OWNER
    )
    operations.revoke_invitation(owner, withdrawn)
    membership = memberships.add_member(owner, museum, joined, Role.EDITOR)
    memberships.change_role(owner, membership, Role.OWNER)
    event = make_event(
        organisations=[museum],
        title={"en": "Candle lighting"},
        starts_at=datetime(2091, 6, 14, 15, 0, tzinfo=UTC),
    )
    edit_event(
        event,
        owner,
        expected_version=event.version,
        description={"en": "Bring **a candle** and [read](https://example.org) the names."},
    )
    db.session.commit()
    login_as(owner)

    english = activity(client, "en")
    for said in (
        "Anna Bērziņa invited peteris@example.org to join as an editor.",
        "Anna Bērziņa invited later@example.org to join as an owner.",
        "Anna Bērziņa revoked the invitation of later@example.org to join as an owner.",
        "Anna Bērziņa added Jānis Kalniņš as an editor.",
        "Anna Bērziņa made Jānis Kalniņš an owner.",
        "Anna Bērziņa edited “Candle lighting”.",
        "English: Bring a candle and read (https://example.org) the names.",
    ):
        assert said in english, said
    assert "**" not in english
    assert not RAW_CODES.search(english), RAW_CODES.search(english)

    latvian = activity(client, "lv")
    for said in (
        "Anna Bērziņa nosūtīja ielūgumu uz adresi peteris@example.org redaktora lomā.",
        "Anna Bērziņa atsauca ielūgumu uz adresi later@example.org īpašnieka lomā.",
        "Anna Bērziņa pievienoja lietotāju Jānis Kalniņš redaktora lomā.",
        "Anna Bērziņa piešķīra lietotājam Jānis Kalniņš īpašnieka lomu.",
        "Anna Bērziņa rediģēja „Candle lighting”.",
    ):
        assert said in latvian, said
    assert not RAW_CODES.search(latvian), RAW_CODES.search(latvian)
    assert not ENGLISH.search(latvian), ENGLISH.search(latvian)
