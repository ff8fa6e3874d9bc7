"""The organiser area: the dashboard, planning and editing events, their lifecycle, the trail.

Every route needs a signed-in user; every event route checks that the user may edit the event.
The rules are in planner.events (operations, planning) and planner.accounts.permissions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from planner.accounts.permissions import can_edit_event, can_plan_for, plannable_organisations
from planner.audit.presentation import local_moment, readable_entries
from planner.audit.queries import event_trail, organisation_trail
from planner.commemorations.models import Commemoration
from planner.countries import country_zone
from planner.db import ValidationError
from planner.events.dashboard import build_dashboard
from planner.events.filters import parse_page
from planner.events.labels import KIND_LABELS, STATUS_LABELS
from planner.events.models import Event, EventKind, EventStatus
from planner.events.operations import (
    StaleEditError,
    cancel,
    check_version,
    delete_draft,
    edit_event,
    plan_again,
    plan_event,
    postpone,
    publish,
    restore,
)
from planner.events.planning import (
    FORM_LANGUAGES,
    LANGUAGE_NAMES,
    available_actions,
    fill_suggested_titles,
    find_clashes,
    local_instants,
    merge_texts,
    moves,
    read_suggestions,
    refresh_suggested_titles,
    suggestion_languages,
    venue_language,
)
from planner.events.queries import with_details
from planner.extensions import db, login_manager
from planner.i18n import current_language
from planner.manage.forms import ActionForm, CancelForm, EventForm, PostponeForm
from planner.organisations.models import Organisation
from planner.pagination import paginate
from planner.timeutil import local_to_utc
from planner.venues.models import Venue

bp = Blueprint("manage", __name__, url_prefix="/manage")

ACTIVITY_PER_PAGE = 50


@bp.before_request
def require_sign_in():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.record_once
def _template_helpers(state) -> None:
    # Globals, not a context processor: imported macros see globals only.
    state.app.jinja_env.globals.update(
        kind_label=lambda kind: KIND_LABELS[EventKind(kind)],
        status_label=lambda status: STATUS_LABELS[EventStatus(status)],
        language_names=LANGUAGE_NAMES,
    )


def _editable_event(slug: str) -> Event:
    """The event, if the signed-in user may edit it: 404 when unknown, 403 when not theirs."""
    event = db.session.execute(
        with_details(select(Event).where(Event.slug == slug))
    ).scalar_one_or_none()
    if event is None:
        abort(404, description=gettext("There is no event at this address."))
    if not can_edit_event(current_user, event):
        abort(
            403,
            description=gettext(
                "Only members of the organisations that organise this event can manage it."
            ),
        )
    return event


_NOT_FOUND = {
    Venue: lazy_gettext("No venue has the slug %(slug)s."),
    Commemoration: lazy_gettext("No day of remembrance has the slug %(slug)s."),
    Organisation: lazy_gettext("No organisation has the slug %(slug)s."),
}


def _by_slug_or_404(model: type, slug: str) -> Any:
    found = db.session.execute(select(model).where(model.slug == slug)).scalar_one_or_none()
    if found is None:
        abort(404, description=str(_NOT_FOUND[model]) % {"slug": slug})
    return found


def stale_message(error: StaleEditError, event: Event) -> str:
    when = local_moment(error.changed_at, event.zone) if error.changed_at else ""
    if error.changed_by:
        return gettext(
            "This event was changed by %(name)s at %(time)s while you were editing. "
            "Your changes were not saved: review the current version below, then make your "
            "changes again.",
            name=error.changed_by,
            time=when,
        )
    return gettext(
        "This event was changed at %(time)s while you were editing. Your changes were not "
        "saved: review the current version below, then make your changes again.",
        time=when,
    )


# The dashboard ---------------------------------------------------------------------------


@bp.get("/")
def dashboard():
    return render_template("manage/dashboard.html", board=build_dashboard(current_user))


# Planning and editing --------------------------------------------------------------------


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
    _show_titles(
        form,
        *fill_suggested_titles(
            _titles(form), getattr(form, "suggested", {}), commemoration, day, kind, languages
        ),
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
    return (
        render_template(
            "manage/event_form.html",
            form=form,
            event=event,
            venue=venue,
            local_language=venue_language(venue),
            languages=FORM_LANGUAGES,
            **context,
        ),
        status,
    )


def _handle_helpers(form: EventForm, event: Event | None):
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
            _set(form.venue, _by_slug_or_404(Venue, request.args["venue"]).slug)
        if request.args.get("commemoration"):
            commemoration = _by_slug_or_404(Commemoration, request.args["commemoration"])
            _suggest(form, commemoration)
        return _render_form(form)
    helped = _handle_helpers(form, None)
    if helped is not None:
        return helped
    if not form.validate_on_submit():
        return _render_form(form)
    clashing = find_clashes(form.venue_obj, form.starts_at, form.ends_at)
    if clashing and not form.confirm_clash.data:
        return _render_form(form, clashes=clashing)
    event = plan_event(
        title=form.titles(),
        description=form.descriptions(),
        kind=EventKind(form.kind.data),
        commemoration=form.commemoration_obj,
        venue=form.venue_obj,
        starts_at=form.starts_at,
        ends_at=form.ends_at,
        organisations=form.organisations,
        actor=current_user,
    )
    db.session.commit()
    flash(
        gettext(
            "Saved as a draft: only your organisation sees it. Preview it, then publish it "
            "when it is ready."
        ),
        "success",
    )
    return redirect(url_for("manage.event", slug=event.slug), 303)


def _unsaved_changes(form: EventForm, current: EventForm) -> list[tuple[str, str]]:
    """What the organiser typed that differs from the current version: (label, their value)."""
    names = [
        "organisation",
        "commemoration",
        "venue",
        "day",
        "start_time",
        "end_time",
        "end_day",
        "kind",
        *(f"title_{lang}" for lang in FORM_LANGUAGES),
        *(f"description_{lang}" for lang in FORM_LANGUAGES),
    ]
    differences = []
    for name in names:
        field = getattr(current, name)
        theirs = (request.form.get(name) or "").strip()
        if hasattr(field, "_value"):
            ours = str(field._value() or "").strip()
        else:  # a select: compare the chosen values, show the chosen label
            ours = str(field.data or "")
        if theirs == ours or (name.endswith("_time") and theirs[:5] == ours[:5]):
            continue
        shown = theirs
        for choice in getattr(field, "choices", None) or []:
            if choice.value == theirs:
                shown = str(choice.label)
        differences.append((str(field.label.text), shown))
    return differences


def _stale_form(form: EventForm, event: Event, error: StaleEditError):
    current = EventForm.build(current_user, event, formdata=None)
    current.fill_from(event)
    return _render_form(
        current,
        event,
        status=409,
        stale=stale_message(error, event),
        unsaved=_unsaved_changes(form, current),
    )


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    event = _editable_event(slug)
    form = EventForm.build(current_user, event)
    if request.method == "GET":
        form.fill_from(event)
        return _render_form(form, event)
    helped = _handle_helpers(form, event)
    if helped is not None:
        return helped
    if not form.validate_on_submit():
        return _render_form(form, event)
    # A missing version counts as stale: an edit must say which version it changes.
    expected = form.version.data if form.version.data is not None else 0
    event_id = event.id
    try:
        check_version(event, expected)
        if moves(event, form.venue_obj.id, form.starts_at, form.ends_at):
            clashing = find_clashes(form.venue_obj, form.starts_at, form.ends_at, exclude=event)
            if clashing and not form.confirm_clash.data:
                return _render_form(form, event, clashes=clashing)
        changes = edit_event(
            event,
            current_user,
            expected_version=expected,
            organisations=form.organisations,
            title=merge_texts(event.title, form.titles(), FORM_LANGUAGES),
            description=merge_texts(event.description, form.descriptions(), FORM_LANGUAGES),
            kind=EventKind(form.kind.data),
            commemoration=form.commemoration_obj,
            venue=form.venue_obj,
            timezone=form.venue_obj.timezone,
            starts_at=form.starts_at,
            ends_at=form.ends_at,
        )
        db.session.commit()
    except StaleEditError as error:
        db.session.rollback()
        return _stale_form(form, error.event, error)
    except StaleDataError:
        # Another save landed between reading the event and writing it.
        db.session.rollback()
        event = db.session.get(Event, event_id, populate_existing=True)
        return _stale_form(form, event, StaleEditError(event))
    if changes:
        message = gettext("Your changes were saved.")
        if event.is_public:
            message += " " + gettext("They are on the public pages and in calendar feeds now.")
        flash(message, "success")
    else:
        flash(gettext("Nothing was changed."), "info")
    return redirect(url_for("manage.event", slug=event.slug), 303)


# The event's manage page and preview -----------------------------------------------------


def _render_event(
    event: Event,
    *,
    postpone_form: PostponeForm | None = None,
    cancel_form: CancelForm | None = None,
    status: int = 200,
    **context,
):
    version = {"version": event.version}
    clashing = (
        find_clashes(event.venue, event.starts_at, event.ends_at, exclude=event)
        if event.status != EventStatus.CANCELLED
        else []
    )
    trail = db.session.execute(event_trail(event.id)).scalars()
    return (
        render_template(
            "manage/event.html",
            event=event,
            actions=available_actions(event),
            clashes=clashing,
            trail=readable_entries(trail, event.zone),
            # One form per step; the prefixes keep their fields' ids apart on the page.
            publish_form=ActionForm(formdata=None, data=version, prefix="publish"),
            restore_form=ActionForm(formdata=None, data=version, prefix="restore"),
            plan_again_form=ActionForm(formdata=None, data=version, prefix="plan-again"),
            postpone_form=postpone_form
            or PostponeForm(formdata=None, data=version, prefix="postpone"),
            cancel_form=cancel_form or CancelForm(formdata=None, data=version, prefix="cancel"),
            note_languages=_note_languages(event),
            **context,
        ),
        status,
    )


def _note_languages(event: Event) -> list[str]:
    local = venue_language(event.venue)
    return ["en", local] if local else ["en"]


@bp.get("/events/<slug>")
def event(slug: str):
    return _render_event(_editable_event(slug))


@bp.get("/events/<slug>/preview")
def preview(slug: str):
    # The public page itself, without what only a published event has (feeds, poster).
    return render_template("events/show.html", event=_editable_event(slug), preview=True)


# Lifecycle steps -------------------------------------------------------------------------


class _AskAgain(Exception):
    """A step that needs the organiser to confirm something first: shows `response`."""

    def __init__(self, response: Any):
        super().__init__("confirmation needed")
        self.response = response


def _step(
    slug: str,
    action: str,
    form_class: type,
    run: Callable[[Event, Any], tuple[str, str | None]],
    *,
    invalid: Callable[[Event, Any], Any] | None = None,
) -> Any:
    """Run one lifecycle step: only when the status allows it, never over a newer version."""
    event = _editable_event(slug)
    # Each step's form is prefixed with its name in the URL (publish-version, …).
    form = form_class(prefix=action.replace("_", "-"))
    back = url_for("manage.event", slug=event.slug)
    if action not in available_actions(event):
        flash(
            gettext(
                "That step is not possible while the event is %(status)s.",
                status=STATUS_LABELS[event.status],
            ),
            "error",
        )
        return redirect(back, 303)
    if not form.validate_on_submit():
        if invalid is not None:
            return invalid(event, form)
        flash(gettext("The form was not complete. Please try again."), "error")
        return redirect(back, 303)
    try:
        message, target = run(event, form)
        db.session.commit()
    except StaleEditError as error:
        db.session.rollback()
        flash(stale_message(error, error.event), "error")
    except StaleDataError:
        db.session.rollback()
        fresh = db.session.get(Event, event.id, populate_existing=True)
        flash(stale_message(StaleEditError(fresh), fresh), "error")
    except _AskAgain as question:
        db.session.rollback()
        return question.response
    except ValidationError as error:
        db.session.rollback()
        flash(gettext("Not done: %(reason)s", reason=str(error.message)), "error")
    else:
        if message:
            flash(message, "success")
        return redirect(target or back, 303)
    return redirect(back, 303)


def _clash_refusal(clashing: list[Event], event: Event) -> ValidationError:
    titles = "; ".join(
        f"{other.display_title()} ({local_moment(other.starts_at, other.zone)})"
        for other in clashing
    )
    return ValidationError(
        "confirm_clash",
        gettext(
            "another event is planned at this venue at an overlapping time: %(events)s. "
            "Tick “I know about the clash” to go ahead anyway.",
            events=titles,
        ),
    )


@bp.post("/events/<slug>/publish", endpoint="publish")
def publish_event(slug: str):
    def run(event: Event, form: ActionForm):
        clashing = find_clashes(event.venue, event.starts_at, event.ends_at, exclude=event)
        if clashing and not form.confirm_clash.data:
            raise _clash_refusal(clashing, event)
        publish(event, current_user, expected_version=form.version.data)
        return gettext("Published: the event is on the public pages and in calendar feeds."), None

    return _step(slug, "publish", ActionForm, run)


@bp.post("/events/<slug>/postpone", endpoint="postpone")
def postpone_event(slug: str):
    def run(event: Event, form: PostponeForm):
        starts_at = ends_at = None
        if form.new_time_given:
            if form.end_time.data:
                starts_at, ends_at = local_instants(
                    form.day.data, form.start_time.data, form.end_time.data, event.timezone
                )
            else:
                starts_at = local_to_utc(
                    form.day.data, form.start_time.data, event.zone, "start_time"
                )
                ends_at = starts_at + (event.ends_at - event.starts_at)
            clashing = find_clashes(event.venue, starts_at, ends_at, exclude=event)
            if clashing and not form.confirm_clash.data:
                raise _AskAgain(
                    _render_event(
                        event,
                        postpone_form=form,
                        open_form="postpone",
                        postpone_clashes=clashing,
                    )
                )
        postpone(
            event,
            current_user,
            note=form.notes(),
            starts_at=starts_at,
            ends_at=ends_at,
            expected_version=form.version.data,
        )
        if starts_at is None:
            return gettext("Postponed until further notice."), None
        return gettext("Postponed to the new time. Calendars will show the change."), None

    def invalid(event: Event, form: PostponeForm):
        return _render_event(event, postpone_form=form, open_form="postpone")

    return _step(slug, "postpone", PostponeForm, run, invalid=invalid)


@bp.post("/events/<slug>/cancel", endpoint="cancel")
def cancel_event(slug: str):
    def run(event: Event, form: CancelForm):
        cancel(event, current_user, note=form.notes(), expected_version=form.version.data)
        return (
            gettext("Cancelled: the event stays on the public pages, marked as cancelled."),
            None,
        )

    def invalid(event: Event, form: CancelForm):
        return _render_event(event, cancel_form=form, open_form="cancel")

    return _step(slug, "cancel", CancelForm, run, invalid=invalid)


@bp.post("/events/<slug>/restore", endpoint="restore")
def restore_event(slug: str):
    def run(event: Event, form: ActionForm):
        restore(event, current_user, expected_version=form.version.data)
        return gettext("Restored: the event is scheduled again."), None

    return _step(slug, "restore", ActionForm, run)


@bp.route("/events/<slug>/delete", methods=["GET", "POST"])
def delete(slug: str):
    if request.method == "GET":
        event = _editable_event(slug)
        if "delete" not in available_actions(event):
            flash(gettext("Only a draft that was never published can be deleted."), "error")
            return redirect(url_for("manage.event", slug=event.slug), 303)
        form = ActionForm(formdata=None, data={"version": event.version}, prefix="delete")
        return render_template("manage/delete.html", event=event, form=form)

    def run(event: Event, form: ActionForm):
        title = event.display_title()
        delete_draft(event, current_user, expected_version=form.version.data)
        return gettext("The draft “%(title)s” was deleted.", title=title), url_for(
            "manage.dashboard"
        )

    return _step(slug, "delete", ActionForm, run)


@bp.post("/events/<slug>/plan-again", endpoint="plan_again")
def plan_again_event(slug: str):
    def run(event: Event, form: ActionForm):
        copy = plan_again(event, current_user)
        return gettext(
            "A new draft for %(date)s was made from this event. Check it, then save.",
            date=local_moment(copy.starts_at, copy.zone),
        ), url_for("manage.edit", slug=copy.slug)

    return _step(slug, "plan_again", ActionForm, run)


# An organisation's activity ----------------------------------------------------------------


@bp.get("/organisations/<slug>/activity")
def activity(slug: str):
    organisation = _by_slug_or_404(Organisation, slug)
    if not can_plan_for(current_user, organisation):
        abort(
            403,
            description=gettext("Only the organisation's members can see its activity."),
        )
    page = paginate(
        organisation_trail(organisation.id),
        page=parse_page(request.args),
        per_page=ACTIVITY_PER_PAGE,
    )
    entries = readable_entries(page.items, country_zone(organisation.country))
    events = {
        row.id: row.slug
        for row in db.session.execute(
            select(Event.id, Event.slug).where(
                Event.id.in_({entry.event_id for entry in entries if entry.event_id} or {-1})
            )
        )
    }
    return render_template(
        "manage/activity.html",
        organisation=organisation,
        entries=entries,
        event_slugs=events,
        page=page,
    )
