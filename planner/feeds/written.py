"""Fragments written with the events: a write renders the VEVENTs of the events it changed.

When a transaction that created or changed events commits, their fragments are rendered in
every feed language and stored in the same transaction (planner.feeds.fragments). A feed read
next assembles stored bytes and renders nothing, however many events it holds: the first
request for a feed costs what reading its fragments costs, not a render of every event.

Only the events written are rendered here. An edit of a venue, an organisation or a day of
remembrance leaves its events' fragments stale (their keys name its last change), and the next
feed that holds them renders them then: a day of remembrance may have thousands of events, too
many to render in an organiser's request.

A fragment that cannot be rendered here is left to the feed (which renders what is missing),
with the error logged: a write never fails because of its fragments.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from urllib.parse import urlsplit

from flask import current_app, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from planner.dataversion import cache_epoch
from planner.events.models import Event, EventOrganisation
from planner.extensions import db
from planner.feeds import fragments, ical
from planner.feeds.cache import fragment_context
from planner.feeds.queries import feed_selection, public_selection
from planner.urls import site_root

# Session.info keys: the ids of the events written since the last commit, and a guard.
WRITTEN = "feeds.written_events"
RENDERING = "feeds.rendering_fragments"


@event.listens_for(Session, "after_flush")
def _note_written_events(session: Session, _flush_context) -> None:
    if session.info.get(RENDERING):
        return
    written = session.info.setdefault(WRITTEN, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Event) and obj not in session.deleted:
            written.add(obj.id)
        elif isinstance(obj, EventOrganisation):  # a host added or removed
            written.add(obj.event_id)


@event.listens_for(Session, "after_rollback")
def _forget_written_events(session: Session) -> None:
    if not session.in_nested_transaction():  # a SAVEPOINT undone leaves the rest to commit
        session.info.pop(WRITTEN, None)


@event.listens_for(Session, "before_commit")
def _render_written_events(session: Session) -> None:
    # Also called as each SAVEPOINT is released (operations use several per event): only the
    # transaction's own commit renders, once for all the events it wrote.
    if session.in_nested_transaction():
        return
    if session.info.get(RENDERING) or not has_app_context() or not _is_the_apps(session):
        return
    session.flush()  # the commit's own flush comes after this hook: its events count too
    written = session.info.pop(WRITTEN, None)
    if not written:
        return
    base = site_root()
    # Links are built for the public base URL; with none configured outside a request, or
    # one under a path, the feed renders them for its own request instead.
    if not has_request_context() and (not base or urlsplit(base).path not in ("", "/")):
        return
    session.info[RENDERING] = True
    try:
        with session.begin_nested(), _request_for(base):
            render(session, sorted(written))
    except Exception:
        current_app.logger.exception("fragments of events %s not rendered", sorted(written))
    finally:
        session.info[RENDERING] = False


def _is_the_apps(session: Session) -> bool:
    """Fragments are read and stored through `db.session`: another session's writes are
    left to the feeds."""
    return db.session.registry.has() and db.session.registry() is session


def render(session: Session, event_ids: list[int]) -> None:
    """Store current fragments of the public ones of `event_ids`, in every feed language."""
    context = fragment_context(site_root(), cache_epoch(session))
    selection = public_selection().where(Event.id.in_(event_ids))
    for lang in ical.FEED_LANGUAGES:
        fragments.complete(fragments.stale(selection, lang, context), lang, ical.event_fragment)


def render_feed_window(today: date, past_days: int, progress=None) -> dict[str, int]:
    """Render every missing or stale fragment of the events the feeds hold (the feed window),
    in every feed language, committing each language's: after a deploy that changed what every
    fragment depends on (catalogues, SITE_URL, the format), the feeds then render nothing.

    Needs an app context with SITE_URL (a public base URL at its root). Returns the number of
    fragments rendered per language; `progress(lang, count)` is told of each language's.
    """
    base = site_root()
    if not base or urlsplit(base).path not in ("", "/"):
        raise ValueError("SITE_URL must name the public base URL (scheme and host)")
    rendered = {}
    with _request_for(base):
        context = fragment_context(base, cache_epoch())
        selection = feed_selection(None, today, past_days)
        for lang in ical.FEED_LANGUAGES:
            missing = fragments.stale(selection, lang, context)
            fragments.complete(missing, lang, ical.event_fragment)
            db.session.commit()
            rendered[lang] = len(missing)
            if progress is not None:
                progress(lang, len(missing))
    return rendered


def _request_for(base: str):
    """A request for the public base URL when there is none (a command): URLs are built
    against the request (Flask builds none outside one without SERVER_NAME)."""
    if has_request_context():
        return nullcontext()
    return current_app.test_request_context(base_url=base)
