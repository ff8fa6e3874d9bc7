"""The moderators' forms: approve, return, reject a submission; name a moderator."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from planner.extensions import db
from planner.organisations.models import Organisation
from planner.submissions.forms import country_choices, one_line, text_block
from planner.submissions.models import MESSAGE_MAX, Submission
from planner.submissions.operations import matching_venue
from planner.venues.models import Venue

NEW = ""


def _version() -> IntegerField:
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


def _chosen(model: type, slug: str | None) -> Any:
    if not slug:
        return None
    return db.session.execute(select(model).where(model.slug == slug)).scalar_one_or_none()


class ApproveForm(FlaskForm):
    """Publish the submission under an organisation, at the proposed or a matching venue."""

    organisation = SelectField(
        _l("Publish under"),
        invalid_choice_message=_l("Choose an organisation from the list."),
    )
    venue = SelectField(
        _l("Venue"),
        description=_l("Create the proposed venue, or choose the existing venue it names."),
        invalid_choice_message=_l("Choose a venue from the list."),
    )
    confirm_clash = BooleanField(_l("I know about the clash, publish anyway"))
    version = _version()

    @classmethod
    def build(cls, submission: Submission, **kwargs: Any) -> ApproveForm:
        form = cls(prefix="approve", **kwargs)
        organisations = db.session.execute(select(Organisation)).scalars()
        named = sorted(organisations, key=lambda o: (o.country != submission.country, o.slug))
        form.organisation.choices = [
            SelectChoice(NEW, _l("A new organisation: “%(name)s”", name=submission.group_name))
        ] + [SelectChoice(o.slug, f"{o.display_name()} ({o.country})") for o in named]
        venues = db.session.execute(
            select(Venue).where(Venue.country == submission.country).order_by(Venue.slug)
        ).scalars()
        form.venue.choices = [
            SelectChoice(
                NEW, _l("Create the proposed venue: “%(name)s”", name=submission.venue_line)
            )
        ] + [SelectChoice(v.slug, v.location_line()) for v in venues]
        # A venue chosen by the submitter is kept: only a proposed one is matched here.
        form.venue.validate_choice = submission.proposes_venue
        if not form.is_submitted():
            match = matching_venue(submission) if submission.proposes_venue else None
            form.venue.data = match.slug if match is not None else NEW
            form.version.data = submission.version
        return form

    @property
    def chosen_organisation(self) -> Organisation | None:
        return _chosen(Organisation, self.organisation.data)

    @property
    def chosen_venue(self) -> Venue | None:
        return _chosen(Venue, self.venue.data)


class ReturnForm(FlaskForm):
    """Send the submission back with a message saying what to correct."""

    message = TextAreaField(
        _l("Message to the submitter"),
        description=_l("Say what to correct. The submitter reads it through their private link."),
        filters=[text_block],
        validators=[DataRequired(message=_l("Say what to correct.")), Length(max=MESSAGE_MAX)],
    )
    version = _version()


class RejectForm(FlaskForm):
    """Refuse the submission, with the reason the submitter will read."""

    reason = TextAreaField(
        _l("Reason"),
        description=_l("The submitter reads it through their private link."),
        filters=[text_block],
        validators=[DataRequired(message=_l("Give the reason.")), Length(max=MESSAGE_MAX)],
    )
    version = _version()


class ModeratorForm(FlaskForm):
    """Name an existing user moderator of a country's submissions."""

    email = EmailField(
        _l("E-mail address of the account"),
        filters=[one_line],
        validators=[
            InputRequired(message=_l("Give the account's e-mail address.")),
            Length(max=254),
        ],
    )
    country = SelectField(
        _l("Country"),
        validators=[InputRequired(message=_l("Choose the country."))],
        invalid_choice_message=_l("Choose a country from the list."),
    )

    @classmethod
    def build(cls, **kwargs: Any) -> ModeratorForm:
        form = cls(**kwargs)
        form.country.choices = country_choices()
        return form
