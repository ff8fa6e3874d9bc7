"""Helpers for the embed's browser tests: a partner site on another origin, and frame sizing."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server


@pytest.fixture(name="partner_site")
def partner_site_fixture() -> Iterator[tuple[dict[str, str], str]]:
    """Another origin (localhost, not 127.0.0.1, on its own port) serving fixed pages."""
    pages: dict[str, str] = {}

    def serve(environ, start_response):
        body = pages.get(environ["PATH_INFO"])
        if body is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        kind = "text/javascript" if environ["PATH_INFO"].endswith(".js") else "text/html"
        start_response("200 OK", [("Content-Type", f"{kind}; charset=utf-8")])
        return [body.encode()]

    server = make_server("127.0.0.1", 0, serve, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield pages, f"http://localhost:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def fits_its_content(frame) -> None:
    """Wait until the frame is as tall as its content, then check it has no inner scrollbar."""
    # Chromium stops updating cross-origin frames outside the viewport; look at this one.
    frame.frame_element().scroll_into_view_if_needed()
    frame.wait_for_function(
        "() => Math.abs(window.innerHeight -"
        " Math.ceil(document.documentElement.getBoundingClientRect().height)) <= 1"
    )
    inside = frame.evaluate(
        "() => ({client: document.documentElement.clientHeight,"
        " scroll: document.documentElement.scrollHeight})"
    )
    assert inside["client"] == inside["scroll"]
    outside = frame.frame_element().bounding_box()["height"]
    assert abs(outside - inside["scroll"]) <= 3
