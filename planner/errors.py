"""Error responses: an HTML page, or RFC 9457 problem JSON under /api/ or when JSON is asked for."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

from planner.extensions import db

# Error pages speak the reader's language; problem JSON keeps the standard English titles.
PAGE_TITLES = {
    400: _l("This request cannot be answered"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Not possible here"),
    409: _l("Changed in the meantime"),
    410: _l("No longer valid"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("Not available just now"),
}
DEFAULT_DETAILS = {
    403: _l("Your account may not see or change this."),
    404: _l(
        "There is nothing at this address. The link may be mistyped, or what it named was removed."
    ),
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
        db.session.rollback()
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
        response = (
            render_template(
                "errors/error.html", status=status, title=title, detail=detail, **extra
            ),
            status,
        )
    if status == 405 and getattr(error, "valid_methods", None):
        from flask import make_response

        response = make_response(response)
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429 or (error.response is not None and error.response.headers.get("Retry-After")):
        from flask import make_response

        response = make_response(response)
        retry_after = getattr(error, "retry_after", None)
        if error.response is not None and error.response.headers.get("Retry-After"):
            retry_after = error.response.headers["Retry-After"]
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
    return response


def _handle_unexpected(error: Exception):
    db.session.rollback()
    return _handle_http(InternalServerError(original_exception=error))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    if not app.config.get("TESTING") and not app.debug:
        app.register_error_handler(Exception, _handle_unexpected)
