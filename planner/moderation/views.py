"""/manage/moderation: the queue of proposed events, the decisions, and who moderates.

Administrators moderate every country; a moderator the submissions of the countries an
administrator named them for. The rules are in planner.submissions.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from planner.accounts.operations import find_user_by_email
from planner.accounts.permissions import is_admin
from planner.audit.presentation import readable_entries
from planner.countries import country_name
from planner.db import ValidationError
from planner.events.lifecycle import ClashError
from planner.extensions import db, login_manager
from planner.i18n import current_language
from planner.moderation.forms import ApproveForm, ModeratorForm, RejectForm, ReturnForm
from planner.submissions import moderators as moderator_roles
from planner.submissions import operations
from planner.submissions.mail import notify_submitter
from planner.submissions.models import Moderator, Submission, SubmissionStatus
from planner.submissions.moderators import can_moderate, is_moderator, moderators
from planner.submissions.operations import matching_venue
from planner.submissions.queries import clashes_with, queue, submission_trail

bp = Blueprint("moderation", __name__, url_prefix="/manage/moderation")

TABS = tuple(SubmissionStatus)


@bp.before_request
def require_sign_in():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def _require_moderator() -> None:
    if not is_moderator(current_user):
        abort(
            403,
            description=gettext(
                "Only administrators and the moderators they name can see proposed events."
            ),
        )


def _submission(submission_id: int) -> Submission:
    """The submission, when the user moderates its country: 404 when unknown, 403 when not."""
    _require_moderator()
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        abort(404, description=gettext("There is no proposal at this address."))
    if not can_moderate(current_user, submission):
        abort(403, description=gettext("You do not moderate proposals from this country."))
    return submission


@bp.get("")
def index():
    _require_moderator()
    tab = request.args.get("status", SubmissionStatus.PENDING.value)
    if tab not in {status.value for status in TABS}:
        abort(400, description=gettext("Unknown list of proposals."))
    items = db.session.execute(queue(current_user, SubmissionStatus(tab)).limit(200)).scalars()
    return render_template("manage/moderation.html", submissions=list(items), tab=tab, tabs=TABS)


def _render(submission: Submission, status: int = 200, **forms: Any):
    approve_form = forms.get("approve_form") or ApproveForm.build(submission, formdata=None)
    data = {"version": submission.version}
    venue = submission.venue or approve_form.chosen_venue
    trail = readable_entries(
        db.session.execute(submission_trail(submission)).scalars(), submission.zone
    )
    return (
        render_template(
            "manage/moderation_submission.html",
            submission=submission,
            approve_form=approve_form,
            return_form=forms.get("return_form")
            or ReturnForm(formdata=None, data=data, prefix="return"),
            reject_form=forms.get("reject_form")
            or RejectForm(formdata=None, data=data, prefix="reject"),
            clashes=forms.get("clashes", clashes_with(submission, venue)),
            notice=forms.get("notice"),
            matched=submission.proposes_venue and matching_venue(submission) is not None,
            entries=trail,
        ),
        status,
    )


@bp.get("/<int:submission_id>")
def submission(submission_id: int):
    return _render(_submission(submission_id))


def _stale(submission: Submission):
    # Refused before anything changed: the page shows the submission as it now stands.
    return _render(
        submission,
        409,
        notice=gettext(
            "This proposal was decided or corrected while you were reading it. Nothing was "
            "done: review its current state below."
        ),
    )


_CHANGED_MEANWHILE = lazy_gettext(
    "Another moderator decided this proposal at the same moment. Nothing was done: open it "
    "again to see its state."
)


def _told(mailed: bool) -> str:
    if mailed:
        return gettext("The submitter was told by e-mail.")
    return gettext("The submitter reads it through their private link (no e-mail was sent).")


@bp.post("/<int:submission_id>/approve")
def approve(submission_id: int):
    submission = _submission(submission_id)
    form = ApproveForm.build(submission)
    if not form.validate_on_submit():
        return _render(submission, 422, approve_form=form)
    try:
        event = operations.approve(
            submission,
            current_user,
            organisation=form.chosen_organisation,
            venue=form.chosen_venue,
            expected_version=form.version.data,
            clash_acknowledged=bool(form.confirm_clash.data),
        )
    except ClashError as clash:
        return _render(submission, 409, approve_form=form, clashes=clash.clashes)
    except (operations.StaleSubmissionError, operations.DecisionError):
        return _stale(submission)
    except StaleDataError:
        abort(409, description=str(_CHANGED_MEANWHILE))
    mailed = notify_submitter(submission, "approved")
    flash(
        gettext("Published: “%(title)s” is on the public pages.", title=event.display_title())
        + " "
        + _told(mailed),
        "success",
    )
    return redirect(url_for(".index"), 303)


def _decide(submission_id: int, form_class: type, prefix: str, run, done: str):
    submission = _submission(submission_id)
    form = form_class(prefix=prefix)
    if not form.validate_on_submit():
        return _render(submission, 422, **{f"{prefix}_form": form})
    try:
        run(submission, form)
    except (operations.StaleSubmissionError, operations.DecisionError):
        return _stale(submission)
    except ValidationError as error:
        getattr(form, error.field).errors.append(str(error.message))
        return _render(submission, 422, **{f"{prefix}_form": form})
    except StaleDataError:
        abort(409, description=str(_CHANGED_MEANWHILE))
    mailed = notify_submitter(submission, submission.status.value)
    flash(done + " " + _told(mailed), "success")
    return redirect(url_for(".index"), 303)


@bp.post("/<int:submission_id>/return")
def return_(submission_id: int):
    def run(submission: Submission, form: ReturnForm) -> None:
        operations.return_to_submitter(
            submission, current_user, form.message.data, expected_version=form.version.data
        )

    return _decide(
        submission_id,
        ReturnForm,
        "return",
        run,
        gettext("Returned to the submitter with your message."),
    )


@bp.post("/<int:submission_id>/reject")
def reject(submission_id: int):
    def run(submission: Submission, form: RejectForm) -> None:
        operations.reject(
            submission, current_user, form.reason.data, expected_version=form.version.data
        )

    return _decide(submission_id, RejectForm, "reject", run, gettext("Rejected."))


# Who moderates (administrators only) -------------------------------------------------------


def _require_admin() -> None:
    if not is_admin(current_user):
        abort(403, description=gettext("Only administrators name moderators."))


def _render_moderators(form: ModeratorForm, status: int = 200):
    rows = db.session.execute(moderators()).scalars().all()
    return render_template("manage/moderation_moderators.html", form=form, moderators=rows), status


@bp.route("/moderators", methods=["GET", "POST"])
def moderator_list():
    _require_admin()
    form = ModeratorForm.build()
    if not form.validate_on_submit():
        return _render_moderators(form, 422 if request.method == "POST" else 200)
    user = find_user_by_email(form.email.data)
    if user is None:
        form.email.errors = [
            gettext("There is no account with this address. Invite the person first.")
        ]
        return _render_moderators(form, 422)
    try:
        moderator = moderator_roles.name_moderator(current_user, user, form.country.data)
    except ValidationError as error:
        form.email.errors = [str(error.message)]
        return _render_moderators(form, 422)
    flash(
        gettext(
            "Moderator named: %(name)s, %(country)s.",
            name=user.name,
            country=country_name(moderator.country, current_language()),
        ),
        "success",
    )
    return redirect(url_for(".moderator_list"), 303)


@bp.post("/moderators/<int:moderator_id>/remove")
def remove_moderator(moderator_id: int):
    _require_admin()
    moderator = db.session.get(Moderator, moderator_id)
    if moderator is None:
        abort(404)
    name, country = moderator.user.name, moderator.country
    moderator_roles.remove_moderator(current_user, moderator)
    flash(
        gettext(
            "Moderator removed: %(name)s, %(country)s.",
            name=name,
            country=country_name(country, current_language()),
        ),
        "success",
    )
    return redirect(url_for(".moderator_list"), 303)
