"""Command-line tasks: `flask demo load`, `flask users create|set-password|grant`,
`flask bench generate`, `flask events import`, `flask feeds render`."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from planner.db import ValidationError
from planner.extensions import db

demo_cli = AppGroup("demo", help="The demo data set.")
users_cli = AppGroup("users", help="Accounts and memberships.")
bench_cli = AppGroup("bench", help="The benchmark's data set.")
events_cli = AppGroup("events", help="Events: importing a calendar file.")
feeds_cli = AppGroup("feeds", help="Feeds: rendering their events ahead of the requests.")


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demo commemorations, venues, organisations and upcoming events (idempotent)."""
    from planner.demo import load_demo

    try:
        counts = load_demo()
        db.session.commit()
    except (OperationalError, ProgrammingError):
        _fail("the database has no tables yet; run 'flask db upgrade' first")
    except ValidationError as error:
        _fail(f"demo data is invalid: {error}")
    added = ", ".join(f"{count} {name}" for name, count in counts.items())
    click.echo(f"Demo data loaded: added {added}.")


@users_cli.command("create")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Make the user a site administrator.")
@click.option("--name", default="", help="The name shown to other organisers.")
def users_create(email: str, admin: bool, name: str) -> None:
    """Create an account. The password is read from a prompt, or from standard input."""
    from planner.accounts.models import User, check_password_strength

    try:
        user = User(email=email, display_name=name, is_admin=admin)
    except ValidationError as error:
        _fail(str(error))
    if db.session.execute(select(User).where(User.email == user.email)).first():
        _fail(f"an account for {user.email} already exists")
    password = _read_new_password()
    try:
        check_password_strength(password)
        user.set_password(password)
    except ValidationError as error:
        _fail(str(error))
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {'administrator' if admin else 'user'} {user.email}.")


def _read_new_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@users_cli.command("set-password")
@click.argument("email")
def users_set_password(email: str) -> None:
    """Give an account a new password (for an organiser who has forgotten theirs)."""
    from planner.accounts.models import check_password_strength
    from planner.accounts.operations import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        _fail(f"there is no account for {email}")
    password = _read_new_password()
    try:
        check_password_strength(password)
        user.set_password(password)
    except ValidationError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"New password set for {user.email}.")


@users_cli.command("grant")
@click.argument("email")
@click.argument("organisation_slug")
@click.option("--role", type=click.Choice(["editor", "owner"]), required=True)
def users_grant(email: str, organisation_slug: str, role: str) -> None:
    """Give a user a role (editor or owner) in an organisation, by the same rules as the web."""
    from planner.accounts.memberships import grant_role
    from planner.accounts.operations import find_user_by_email
    from planner.organisations.models import Organisation, Role
    from planner.web import is_slug

    user = find_user_by_email(email)
    if user is None:
        _fail(f"there is no account for {email}")
    organisation = None
    if is_slug(organisation_slug):
        organisation = db.session.execute(
            select(Organisation).where(Organisation.slug == organisation_slug)
        ).scalar_one_or_none()
    if organisation is None:
        _fail(f"no organisation with the slug {organisation_slug!r}")
    try:
        grant_role(None, user, organisation, Role(role))
    except ValidationError as error:
        _fail(f"{user.email} keeps their role: {error.message}")
    db.session.commit()
    click.echo(f"{user.email} is now {role} of {organisation.slug}.")


@bench_cli.command("generate")
@click.option("--events", type=click.IntRange(min=0), default=1000, show_default=True)
@click.option("--venues", type=click.IntRange(min=1), default=40, show_default=True)
@click.option("--organisations", type=click.IntRange(min=1), default=30, show_default=True)
@click.option("--seed", type=int, default=1941, show_default=True)
def bench_generate(events: int, venues: int, organisations: int, seed: int) -> None:
    """Fill the database with a benchmark catalogue through the real operations."""
    from planner.bench.generate import generate, is_generated

    try:
        if is_generated():
            _fail("this database already holds a benchmark catalogue; start from an empty one")
        counts = generate(events=events, venues=venues, organisations=organisations, seed=seed)
        db.session.commit()
    except (OperationalError, ProgrammingError):
        _fail("the database has no tables yet; run 'flask db upgrade' first")
    # Statistics for the planner, as a database in use has them (PostgreSQL's autovacuum
    # gathers them in time; SQLite only when asked): without them SQLite walks the public
    # events by their status index and sorts them, instead of reading them in start order.
    # PostgreSQL's tables are vacuumed too: the autovacuum a bulk load sets off would run
    # during whatever is measured next.
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as own:
            # Far longer than a web request's statement timeout: the trigram index's pending
            # entries are merged into it here.
            own.execute(text("SET statement_timeout = 0"))
            own.execute(text("VACUUM ANALYZE"))
            # The load's dirty pages written now, not by a timed checkpoint spread over what is
            # measured next (one ran through the 50k cases of a bench run).
            try:
                own.execute(text("CHECKPOINT"))
            except ProgrammingError:
                click.echo(
                    "CHECKPOINT is not allowed for this role: the server writes the new pages "
                    "on its own schedule."
                )
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    click.echo(
        f"Generated {counts.events} events at {counts.venues} venues "
        f"by {counts.organisations} organisations (seed {seed})."
    )


@feeds_cli.command("render")
def feeds_render() -> None:
    """Render the stored VEVENT of every event the feeds hold, where missing or stale.

    Run after a restore, or a deploy that changed translations, SITE_URL or the way events are
    written: otherwise the first request for a large feed renders every event (seconds at
    50,000 events; bench/RESULTS.md has the time).
    """
    import time

    from flask import current_app

    from planner.db import now_utc
    from planner.feeds.written import render_feed_window

    started = time.perf_counter()
    try:
        rendered = render_feed_window(
            now_utc().date(),
            int(current_app.config["FEED_PAST_DAYS"]),
            progress=lambda lang, count: click.echo(f"{lang}: {count} rendered"),
        )
    except ValueError as error:
        _fail(str(error))
    except (OperationalError, ProgrammingError):
        _fail("the database has no tables yet; run 'flask db upgrade' first")
    seconds = time.perf_counter() - started
    click.echo(f"{sum(rendered.values())} fragments rendered in {seconds:.1f} s.")


@events_cli.command("import")
@click.argument("path", metavar="FILE", required=False, default="")
@click.option("--organisation", "organisation_slug", default="", help="The organisation's slug.")
@click.option("--lang", default="en", help="The language of the file's text (en, et, lv, lt).")
@click.option("--venue", "venue_slug", default="", help="The venue for places that match none.")
def events_import(path: str, organisation_slug: str, lang: str, venue_slug: str) -> None:
    """Import an iCalendar file into an organisation: each event becomes a draft (or updates
    the one imported before from the same UID)."""
    from planner.i18n import LANGUAGES
    from planner.imports.operations import apply_plan, plan_import
    from planner.imports.reading import MAX_BYTES, UnreadableCalendar
    from planner.imports.report import report_lines
    from planner.organisations.models import Organisation
    from planner.venues.models import Venue

    if not path:
        _fail("name the calendar file: flask events import FILE --organisation SLUG")
    if not organisation_slug:
        _fail("name the organisation with --organisation SLUG")
    if lang not in LANGUAGES:
        _fail(f"--lang must be one of {', '.join(LANGUAGES)}")
    organisation = _one(Organisation, organisation_slug, "organisation")
    venue = _one(Venue, venue_slug, "venue") if venue_slug else None
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        _fail(f"cannot read {path}: {error.strerror}")
    try:
        plan = plan_import(organisation, data, lang=lang, fallback=venue)
    except UnreadableCalendar as error:
        _fail(str(error.message))
    apply_plan(plan, None)
    db.session.commit()
    for line in report_lines(plan):
        click.echo(line)


def _one(model: type, slug: str, name: str):
    from planner.web import is_slug

    found = None
    if is_slug(slug):
        found = db.session.execute(select(model).where(model.slug == slug)).scalar_one_or_none()
    if found is None:
        _fail(f"no {name} with the slug {slug!r}")
    return found
