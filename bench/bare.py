"""The bare Flask app `make bench` compares against: the same feed bytes, nothing else.

It answers /calendar.ics with the bytes in $BENCH_FEED (and a 304 for its ETag), with the same
headers the planner sends: the ceiling a cached feed can reach on this machine.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import Flask, Response, request

app = Flask(__name__)
BODY = Path(os.environ["BENCH_FEED"]).read_bytes()
ETAG = hashlib.sha256(BODY).hexdigest()


@app.get("/calendar.ics")
def calendar():
    unchanged = request.if_none_match.contains(ETAG)
    response = Response(status=304) if unchanged else Response(BODY)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response.set_etag(ETAG)
    response.cache_control.public = True
    response.cache_control.no_cache = True
    return response
