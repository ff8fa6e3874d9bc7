"""Form pieces the organiser's forms share."""

from __future__ import annotations

from wtforms import HiddenField

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


def hidden_version() -> HiddenField:
    # Kept as sent: the operations treat a missing or malformed version as stale.
    return HiddenField()
