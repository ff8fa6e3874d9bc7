"""Reading a feed back the way subscribers' apps do: icalendar, vobject and Mozilla's ical.js.

Each reader returns plain data (UID, summary, status, instants in UTC) so that tests compare
what a calendar app would show with what the database holds.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import vobject

ROOT = Path(__file__).resolve().parent.parent
PARSE_ICS = ROOT / "tests" / "node" / "parse_ics.mjs"


def raw_lines(body: bytes) -> list[bytes]:
    """The content lines as sent (folded), checking that every one ends with CRLF."""
    assert body.endswith(b"\r\n")
    assert body.count(b"\n") == body.count(b"\r\n"), "a bare LF in the feed"
    return body[:-2].split(b"\r\n")


def check_folding(body: bytes) -> None:
    """RFC 5545 3.1: lines of at most 75 octets, never splitting a UTF-8 character."""
    for line in raw_lines(body):
        assert len(line) <= 75, line
        line.decode("utf-8")  # a character split across a fold would not decode alone


def used_tzids(body: bytes) -> set[str]:
    return set(re.findall(r";TZID=([^:;]+)[:;]", body.decode()))


def vtimezone_tzids(body: bytes) -> list[str]:
    return re.findall(r"BEGIN:VTIMEZONE\r\nTZID:([^\r]+)\r\n", body.decode())


def unescape_text(raw: str) -> str:
    """RFC 5545 TEXT unescaping, for properties a reader leaves raw."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], raw)


def _utc(value):
    if isinstance(value, datetime):
        assert value.tzinfo is not None, f"floating time {value}"
        return value.astimezone(UTC)
    return value


def read_icalendar(body: bytes) -> tuple[icalendar.Calendar, list[dict]]:
    calendar = icalendar.Calendar.from_ical(body)
    events = []
    for event in calendar.walk("VEVENT"):
        events.append(
            {
                "uid": str(event["UID"]),
                "summary": str(event.get("SUMMARY", "")),
                "description": str(event["DESCRIPTION"]) if "DESCRIPTION" in event else None,
                "status": str(event.get("STATUS", "")),
                "sequence": int(event.get("SEQUENCE", 0)),
                "start": _utc(event.start),
                "end": _utc(event.end),
                "start_tzid": event["DTSTART"].params.get("TZID"),
                "location": str(event.get("LOCATION", "")),
                "last_modified": _utc(event["LAST-MODIFIED"].dt),
            }
        )
    return calendar, events


def read_vobject(body: bytes) -> list[dict]:
    calendar = vobject.readOne(body.decode("utf-8"))
    events = []
    for event in getattr(calendar, "vevent_list", []):
        start = event.dtstart.value
        events.append(
            {
                "uid": event.uid.value,
                "summary": event.summary.value,
                "description": event.description.value if hasattr(event, "description") else None,
                "status": event.status.value if hasattr(event, "status") else "",
                "sequence": int(event.sequence.value) if hasattr(event, "sequence") else 0,
                "start": _utc(start) if isinstance(start, datetime) else start,
                "end": _utc(event.dtend.value),
                "location": event.location.value if hasattr(event, "location") else "",
            }
        )
    return events


def read_icaljs(node: str, body: bytes) -> dict:
    """ical.js's view of the feed; TZ=UTC so a missing VTIMEZONE cannot pass unnoticed."""
    result = subprocess.run(
        [node, str(PARSE_ICS), "-"],
        input=body,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "TZ": "UTC"},
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode()
    parsed = json.loads(result.stdout)
    for event in parsed["events"]:
        for key in ("start", "end"):
            value = event[key]
            if value and "T" in value:
                event[key] = datetime.fromisoformat(value.replace("Z", "+00:00"))
            elif value:
                event[key] = date.fromisoformat(value)
    return parsed


def read_all(node: str | None, body: bytes) -> dict[str, list[dict]]:
    """The events as each reader sees them, keyed by reader name."""
    readers = {"icalendar": read_icalendar(body)[1], "vobject": read_vobject(body)}
    if node:
        readers["ical.js"] = read_icaljs(node, body)["events"]
    return readers
