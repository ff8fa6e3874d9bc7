"""An organisation's activity: every change to it and to its events, newest first."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from planner.accounts.permissions import can_plan_for
from planner.audit.presentation import readable_entries
from planner.audit.queries import organisation_trail
from planner.countries import country_zone
from planner.events.filters import parse_page
from planner.events.models import Event
from planner.extensions import db
from planner.manage import bp
from planner.manage.common import by_slug_or_404
from planner.organisations.models import Organisation
from planner.pagination import paginate

ACTIVITY_PER_PAGE = 50


@bp.get("/organisations/<slug>/activity")
def activity(slug: str):
    organisation = by_slug_or_404(Organisation, slug)
    if not can_plan_for(current_user, organisation):
        abort(403, description=gettext("Only the organisation's members can see its activity."))
    page = paginate(
        organisation_trail(organisation.id),
        page=parse_page(request.args),
        per_page=ACTIVITY_PER_PAGE,
    )
    entries = readable_entries(page.items, country_zone(organisation.country))
    event_ids = {entry.event_id for entry in entries if entry.event_id}
    slugs = db.session.execute(select(Event.id, Event.slug).where(Event.id.in_(event_ids)))
    return render_template(
        "manage/activity.html",
        organisation=organisation,
        entries=entries,
        event_slugs={row.id: row.slug for row in slugs},
        page=page,
    )
