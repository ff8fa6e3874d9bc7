"""Starting and measuring the servers `make bench` drives: gunicorn processes and wrk."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn APP` with sync workers on a free port, stopped on exit."""

    def __init__(self, app: str, env: dict[str, str], log: Path, workers: int = 2):
        self.port = free_port()
        # The log goes to a file, as in production: a terminal would slow every request down.
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(workers), "--timeout", "300",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", app],
            # glibc otherwise raises its mmap threshold after freeing a large block and keeps
            # later feed-sized buffers in the heap, where RSS only grows (README: Production).
            cwd=ROOT, env={"MALLOC_MMAP_THRESHOLD_": "1048576", **env},
            stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}"

    def wait(self, path: str = "/", timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + path, timeout=30).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.url} did not answer in {timeout} s")

    def worker_rss_mib(self) -> list[float]:
        """The resident memory of each worker (the master's children)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split():
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            if match:
                sizes.append(int(match.group(1)) / 1024)
        return sizes

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def timed_get(url: str, headers: dict[str, str] | None = None) -> tuple[float, bytes, dict]:
    """Seconds for one request, its body and its headers."""
    started = time.perf_counter()
    with urllib.request.urlopen(
        urllib.request.Request(url, headers=headers or {}), timeout=600
    ) as r:
        body = r.read()
        return time.perf_counter() - started, body, dict(r.headers)


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


# After a run, the server still answers the requests wrk had sent when it stopped (up to one
# per connection; 16 renders of a 50k `/events` take a worker about 0.3 s): the next case starts
# once they are done, not behind them (the 50k `/` case had a p99 of 80-92 ms behind them, and
# 6-8 ms in the seconds after).
SETTLE_SECONDS = 2


def wrk(url: str, *, connections: int, duration: int, headers: dict[str, str] | None = None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, env=os.environ
    ).stdout
    time.sleep(SETTLE_SECONDS)
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", output, re.MULTILINE))
    if "99" not in percentiles:
        raise RuntimeError(f"wrk gave no latency distribution for {url}:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(
        rate, _ms(percentiles["50"]), _ms(percentiles["99"]), int(errors.group(1)) if errors else 0
    )
