"""The command line: demo data, accounts and memberships."""

from sqlalchemy import func, select

from planner.accounts.models import User
from planner.audit.models import AuditEntry
from planner.commemorations.models import Commemoration
from planner.events.models import Event, EventStatus
from planner.extensions import db
from planner.organisations.models import Membership, Organisation, Role
from planner.venues.models import Venue
from tests.factories import make_organisation, make_user


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_demo_load_is_idempotent(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    totals = [count(model) for model in (Commemoration, Venue, Organisation, Event)]
    assert all(totals), totals
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert "added 0 commemorations, 0 venues, 0 organisations, 0 events" in second.output
    assert [count(model) for model in (Commemoration, Venue, Organisation, Event)] == totals


def test_demo_data_holds_the_real_starting_set(runner):
    runner.invoke(args=["demo", "load"])
    june = db.session.execute(
        select(Commemoration).where(Commemoration.slug == "june-deportation-1941")
    ).scalar_one()
    assert june.rrule == "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14"
    assert june.name["lv"] == "Komunistiskā genocīda upuru piemiņas diena"
    assert june.name["et"] == "leinapäev"
    assert set(june.countries) == {"LV", "EE", "LT"}
    march = db.session.execute(
        select(Commemoration).where(Commemoration.slug == "march-deportation-1949")
    ).scalar_one()
    # 25 March has a statutory name only in Latvia.
    assert set(march.name) == {"en", "lv"}
    monument = db.session.execute(
        select(Venue).where(Venue.slug == "freedom-monument-riga")
    ).scalar_one()
    assert (monument.timezone, monument.latitude) == ("Europe/Riga", 56.9514)
    # Unverified coordinates are left out, not guessed.
    naujoji = db.session.execute(
        select(Venue).where(Venue.slug == "naujoji-vilnia-station-memorial")
    ).scalar_one()
    assert naujoji.latitude is None
    slugs = set(db.session.execute(select(Organisation.slug)).scalars())
    assert {
        "helsinki-86",
        "museum-occupation-latvia-org",
        "estonian-institute-historical-memory",
    } <= slugs
    events = db.session.execute(select(Event)).scalars().all()
    assert all(event.status == EventStatus.SCHEDULED for event in events)
    assert all(event.commemoration is not None for event in events)


def test_create_user_reads_the_password_from_stdin(runner):
    result = runner.invoke(
        args=["users", "create", "Organiser@Example.org"], input="a long enough password\n"
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User)).scalar_one()
    assert user.email == "organiser@example.org"
    assert user.check_password("a long enough password")
    assert not user.is_admin


def test_create_admin(runner):
    result = runner.invoke(
        args=["users", "create", "admin@example.org", "--admin"], input="a long enough password\n"
    )
    assert result.exit_code == 0
    assert db.session.execute(select(User.is_admin)).scalar_one() is True


def test_create_user_with_bad_input_writes_nothing(runner):
    short = runner.invoke(args=["users", "create", "a@example.org"], input="short\n")
    assert short.exit_code != 0
    assert "at least 10 characters" in short.output
    bad_email = runner.invoke(args=["users", "create", "not-an-email"], input="long enough pw\n")
    assert bad_email.exit_code != 0
    assert "email" in bad_email.output.lower()
    assert count(User) == 0


def test_create_user_twice_is_refused(runner):
    runner.invoke(args=["users", "create", "a@example.org"], input="a long enough password\n")
    again = runner.invoke(args=["users", "create", "a@example.org"], input="another password!\n")
    assert again.exit_code != 0
    assert "already exists" in again.output


def test_grant_a_role_in_an_organisation(runner):
    runner.invoke(args=["demo", "load"])
    runner.invoke(args=["users", "create", "a@example.org"], input="a long enough password\n")
    result = runner.invoke(
        args=["users", "grant", "a@example.org", "helsinki-86", "--role", "editor"]
    )
    assert result.exit_code == 0, result.output
    membership = db.session.execute(select(Membership)).scalar_one()
    assert (membership.organisation.slug, membership.role) == ("helsinki-86", Role.EDITOR)
    owner = runner.invoke(
        args=["users", "grant", "a@example.org", "helsinki-86", "--role", "owner"]
    )
    assert owner.exit_code == 0
    assert db.session.execute(select(Membership.role)).scalar_one() == Role.OWNER


def test_grant_with_bad_arguments_fails_with_one_line(runner):
    runner.invoke(args=["users", "create", "a@example.org"], input="a long enough password\n")
    no_org = runner.invoke(args=["users", "grant", "a@example.org", "nowhere", "--role", "editor"])
    assert no_org.exit_code != 0
    assert "no organisation with the slug 'nowhere'" in no_org.output
    no_user = runner.invoke(args=["users", "grant", "b@example.org", "nowhere", "--role", "editor"])
    assert no_user.exit_code != 0
    bad_role = runner.invoke(args=["users", "grant", "a@example.org", "x", "--role", "king"])
    assert bad_role.exit_code != 0
    assert count(Membership) == 0


def test_grant_finds_the_account_as_sign_in_does_and_leaves_an_audit_entry(runner):
    museum = make_organisation(slug="museum")
    make_user("ieva@example.org")
    result = runner.invoke(
        args=["users", "grant", "  Ieva@EXAMPLE.org ", "museum", "--role", "editor"]
    )
    assert result.exit_code == 0, result.output
    assert "ieva@example.org is now editor of museum." in result.output
    membership = db.session.execute(select(Membership)).scalar_one()
    assert (membership.organisation_id, membership.role) == (museum.id, Role.EDITOR)
    entry = db.session.execute(select(AuditEntry)).scalar_one()
    assert (entry.action, entry.organisation_id, entry.actor) == ("add_member", museum.id, "system")
    assert entry.changes == {"role": [None, "editor"]}


def test_grant_never_demotes_the_last_owner(runner):
    museum = make_organisation(slug="museum")
    make_user("owner@example.org", memberships={museum: "owner"})
    result = runner.invoke(
        args=["users", "grant", "owner@example.org", "museum", "--role", "editor"]
    )
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert lines == [
        "Error: owner@example.org keeps their role: an organisation needs at least one owner"
    ]
    db.session.expire_all()
    assert db.session.execute(select(Membership.role)).scalar_one() == Role.OWNER
    assert count(AuditEntry) == 0


def test_grant_to_a_malformed_address_or_slug_writes_nothing(runner):
    make_organisation(slug="museum")
    make_user("ieva@example.org")
    for args in (["not an address", "museum"], ["ieva@example.org", "museum\x00"]):
        result = runner.invoke(args=["users", "grant", *args, "--role", "editor"])
        assert result.exit_code != 0
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert count(Membership) == count(AuditEntry) == 0


def test_an_administrator_sets_a_new_password_for_an_organiser_who_forgot_theirs(runner, client):
    runner.invoke(args=["users", "create", "organiser@example.org"], input="the forgotten one\n")
    result = runner.invoke(
        args=["users", "set-password", "Organiser@example.org"], input="a fresh long password\n"
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User)).scalar_one()
    db.session.refresh(user)
    assert user.check_password("a fresh long password")
    assert not user.check_password("the forgotten one")
    assert "set a new one for you" in client.get("/login").get_data(as_text=True)


def test_set_password_for_no_account_or_a_weak_password_fails(runner):
    result = runner.invoke(args=["users", "set-password", "nobody@example.org"], input="x\n")
    assert result.exit_code != 0 and "no account" in result.output
    runner.invoke(args=["users", "create", "organiser@example.org"], input="the first password\n")
    result = runner.invoke(args=["users", "set-password", "organiser@example.org"], input="x\n")
    assert result.exit_code != 0
    user = db.session.execute(select(User)).scalar_one()
    db.session.refresh(user)
    assert user.check_password("the first password")
