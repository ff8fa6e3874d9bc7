"""The lifecycle steps of an event: publish, postpone, cancel, restore, delete, plan again.

Each step is offered and done only when the transition table allows it
(planner.events.lifecycle); the operations check the version and the clashes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from planner.audit.presentation import local_moment
from planner.db import ValidationError
from planner.events.labels import status_label
from planner.events.lifecycle import ClashError, StaleEditError, Step, allowed_steps
from planner.events.models import Event
from planner.events.operations import (
    cancel,
    delete_draft,
    plan_again,
    postpone,
    publish,
    restore,
)
from planner.manage import bp
from planner.manage.common import editable_event, stale_message
from planner.manage.events import render_event
from planner.manage.step_forms import ActionForm, CancelForm, PostponeForm


class Done(NamedTuple):
    """A step done: the message to flash and where to go (None: back to the event)."""

    message: str
    target: str | None = None


def _step(
    slug: str,
    step: Step,
    make_form: Callable[[Event], Any],
    run: Callable[[Event, Any], Any],
    *,
    invalid: Callable[[Event, Any], Any] | None = None,
) -> Any:
    """Run one step; `run` answers Done, or a page of its own (a question, a clash)."""
    event = editable_event(slug)
    back = url_for("manage.event", slug=event.slug)
    if step not in allowed_steps(event):
        flash(
            gettext(
                "That step is not possible while the event is %(status)s.",
                status=status_label(event.status),
            ),
            "error",
        )
        return redirect(back, 303)
    form = make_form(event)
    if not form.validate_on_submit():
        if invalid is not None:
            return invalid(event, form)
        flash(gettext("The form was not complete. Please try again."), "error")
        return redirect(back, 303)
    try:
        outcome = run(event, form)
    except StaleEditError as error:
        flash(stale_message(error), "error")
    except ValidationError as error:
        flash(gettext("Not done: %(reason)s", reason=str(error.message)), "error")
    else:
        if not isinstance(outcome, Done):
            return outcome
        flash(outcome.message, "success")
        return redirect(outcome.target or back, 303)
    return redirect(back, 303)


def _action_form(step: Step) -> Callable[[Event], ActionForm]:
    return lambda _event: ActionForm(prefix=step.value)


def _clash_refusal(clash: ClashError) -> str:
    titles = "; ".join(
        f"{other.display_title()} ({local_moment(other.starts_at, other.zone)})"
        for other in clash.clashes
    )
    return gettext(
        "another event is planned at this venue at an overlapping time: %(events)s. "
        "Tick “I know about the clash” to go ahead anyway.",
        events=titles,
    )


@bp.post("/events/<slug>/publish", endpoint="publish")
def publish_event(slug: str):
    def run(event: Event, form: ActionForm) -> Done:
        try:
            publish(
                event,
                current_user,
                expected_version=form.version.data,
                clash_acknowledged=form.confirm_clash.data,
            )
        except ClashError as clash:
            raise ValidationError("confirm_clash", _clash_refusal(clash)) from None
        return Done(gettext("Published: the event is on the public pages and in calendar feeds."))

    return _step(slug, Step.PUBLISH, _action_form(Step.PUBLISH), run)


@bp.post("/events/<slug>/postpone", endpoint="postpone")
def postpone_event(slug: str):
    def run(event: Event, form: PostponeForm) -> Any:
        try:
            postpone(
                event,
                current_user,
                note=form.notes(),
                starts_at=form.starts_at,
                ends_at=form.ends_at,
                expected_version=form.version.data,
                clash_acknowledged=form.confirm_clash.data,
            )
        except ClashError as clash:
            return render_event(
                event,
                postpone_form=form,
                open_form="postpone",
                postpone_clashes=clash.clashes,
                status=409,
            )
        if form.starts_at is None:
            return Done(gettext("Postponed until further notice."))
        return Done(gettext("Postponed to the new time. Calendars will show the change."))

    def invalid(event: Event, form: PostponeForm):
        return render_event(event, postpone_form=form, open_form="postpone", status=422)

    return _step(
        slug,
        Step.POSTPONE,
        lambda event: PostponeForm.build(event, prefix=Step.POSTPONE.value),
        run,
        invalid=invalid,
    )


@bp.post("/events/<slug>/cancel", endpoint="cancel")
def cancel_event(slug: str):
    def run(event: Event, form: CancelForm) -> Any:
        if not form.is_confirmed:
            # Asked once more, on a page of its own (it works without JavaScript).
            form.confirmed.data = "yes"
            return render_template("manage/cancel.html", event=event, form=form)
        cancel(event, current_user, note=form.notes(), expected_version=form.version.data)
        return Done(gettext("Cancelled: the event stays on the public pages, marked as cancelled."))

    def invalid(event: Event, form: CancelForm):
        return render_event(event, cancel_form=form, open_form="cancel", status=422)

    return _step(
        slug, Step.CANCEL, lambda _event: CancelForm(prefix=Step.CANCEL.value), run, invalid=invalid
    )


@bp.post("/events/<slug>/restore", endpoint="restore")
def restore_event(slug: str):
    def run(event: Event, form: ActionForm) -> Done:
        restore(event, current_user, expected_version=form.version.data)
        return Done(gettext("Restored: the event is scheduled again."))

    return _step(slug, Step.RESTORE, _action_form(Step.RESTORE), run)


@bp.route("/events/<slug>/delete", methods=["GET", "POST"])
def delete(slug: str):
    if request.method == "GET":
        event = editable_event(slug)
        if Step.DELETE not in allowed_steps(event):
            flash(gettext("Only a draft that was never published can be deleted."), "error")
            return redirect(url_for("manage.event", slug=event.slug), 303)
        form = ActionForm(formdata=None, data={"version": event.version}, prefix="delete")
        return render_template("manage/delete.html", event=event, form=form)

    def run(event: Event, form: ActionForm) -> Done:
        title = event.display_title()
        delete_draft(event, current_user, expected_version=form.version.data)
        message = gettext("The draft “%(title)s” was deleted.", title=title)
        return Done(message, url_for("manage.dashboard"))

    return _step(slug, Step.DELETE, _action_form(Step.DELETE), run)


@bp.post("/events/<slug>/plan-again", endpoint="plan_again")
def plan_again_event(slug: str):
    def run(event: Event, form: ActionForm) -> Done:
        copy = plan_again(event, current_user, expected_version=form.version.data)
        message = gettext(
            "A new draft for %(date)s was made from this event. Check it, then save.",
            date=local_moment(copy.starts_at, copy.zone),
        )
        return Done(message, url_for("manage.edit", slug=copy.slug))

    return _step(slug, Step.PLAN_AGAIN, _action_form(Step.PLAN_AGAIN), run)
