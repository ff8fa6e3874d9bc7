"""Calendar import under /manage/organisations/<slug>/import: upload, choose venues, report.

A file whose places all match venues is imported at once. Otherwise the page asks for a venue
per unmatched place (nothing written yet) and carries the file, compressed, in the form, so
the organiser does not choose it again; places left without a venue are skipped.
"""

from __future__ import annotations

import base64
import binascii
import zlib

from flask import abort, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import HiddenField, SelectChoice, SelectField

from planner.accounts.permissions import can_plan_for
from planner.extensions import db
from planner.i18n import LANGUAGES
from planner.imports.operations import CREATE, SKIP, UNCHANGED, UPDATE, apply_plan, plan_import
from planner.imports.reading import MAX_BYTES, UnreadableCalendar
from planner.imports.report import rows, summary
from planner.inputs import PlannerForm
from planner.manage import bp
from planner.organisations.models import Organisation
from planner.venues.models import Venue
from planner.web import one_by_slug_or_404

# A form field larger than Werkzeug's limit on form fields (500 kB) would be refused.
CARRIED_MAX = 400_000

LANGUAGE_CHOICES = [
    SelectChoice("en", _l("English")),
    SelectChoice("et", _l("Estonian")),
    SelectChoice("lv", _l("Latvian")),
    SelectChoice("lt", _l("Lithuanian")),
]


class ImportForm(PlannerForm):
    calendar = FileField(
        _l("Calendar file (.ics)"),
        description=_l("Exported from Google Calendar, Outlook, Apple Calendar or another app."),
    )
    lang = SelectField(
        _l("Language of the events' titles and descriptions"),
        choices=LANGUAGE_CHOICES,
        default="en",
    )
    carried = HiddenField()


def _pack(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def _unpack(value: str) -> bytes | None:
    """The file carried in the form, or None when it cannot be read back (or is too large)."""
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(base64.b64decode(value, validate=True), MAX_BYTES + 1)
    except (binascii.Error, ValueError, zlib.error):
        return None
    return data if inflater.eof else None


def _choices(venues: list[Venue]) -> dict[str, Venue]:
    """The venue chosen for each unmatched place: place-N carries the place, venue-N the slug."""
    by_slug = {venue.slug: venue for venue in venues}
    chosen = {}
    for name, place in request.form.items():
        if name.startswith("place-"):
            slug = request.form.get("venue-" + name.removeprefix("place-"), "")
            if slug in by_slug:
                chosen[place] = by_slug[slug]
    return chosen


def _render(organisation, form, status=200, **context):
    return (
        render_template("manage/import.html", organisation=organisation, form=form, **context),
        status,
    )


@bp.route("/organisations/<slug>/import", methods=["GET", "POST"])
def import_calendar(slug: str):
    organisation = one_by_slug_or_404(Organisation, slug)
    if not can_plan_for(current_user, organisation):
        abort(403, description=gettext("Only the organisation's members can import events."))
    form = ImportForm()
    if not form.validate_on_submit():
        return _render(organisation, form, 400 if request.method == "POST" else 200)
    venues = list(db.session.execute(select(Venue)).scalars())
    lang = form.lang.data if form.lang.data in LANGUAGES else "en"
    try:
        data = _file(form)
        plan = plan_import(organisation, data, lang=lang, choices=_choices(venues))
        if plan.unmatched_locations and not form.carried.data:
            return _choose_venues(organisation, form, plan, data, venues)
    except (Refused, UnreadableCalendar) as error:
        form.calendar.errors.append(error.message)
        return _render(organisation, form, 422)
    apply_plan(plan, current_user)
    return _render(
        organisation,
        ImportForm(formdata=None),
        summary=summary(plan),
        report=[
            (_l("Created as drafts"), rows(plan, CREATE)),
            (_l("Updated"), rows(plan, UPDATE)),
            (_l("Unchanged"), rows(plan, UNCHANGED)),
            (_l("Skipped"), rows(plan, SKIP)),
        ],
    )


class Refused(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _file(form: ImportForm) -> bytes:
    """The uploaded file, or the one carried from the step that asked for venues."""
    if form.carried.data:
        data = _unpack(form.carried.data)
        if data is None:
            raise Refused(gettext("The file could not be read again; choose it."))
        return data
    if not form.calendar.data:
        raise Refused(gettext("Choose a calendar file."))
    upload = form.calendar.data
    try:
        return upload.read(MAX_BYTES + 1)
    finally:
        upload.close()  # a large upload is a temporary file


def _choose_venues(organisation, form: ImportForm, plan, data: bytes, venues: list[Venue]):
    """The step that asks for a venue per unmatched place; nothing is written yet."""
    form.carried.data = _pack(data)
    if len(form.carried.data) > CARRIED_MAX:
        raise Refused(gettext("The file is too large to import with venues to choose; split it."))
    venues.sort(key=lambda venue: (venue.display_name().casefold(), venue.slug))
    return _render(organisation, form, places=plan.unmatched_locations, venues=venues)
