"""Error responses: an HTML page, or RFC 9457 problem JSON under /api/ or when JSON is asked for."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

from planner.extensions import db


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
        response = (
            render_template(
                "errors/error.html", status=status, title=error.name, detail=detail, **extra
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
