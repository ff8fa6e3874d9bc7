"""The site administrators' screens under /manage/admin/."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from planner.accounts import operations as account_operations
from planner.accounts.forms import AdminInviteForm
from planner.accounts.models import Invitation, User
from planner.accounts.pages import invitation_sent_page
from planner.accounts.permissions import is_admin
from planner.admin import operations
from planner.admin.forms import (
    CommemorationForm,
    OrganisationForm,
    VenueForm,
    texts_from,
    texts_to_data,
)
from planner.commemorations.models import Commemoration, validate_rrule
from planner.db import ValidationError
from planner.extensions import db, login_manager
from planner.forms import form_errors_from
from planner.organisations.models import Membership, Organisation, Role
from planner.venues.models import Venue, usual_zone
from planner.web import one_by_slug_or_404

bp = Blueprint("admin", __name__, url_prefix="/manage/admin")

FIXED_DATE = re.compile(r"^FREQ=YEARLY;BYMONTH=(\d{1,2});BYMONTHDAY=(\d{1,2})$")


@bp.before_request
def only_admins():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not is_admin(current_user):
        abort(403)
    return None


@bp.get("/")
def index():
    return render_template("admin/index.html")


def _initial(to_data, item) -> dict | None:
    """The stored values to show in an edit form; a submitted form is read as sent, alone."""
    if item is None or request.method != "GET":
        return None
    return to_data(item)


def _by_slug(model: type, slug: str):
    return one_by_slug_or_404(model, slug)


def _save(model: type, obj, form, values: dict, list_endpoint: str):
    """Save and redirect to the list, or put the model's complaint beside its field."""
    try:
        saved = operations.save(model, obj, values, current_user)
    except ValidationError as error:
        form_errors_from(form, error)
        return None
    flash(_("Saved: %(name)s.", name=saved.display_name()), "info")
    return redirect(url_for(list_endpoint))


def _delete(obj, list_endpoint: str, edit_endpoint: str):
    name = obj.display_name()  # CSRFProtect has already checked the form's token
    try:
        operations.delete(obj, current_user)
    except ValidationError:
        flash(
            _(
                "%(name)s cannot be deleted because events refer to it. Move or delete those "
                "events first.",
                name=name,
            ),
            "error",
        )
        return redirect(url_for(edit_endpoint, slug=obj.slug))
    flash(_("Deleted: %(name)s.", name=name), "info")
    return redirect(url_for(list_endpoint))


# --- Commemorations ------------------------------------------------------------------------


@bp.get("/commemorations")
def commemorations():
    items = db.session.execute(select(Commemoration).order_by(Commemoration.slug)).scalars().all()
    return render_template("admin/commemorations.html", items=items)


def _commemoration_values(form: CommemorationForm) -> dict:
    return {
        "slug": (form.slug.data or "").strip(),
        "name": texts_from(form, "name"),
        "description": texts_from(form, "description"),
        "rrule": form.recurrence(),
        "countries": form.country_codes(),
        "remembered_year": form.remembered_year.data,
        "first_observed_year": form.first_observed_year.data,
    }


def _commemoration_data(item: Commemoration) -> dict:
    data = {
        "slug": item.slug,
        "countries": ", ".join(item.countries),
        "remembered_year": item.remembered_year,
        "first_observed_year": item.first_observed_year,
        "rrule": item.rrule,
        "rule_kind": "rule",
        **texts_to_data("name", item.name),
        **texts_to_data("description", item.description),
    }
    fixed = FIXED_DATE.match(item.rrule)
    if fixed:
        data.update(rule_kind="date", month=fixed.group(1), day=int(fixed.group(2)))
    return data


def _commemoration_form(item: Commemoration | None):
    form = CommemorationForm(data=_initial(_commemoration_data, item))
    if form.validate_on_submit():
        response = _save(
            Commemoration, item, form, _commemoration_values(form), "admin.commemorations"
        )
        if response is not None:
            return response
    status = 422 if form.is_submitted() else 200
    return render_template("admin/commemoration_form.html", form=form, item=item), status


@bp.route("/commemorations/new", methods=["GET", "POST"])
def new_commemoration():
    return _commemoration_form(None)


@bp.route("/commemorations/<slug>/edit", methods=["GET", "POST"])
def edit_commemoration(slug: str):
    return _commemoration_form(_by_slug(Commemoration, slug))


@bp.post("/commemorations/<slug>/delete")
def delete_commemoration(slug: str):
    return _delete(
        _by_slug(Commemoration, slug), "admin.commemorations", "admin.edit_commemoration"
    )


@bp.get("/commemorations/check-rule")
def check_rule():
    """Whether a typed RRULE is valid, and its next three dates (for the live hint)."""
    rule = request.args.get("rrule", "")
    try:
        rule = validate_rrule(rule)
    except ValidationError as error:
        return {"valid": False, "message": str(error.message), "next": []}
    upcoming = Commemoration(rrule=rule).occurrences_after(date.today(), 3)
    from planner.formatting import long_date

    return {
        "valid": True,
        "rrule": rule,
        "message": _("The rule is valid."),
        "next": [{"date": day.isoformat(), "label": long_date(day)} for day in upcoming],
    }


# --- Venues --------------------------------------------------------------------------------


@bp.get("/venues")
def venues():
    items = db.session.execute(select(Venue).order_by(Venue.slug)).scalars().all()
    return render_template("admin/venues.html", items=items)


def _venue_values(form: VenueForm) -> dict:
    country = (form.country.data or "").strip()
    # Blank means: the country's main zone (the model validates the country itself).
    zone = form.timezone.data or usual_zone(country) or ""
    values = {
        "slug": (form.slug.data or "").strip(),
        "name": texts_from(form, "name"),
        "address": (form.address.data or "").strip(),
        "city": (form.city.data or "").strip(),
        "country": country,
        "latitude": (form.latitude.data or "").strip() or None,
        "longitude": (form.longitude.data or "").strip() or None,
        "accessibility_notes": texts_from(form, "accessibility_notes"),
    }
    # The country is checked before the zone, so a bad country is named as such.
    values["timezone"] = zone
    return values


def _venue_data(item: Venue) -> dict:
    usual = usual_zone(item.country)
    return {
        "slug": item.slug,
        "address": item.address,
        "city": item.city,
        "country": item.country,
        "latitude": "" if item.latitude is None else repr(item.latitude),
        "longitude": "" if item.longitude is None else repr(item.longitude),
        "timezone": "" if item.timezone == usual else item.timezone,
        **texts_to_data("name", item.name),
        **texts_to_data("accessibility_notes", item.accessibility_notes),
    }


def _venue_form(item: Venue | None):
    form = VenueForm(data=_initial(_venue_data, item))
    if form.validate_on_submit():
        response = _save(Venue, item, form, _venue_values(form), "admin.venues")
        if response is not None:
            return response
    status = 422 if form.is_submitted() else 200
    return render_template("admin/venue_form.html", form=form, item=item), status


@bp.route("/venues/new", methods=["GET", "POST"])
def new_venue():
    return _venue_form(None)


@bp.route("/venues/<slug>/edit", methods=["GET", "POST"])
def edit_venue(slug: str):
    return _venue_form(_by_slug(Venue, slug))


@bp.post("/venues/<slug>/delete")
def delete_venue(slug: str):
    return _delete(_by_slug(Venue, slug), "admin.venues", "admin.edit_venue")


# --- Organisations -------------------------------------------------------------------------


@bp.get("/organisations")
def organisations():
    items = (
        db.session.execute(
            select(Organisation)
            .order_by(Organisation.slug)
            .options(selectinload(Organisation.memberships))
        )
        .scalars()
        .all()
    )
    return render_template("admin/organisations.html", items=items)


def _organisation_values(form: OrganisationForm) -> dict:
    return {
        "slug": (form.slug.data or "").strip(),
        "name": texts_from(form, "name"),
        "description": texts_from(form, "description"),
        "website": (form.website.data or "").strip() or None,
        "contact_email": (form.contact_email.data or "").strip() or None,
        "country": (form.country.data or "").strip(),
        "city": (form.city.data or "").strip(),
    }


def _organisation_data(item: Organisation) -> dict:
    return {
        "slug": item.slug,
        "website": item.website or "",
        "contact_email": item.contact_email or "",
        "country": item.country,
        "city": item.city,
        **texts_to_data("name", item.name),
        **texts_to_data("description", item.description),
    }


def _organisation_form(item: Organisation | None):
    form = OrganisationForm(data=_initial(_organisation_data, item))
    if form.validate_on_submit():
        response = _save(
            Organisation, item, form, _organisation_values(form), "admin.organisations"
        )
        if response is not None:
            return response
    status = 422 if form.is_submitted() else 200
    return render_template("admin/organisation_form.html", form=form, item=item), status


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():
    return _organisation_form(None)


@bp.route("/organisations/<slug>/edit", methods=["GET", "POST"])
def edit_organisation(slug: str):
    return _organisation_form(_by_slug(Organisation, slug))


@bp.post("/organisations/<slug>/delete")
def delete_organisation(slug: str):
    return _delete(_by_slug(Organisation, slug), "admin.organisations", "admin.edit_organisation")


# --- Accounts ------------------------------------------------------------------------------


@bp.get("/users")
def users():
    items = db.session.execute(
        select(User)
        .order_by(User.email)
        .options(selectinload(User.memberships).selectinload(Membership.organisation))
    )
    return render_template(
        "admin/users.html",
        items=items.scalars().all(),
        pending=account_operations.pending_invitations(None),
    )


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _set_flag(user_id: int, change):
    user = _user(user_id)
    value = request.form.get("value") == "1"
    try:
        change(current_user, user, value)
    except ValidationError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Saved: %(name)s.", name=user.email), "info")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/admin")
def set_admin(user_id: int):
    return _set_flag(user_id, account_operations.set_admin)


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    return _set_flag(user_id, account_operations.set_active)


@bp.post("/users/invitations/<int:invitation_id>/revoke")
def revoke_invitation(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        abort(404)
    try:
        account_operations.revoke_invitation(current_user, invitation)
    except ValidationError as error:
        flash(str(error.message), "error")
    else:
        flash(_("The invitation for %(email)s has been revoked.", email=invitation.email), "info")
    return redirect(url_for("admin.users"))


@bp.route("/users/invite", methods=["GET", "POST"])
def invite():
    form = AdminInviteForm()
    organisations = db.session.execute(select(Organisation).order_by(Organisation.slug)).scalars()
    form.organisation.choices = [SelectChoice("", _("No organisation (a new administrator)"))] + [
        SelectChoice(item.slug, item.display_name()) for item in organisations
    ]
    if form.validate_on_submit():
        organisation = None
        if form.organisation.data:
            organisation = _by_slug(Organisation, form.organisation.data)
        try:
            invitation, token = account_operations.invite(
                current_user,
                form.email.data,
                organisation=organisation,
                role=Role(form.role.data) if organisation is not None else None,
                make_admin=form.make_admin.data,
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return invitation_sent_page(invitation, token, url_for("admin.users"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/invite.html", form=form), status
