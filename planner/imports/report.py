"""The import report: what was created, updated, left unchanged and skipped, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext

from planner.countries import country_zone
from planner.formatting import clock, medium_date
from planner.imports.operations import CREATE, NEEDS_VENUE, SKIP, UNCHANGED, UPDATE, Plan


@dataclass
class Row:
    title: str
    when: str
    location: str
    reason: Any
    slug: str | None


def _when(plan: Plan, item) -> str:
    zone = item.event.zone if item.event is not None else country_zone(plan.organisation.country)
    local = item.occurrence.starts_at.astimezone(zone)
    return f"{medium_date(local)} {clock(local)} ({zone.key})"


def rows(plan: Plan, action: str) -> list[Row]:
    """The report's rows for one action (skipped ones include the entries left out)."""
    found = [
        Row(
            title=item.occurrence.title or "—",
            when=_when(plan, item),
            # Where the event is now (the venue matched or chosen), else what the file says.
            location=item.event.venue.display_name() if item.event else item.occurrence.location,
            reason=item.reason,
            slug=item.event.slug if item.event is not None else None,
        )
        for item in plan.of(action)
    ]
    if action == SKIP:
        found += [Row(title, "", "", reason, None) for title, reason in plan.left_out]
    return found


def summary(plan: Plan) -> str:
    return gettext(
        "Created: %(created)d. Updated: %(updated)d. Unchanged: %(unchanged)d."
        " Skipped: %(skipped)d.",
        created=len(plan.of(CREATE)),
        updated=len(plan.of(UPDATE)),
        unchanged=len(plan.of(UNCHANGED)),
        skipped=len(plan.of(SKIP)) + len(plan.left_out) + len(plan.of(NEEDS_VENUE)),
    )


def report_lines(plan: Plan) -> list[str]:
    """The report as lines of text (for the command line)."""
    lines = [summary(plan)]
    labels = {CREATE: "created", UPDATE: "updated", UNCHANGED: "unchanged", SKIP: "skipped"}
    for action, label in labels.items():
        for row in rows(plan, action):
            parts = [label, row.when, row.title, row.slug or "", str(row.reason or "")]
            lines.append("  ".join(part for part in parts if part))
    return lines
