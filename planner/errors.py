"""Error responses: an HTML page, or RFC 9457 problem JSON under /api/ or when JSON is asked for."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, current_app, g, jsonify, make_response, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.exceptions import BadRequest, Conflict, HTTPException, ServiceUnavailable

from planner.extensions import db
from planner.outage import DATABASE_UNAVAILABLE
from planner.requestlog import error_log, request_id

# Error pages speak the reader's language; problem JSON keeps the standard English titles.
PAGE_TITLES = {
    400: _l("This request cannot be answered"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Not possible here"),
    409: _l("Changed in the meantime"),
    410: _l("No longer valid"),
    413: _l("Too much at once"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("Not available just now"),
}
DEFAULT_DETAILS = {
    403: _l("Your account may not see or change this."),
    409: _l(
        "Someone else saved the same thing at the same moment, so nothing of yours was saved. "
        "Reload the page and try again."
    ),
    404: _l(
        "There is nothing at this address. The link may be mistyped, or what it named was removed."
    ),
    413: _l("What was sent is larger than this form accepts. Shorten it and try again."),
    429: _l("Please wait a while before trying again."),
    500: _l("An error on our side stopped this page. Please try again in a moment."),
    503: _l("The service cannot answer right now. Please try again in a moment."),
}


# The public name of each request parameter, as the forms label it; the 400 page speaks of
# "the date in “From”", not of "the parameter at fault". Problem JSON keeps the parameter.
PARAMETER_LABELS = {
    "country": _l("Country"),
    "commemoration": _l("Day of remembrance"),
    "organisation": _l("Organisation"),
    "venue": _l("Venue"),
    "from": _l("From"),
    "to": _l("To"),
    "q": _l("Words in the title or description"),
    "page": _l("Page"),
    "when": _l("Upcoming or past events"),
    "lang": _l("Language"),
}


class BadParameter(BadRequest):
    """A malformed request parameter; the response names it."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.detail = message


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def problem(status: int, title: str, detail: str = "", **extra) -> tuple:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _handle_http(error: HTTPException):
    status = error.code or 500
    detail = error.description or ""
    extra = {}
    if isinstance(error, BadParameter):
        extra["parameter"] = error.parameter
        detail = error.detail
    if isinstance(error, CSRFError):
        detail = gettext(
            "The form has expired or did not come from this site. Reload the page and try again."
        )
    if status >= 500:
        rollback_quietly()
        extra["request_id"] = request_id()
    if wants_json():
        response = problem(status, error.name, detail, **extra)
    else:
        if isinstance(error, BadParameter) and request.method in ("GET", "HEAD"):
            # A way on from the error: the same page without the value at fault.
            kept = [
                (name, value)
                for name, value in request.args.items(multi=True)
                if name not in (error.parameter, "page")
            ]
            extra["retry_url"] = request.path + (f"?{urlencode(kept)}" if kept else "")
            label = PARAMETER_LABELS.get(error.parameter)
            extra["field"] = str(label) if label else error.parameter
        if detail == type(error).description and status in DEFAULT_DETAILS:
            detail = str(DEFAULT_DETAILS[status])  # werkzeug's generic English text
        title = str(PAGE_TITLES.get(status, error.name))
        try:
            # The page names the signed-in user: loading them is the first database call.
            current_user.is_authenticated  # noqa: B018
        except DATABASE_UNAVAILABLE as unavailable:
            if status == 503:
                _forget_user()
            else:
                return database_unavailable(unavailable)
        page = render_template(
            "errors/error.html", status=status, title=title, detail=detail, **extra
        )
        response = make_response(page, status)
    if status == 405 and getattr(error, "valid_methods", None):
        response = make_response(response)
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429 or (error.response is not None and error.response.headers.get("Retry-After")):
        response = make_response(response)
        retry_after = getattr(error, "retry_after", None)
        if error.response is not None and error.response.headers.get("Retry-After"):
            retry_after = error.response.headers["Retry-After"]
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
    return response


def rollback_quietly() -> None:
    """Roll the session back; a connection that is already gone has nothing to roll back."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()


def _forget_user() -> None:
    # The signed-in user cannot be loaded: the page goes out as to a visitor.
    g._login_user = current_app.login_manager.anonymous_user()


def log_database_unavailable(error: Exception) -> None:
    """One line, without a traceback: an outage is not a bug, and every request meets it."""
    cause = getattr(error, "orig", None) or error
    reason = str(cause).strip().splitlines()
    error_log.error(
        "database unavailable: %s: %s",
        type(cause).__name__,
        reason[0] if reason else "",
        extra={"request_id": request_id()},
    )


def database_unavailable(error: Exception):
    """503 with Retry-After and the app's own page (problem JSON under /api/), logged."""
    log_database_unavailable(error)
    rollback_quietly()
    if "_login_user" not in g:
        _forget_user()
    # Through the handler of the request's blueprint: inside a partner's frame, the embed's own
    # short page.
    response = make_response(current_app.handle_http_exception(ServiceUnavailable()))
    response.headers["Retry-After"] = str(current_app.config.get("RETRY_AFTER_SECONDS", 15))
    return response


# The codes of a unique constraint refused: PostgreSQL's SQLSTATE, SQLite's extended code.
UNIQUE_VIOLATIONS = {"23505", 2067, 1555}


def _lost_a_race(error: IntegrityError) -> bool:
    cause = error.orig
    return (
        getattr(cause, "sqlstate", None) in UNIQUE_VIOLATIONS
        or getattr(cause, "sqlite_errorcode", None) in UNIQUE_VIOLATIONS
    )


def concurrent_write(error: IntegrityError):
    """A write that lost a race: another request claimed the same unique value (an address,
    an e-mail, an import's entry) between this one's checks and its commit. Nothing of it was
    saved; 409 says so. Any other integrity error is a defect: a 500, logged."""
    if not _lost_a_race(error):
        raise error
    error_log.warning(
        "a concurrent write took a unique value first",
        exc_info=error,
        extra={"request_id": request_id()},
    )
    rollback_quietly()
    return _handle_http(Conflict(description=str(DEFAULT_DETAILS[409])))


def register_error_handlers(app: Flask) -> None:
    # No catch-all handler: an unexpected exception reaches Flask's handle_exception, which
    # PlannerFlask logs with its traceback, and then answers with the 500 handler below.
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(IntegrityError, concurrent_write)
    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, database_unavailable)
