"""Planning and editing an event, and the event's own page in the organiser area."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from planner.accounts.permissions import plannable_organisations
from planner.audit.presentation import readable_entries
from planner.audit.queries import event_trail
from planner.commemorations.models import Commemoration
from planner.db import ValidationError
from planner.events.fields import FORM_LANGUAGES
from planner.events.lifecycle import ClashError, StaleEditError, allowed_steps, find_clashes
from planner.events.models import Event, EventKind, EventStatus
from planner.events.operations import edit_event, plan_event
from planner.events.planning import (
    fill_suggested_titles,
    merge_texts,
    read_suggestions,
    refresh_suggested_titles,
    suggestion_languages,
    venue_language,
)
from planner.extensions import db
from planner.i18n import current_language
from planner.manage import bp
from planner.manage.common import by_slug_or_404, editable_event, stale_message
from planner.manage.forms import EventForm
from planner.manage.stale import changes_between, original_values, sent_values
from planner.manage.step_forms import ActionForm, CancelForm, PostponeForm
from planner.venues.models import Venue


def _set(field, value) -> None:
    """Replace what a field shows (what was typed would otherwise win)."""
    field.data = value
    field.raw_data = None


def _suggest(form: EventForm, commemoration: Commemoration) -> None:
    """Fill the date (the next day of remembrance) and the suggested titles."""
    chosen: date | None = form.day.data
    day = commemoration.next_occurrence()
    # A later year's day of remembrance that the organiser already chose is kept.
    if chosen and day and chosen > day and commemoration.occurrence_in(chosen.year) == chosen:
        day = chosen
    if day is None:
        form.commemoration.errors = [gettext("This day of remembrance has no coming date.")]
        return
    _set(form.commemoration, commemoration.slug)
    _set(form.day, day)
    kind = form.kind.data if form.kind.data in {k.value for k in EventKind} else EventKind.VIGIL
    languages = suggestion_languages(current_language(), form.chosen_venue)
    suggested = getattr(form, "suggested", {})
    _show_titles(
        form, *fill_suggested_titles(_titles(form), suggested, commemoration, day, kind, languages)
    )


def _titles(form: EventForm) -> dict[str, str]:
    return {lang: getattr(form, f"title_{lang}").data or "" for lang in FORM_LANGUAGES}


def _show_titles(form: EventForm, titles: dict[str, str], suggested: dict[str, str]) -> None:
    for lang in FORM_LANGUAGES:
        if titles.get(lang) != getattr(form, f"title_{lang}").data:
            _set(getattr(form, f"title_{lang}"), titles[lang])
    form.suggested = suggested


def _follow_suggestions(form: EventForm) -> None:
    """Suggested titles the organiser left as they were follow the date and kind chosen since."""
    form.suggested = read_suggestions(request.form.get("suggested_titles"))
    if not form.suggested:
        return
    kind = form.kind.data if form.kind.data in {k.value for k in EventKind} else EventKind.VIGIL
    commemoration = form.chosen(Commemoration, form.commemoration.data)
    day = form.day.data if isinstance(form.day.data, date) else None
    _show_titles(
        form, *refresh_suggested_titles(_titles(form), form.suggested, commemoration, day, kind)
    )


def _render_form(form: EventForm, event: Event | None = None, status: int = 200, **context):
    venue = form.chosen_venue
    page = render_template(
        "manage/event_form.html",
        form=form,
        event=event,
        venue=venue,
        local_language=venue_language(venue),
        languages=FORM_LANGUAGES,
        **context,
    )
    return page, status


def _helped(form: EventForm, event: Event | None):
    """The form's helper buttons (suggest, preview): they change nothing in the database."""
    _follow_suggestions(form)
    if form.suggest.data:
        commemoration = form.chosen(Commemoration, form.commemoration.data)
        if commemoration is None:
            form.commemoration.errors = [
                gettext("Choose a day of remembrance first, then press the button again.")
            ]
        else:
            _suggest(form, commemoration)
            flash(
                gettext("The date and the title were filled in. Check them before saving."),
                "info",
            )
        return _render_form(form, event)
    if form.preview.data:
        return _render_form(form, event, previews=form.previews())
    return None


@bp.route("/events/new", methods=["GET", "POST"])
def plan():
    if not db.session.execute(plannable_organisations(current_user).limit(1)).first():
        abort(
            403,
            description=gettext(
                "You are not a member of any organising group yet. Ask an organisation's owner "
                "to invite you."
            ),
        )
    form = EventForm.build(current_user)
    if request.method == "GET":
        if request.args.get("venue"):
            _set(form.venue, by_slug_or_404(Venue, request.args["venue"]).slug)
        if request.args.get("commemoration"):
            _suggest(form, by_slug_or_404(Commemoration, request.args["commemoration"]))
        return _render_form(form)
    helped = _helped(form, None)
    if helped is not None:
        return helped
    if not form.validate_on_submit():
        return _render_form(form, status=422)
    try:
        event = plan_event(
            **form.event_values(),
            organisations=form.organisations,
            actor=current_user,
            clash_acknowledged=form.confirm_clash.data,
        )
    except ClashError as clash:
        return _render_form(form, status=409, clashes=clash.clashes)
    except ValidationError as error:
        form.show_error(error)
        return _render_form(form, status=422)
    flash(
        gettext(
            "Saved as a draft: only your organisation sees it. Preview it, then publish it "
            "when it is ready."
        ),
        "success",
    )
    return redirect(url_for("manage.event", slug=event.slug), 303)


def _stale_form(form: EventForm, error: StaleEditError):
    """The current version, what the other person changed, and what this organiser changed."""
    event = error.event
    current = EventForm.build(current_user, event, formdata=None)
    current.fill_from(event)
    now, sent = current.shown_values(), sent_values(request.form)
    opened = original_values(form)
    return _render_form(
        current,
        event,
        status=409,
        stale=stale_message(error),
        theirs=changes_between(current, opened, now) if opened else None,
        yours=changes_between(current, opened or now, sent),
    )


def _saved_message(changes: dict, event: Event) -> tuple[str, str]:
    if not changes:
        return gettext("Nothing was changed."), "info"
    message = gettext("Your changes were saved.")
    if event.is_public:
        message += " " + gettext("They are on the public pages and in calendar feeds now.")
    return message, "success"


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    event = editable_event(slug)
    form = EventForm.build(current_user, event)
    if request.method == "GET":
        form.fill_from(event)
        return _render_form(form, event)
    helped = _helped(form, event)
    if helped is not None:
        return helped
    if not form.validate_on_submit():
        return _render_form(form, event, status=422)
    values = form.event_values()
    values["title"] = merge_texts(event.title, values["title"], FORM_LANGUAGES)
    values["description"] = merge_texts(event.description, values["description"], FORM_LANGUAGES)
    try:
        changes = edit_event(
            event,
            current_user,
            expected_version=form.version.data,
            organisations=form.organisations,
            clash_acknowledged=form.confirm_clash.data,
            timezone=form.venue_obj.timezone,
            **values,
        )
    except StaleEditError as error:
        return _stale_form(form, error)
    except ClashError as clash:
        return _render_form(form, event, status=409, clashes=clash.clashes)
    except ValidationError as error:
        form.show_error(error)
        return _render_form(form, event, status=422)
    flash(*_saved_message(changes, event))
    return redirect(url_for("manage.event", slug=event.slug), 303)


def render_event(
    event: Event,
    *,
    postpone_form: PostponeForm | None = None,
    cancel_form: CancelForm | None = None,
    status: int = 200,
    **context,
):
    """The event's manage page: its facts, the steps its status allows, its history."""
    version = {"version": event.version}
    clashing = []
    if event.status != EventStatus.CANCELLED:
        clashing = find_clashes(event.venue, event.starts_at, event.ends_at, exclude=event)
    trail = db.session.execute(event_trail(event.id)).scalars()
    local = venue_language(event.venue)
    page = render_template(
        "manage/event.html",
        event=event,
        actions=allowed_steps(event),
        clashes=clashing,
        trail=readable_entries(trail, event.zone),
        # One form per step; the prefixes keep their fields' ids apart on the page.
        publish_form=ActionForm(formdata=None, data=version, prefix="publish"),
        restore_form=ActionForm(formdata=None, data=version, prefix="restore"),
        plan_again_form=ActionForm(formdata=None, data=version, prefix="plan-again"),
        postpone_form=postpone_form or PostponeForm.build(event, formdata=None, prefix="postpone"),
        cancel_form=cancel_form or CancelForm(formdata=None, data=version, prefix="cancel"),
        note_languages=["en", local] if local else ["en"],
        **context,
    )
    return page, status


@bp.get("/events/<slug>")
def event(slug: str):
    return render_event(editable_event(slug))


@bp.get("/events/<slug>/preview")
def preview(slug: str):
    # The public page itself, without what only a published event has (feeds, poster).
    return render_template("events/show.html", event=editable_event(slug), preview=True)
