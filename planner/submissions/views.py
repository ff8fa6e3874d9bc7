"""/submit: a group without an account proposes an event, then follows it by a private link."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_limiter.util import get_remote_address
from sqlalchemy.orm.exc import StaleDataError

from planner.extensions import limiter
from planner.submissions import operations
from planner.submissions.forms import SubmissionForm
from planner.submissions.mail import notify_submitter
from planner.submissions.models import Submission, SubmissionStatus

bp = Blueprint("submissions", __name__)

# The largest proposal accepted, in bytes: the longest texts the form allows, URL-encoded,
# fit with room to spare.
MAX_REQUEST_BYTES = 256 * 1024

# Kept on the request itself (as sign-in does): whether this request made a submission.
_ACCEPTED = "planner.submission_accepted"


@bp.url_value_preprocessor
def _limit_size(_endpoint, _values) -> None:
    # Runs before the app's before-request hooks, so before CSRFProtect reads the form.
    request.max_content_length = MAX_REQUEST_BYTES


def _address() -> str:
    return get_remote_address() or "unknown"


def _submission_limit() -> str:
    return current_app.config["SUBMISSION_RATE_LIMIT"]


def _accepted(_response) -> bool:
    return bool(request.environ.get(_ACCEPTED))


def _too_many() -> str:
    return gettext(
        "Too many proposals were sent from your address. Please wait an hour, or write to the "
        "organisers of the site."
    )


def _private(response):
    """A page behind a private link: never cached or indexed, the link never sent onwards."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# Accepted proposals per address (a person corrects mistakes without being counted), and every
# POST per address, so that a robot cannot try forever.
_limit_accepted = limiter.limit(
    _submission_limit,
    key_func=lambda: "submit-address:" + _address(),
    methods=["POST"],
    deduct_when=_accepted,
    error_message=_too_many,
    scope="submit",
)
_limit_posts = limiter.limit(
    "60 per hour",
    key_func=lambda: "submit-posts:" + _address(),
    methods=["POST"],
    error_message=_too_many,
    scope="submit-posts",
)


@bp.route("/submit", methods=["GET", "POST"])
@_limit_accepted
@_limit_posts
def submit():
    form = SubmissionForm.build()
    if form.validate_on_submit():
        request.environ[_ACCEPTED] = True
        if form.is_robot:
            # Answered like a person, so that the robot learns nothing; nothing is kept.
            current_app.logger.info("a submission filled the hidden field; discarded")
            return _private(
                current_app.make_response(render_template("submissions/status.html", received=True))
            )
        submission, token = operations.submit(form.values)
        mailed = notify_submitter(submission, "received", token)
        return redirect(url_for(".status", token=token, received=1, mailed=int(mailed)), 303)
    status = 422 if request.method == "POST" else 200
    response = current_app.make_response(
        (render_template("submissions/submit.html", form=form), status)
    )
    # The form carries the visitor's own CSRF token: no shared cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


def _submission_or_404(token: str) -> Submission:
    submission = operations.find_by_token(token)
    if submission is None:
        abort(404, description=gettext("This link does not lead to a proposal."))
    return submission


@bp.route("/submit/<token>", methods=["GET", "POST"])
@limiter.limit(
    "30 per 15 minutes",
    key_func=lambda: "submission-link:" + _address(),
    deduct_when=lambda response: response.status_code == 404,
    error_message=lambda: gettext("Too many links that do not exist were opened."),
    scope="submission-link",
)
@_limit_posts
def status(token: str):
    submission = _submission_or_404(token)
    form = None
    code = 200
    if submission.status == SubmissionStatus.RETURNED:
        form = SubmissionForm.build()
        if request.method == "GET":
            form.fill_from(submission)
        elif form.validate_on_submit() and not form.is_robot:
            try:
                operations.resubmit(submission, form.values, expected_version=form.version.data)
            except (operations.StaleSubmissionError, StaleDataError):
                abort(409, description=gettext("This proposal changed meanwhile. Reload the page."))
            flash(
                gettext("Thank you. Your corrected proposal waits for a moderator again."),
                "success",
            )
            return redirect(url_for(".status", token=token), 303)
        else:
            code = 422
    elif request.method == "POST":
        code = 409
    return _status_page(submission, token, form, code)


def _status_page(submission: Submission, token: str, form: SubmissionForm | None, code: int):
    page = render_template(
        "submissions/status.html",
        submission=submission,
        form=form,
        token=token,
        received=bool(request.args.get("received")),
        mailed=request.args.get("mailed") == "1",
        refused=code == 409,
    )
    return _private(current_app.make_response((page, code)))
