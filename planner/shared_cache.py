"""Public responses a shared cache (nginx, a CDN) may keep: the same for every reader.

Public GET and HEAD requests see an empty session and never send it back: no `Set-Cookie`,
no `Vary: Cookie`, and nobody is signed in there (the pages show the same links to all:
"For organisers" rather than "Sign in", since a signed-in organiser sees the same page).
A view that does write to the session (a form's CSRF token) still works: what it wrote is
merged into the reader's own session, which is then sent as usual (and marked to vary). The
only other cookie of a public page is the explicit `?lang=` choice.
Pages carry an ETag and a short Cache-Control, so a shared cache serves and revalidates them.
"""

from __future__ import annotations

from flask import Flask, Request, Response, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

PUBLIC_BLUEPRINTS = frozenset(
    {"public", "events", "commemorations", "venues", "organisations", "feeds", "embed", "api"}
)
PAGE_MAX_AGE = 60


class PublicSession(SecureCookieSession):
    """The session of a public request: empty, and sent back only if a view writes to it."""


def _is_public(app: Flask, incoming: Request) -> bool:
    if incoming.method not in ("GET", "HEAD"):
        return False
    try:
        endpoint, _ = app.create_url_adapter(incoming).match()  # type: ignore[union-attr]
    except (HTTPException, RequestRedirect):
        return False
    return str(endpoint).rpartition(".")[0] in PUBLIC_BLUEPRINTS


class SharedCacheSessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions, left untouched (not read, not written) on public requests."""

    def open_session(self, app: Flask, request: Request):  # type: ignore[override]
        if _is_public(app, request):
            return PublicSession()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response: Response) -> None:  # type: ignore[override]
        if isinstance(session, PublicSession):
            if not session.modified:
                return
            own = super().open_session(app, request) or self.session_class()
            own.update(session)
            session = own
            session.modified = session.accessed = True
        super().save_session(app, session, response)


def shared_page() -> bool:
    """Whether the current page is the same for every reader (no session: see above)."""
    return isinstance(session, PublicSession)


def _cacheable_page(response: Response) -> Response:
    """ETag and a short Cache-Control on public pages; a 304 when the reader has the page."""
    if (
        request.blueprint not in PUBLIC_BLUEPRINTS
        or request.blueprint == "feeds"
        or request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or response.mimetype != "text/html"
        or response.direct_passthrough
    ):
        return response
    if "Set-Cookie" in response.headers:
        response.cache_control.private = True  # the reader's own language choice
    else:
        response.cache_control.public = True
    response.cache_control.max_age = PAGE_MAX_AGE
    response.add_etag()
    return response.make_conditional(request)


def init_shared_cache(app: Flask) -> None:
    app.session_interface = SharedCacheSessionInterface()
    app.after_request(_cacheable_page)
    app.jinja_env.globals["shared_page"] = shared_page
