"""A TCP proxy on 127.0.0.1 that plays a server's outages: it passes traffic through, refuses
connections (its port closed), or swallows them (accepts, never answers).

Every switch of mode drops the connections it holds, as a server's restart would.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

PASS, REFUSE, SWALLOW = "pass", "refuse", "swallow"


class FlakyProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.mode = PASS
        self.port = 0
        self._listener: socket.socket | None = None
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listen()

    # -- modes ----------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        with self._lock:
            self.mode = mode
            held, self._held = self._held, []
        for connection in held:
            _close(connection)
        if mode == REFUSE:
            self._stop_listening()
        elif self._listener is None:
            self._listen()

    def close(self) -> None:
        self.set_mode(REFUSE)

    # -- plumbing -------------------------------------------------------------------------
    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _stop_listening(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            _close(listener)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed: the port now refuses
            with self._lock:
                self._held.append(client)
                mode = self.mode
            if mode == PASS:
                self._pass_through(client)
            # SWALLOW: the connection is held open and never answered.

    def _pass_through(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target, timeout=5)
            upstream.settimeout(None)
        except OSError:
            _close(client)
            return
        with self._lock:
            self._held.append(upstream)
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        _close(source)
        _close(sink)


def _close(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        connection.close()


def wait_until(condition, timeout: float = 10.0) -> bool:
    """Poll `condition` until it holds (for a server's start), at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
