"""The public submission form: what a group without an account tells us about its event."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from planner.commemorations.models import Commemoration
from planner.countries import default_timezone, is_country
from planner.db import ValidationError
from planner.events.labels import KIND_LABELS
from planner.events.models import EventKind
from planner.events.planning import COUNTRY_LANGUAGES, LANGUAGE_NAMES, local_instants
from planner.extensions import db
from planner.formatting import babel_locale
from planner.i18n import LANGUAGES, current_language
from planner.organisations.models import normalise_email
from planner.submissions.models import (
    ADDRESS_MAX,
    CITY_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    TITLE_MAX,
    Submission,
)
from planner.venues.models import Venue

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]
NEW_VENUE = ""

# C0 and C1 control characters, DEL, and the bidirectional overrides that can disguise text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\x85\u2028\u2029]")


def one_line(value: str | None) -> str:
    """A single-line field as typed, without control characters; line breaks become spaces."""
    if not value:
        return ""
    value = _LINE_BREAKS.sub(" ", value).replace("\n", " ").replace("\t", " ")
    return " ".join(_CONTROL.sub("", value).split())


def text_block(value: str | None) -> str:
    """A Markdown text with its line breaks and indentation, without control characters."""
    if not value:
        return ""
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", value)).strip()


def country_choices() -> list[SelectChoice]:
    """Every country, named in the reader's language, the Baltic states first."""
    territories = Locale.parse(babel_locale(current_language())).territories
    names = {
        code: name for code, name in territories.items() if len(code) == 2 and is_country(code)
    }
    first = [code for code in ("EE", "LV", "LT") if code in names]
    rest = sorted((code for code in names if code not in first), key=lambda c: names[c].casefold())
    return [SelectChoice("", _l("Choose a country"))] + [
        SelectChoice(code, names[code]) for code in [*first, *rest]
    ]


class SubmissionForm(FlaskForm):
    """Propose an event. Every field is checked here; the moderators see it before anyone else."""

    language = SelectField(
        _l("The language you write in"),
        choices=[SelectChoice(lang, LANGUAGE_NAMES[lang]) for lang in LANGUAGES],
        invalid_choice_message=_l("Choose a language from the list."),
    )
    title = StringField(
        _l("Title of the event"),
        filters=[one_line],
        validators=[
            InputRequired(message=_l("Give the title of the event.")),
            Length(max=TITLE_MAX),
        ],
    )
    description = TextAreaField(
        _l("Description (optional)"),
        description=_l(
            "What happens, who is welcome, what to bring. You can use Markdown: **bold**, "
            "*italic*, [a link](https://example.org)."
        ),
        filters=[text_block],
        validators=[Length(max=DESCRIPTION_MAX)],
    )
    kind = SelectField(
        _l("Kind of event"),
        choices=[SelectChoice(kind.value, KIND_LABELS[kind]) for kind in EventKind],
        default=EventKind.VIGIL.value,
        invalid_choice_message=_l("Choose a kind of event from the list."),
    )
    commemoration = SelectField(
        _l("Day of remembrance (optional)"),
        invalid_choice_message=_l("Choose a day of remembrance from the list."),
    )
    venue = SelectField(
        _l("Venue"),
        description=_l("Choose the place from the list, or propose a new one below."),
        invalid_choice_message=_l("Choose a venue from the list."),
    )
    venue_name = StringField(
        _l("Name of the new venue"), filters=[one_line], validators=[Length(max=NAME_MAX)]
    )
    venue_address = StringField(
        _l("Street address"), filters=[one_line], validators=[Length(max=ADDRESS_MAX)]
    )
    venue_city = StringField(
        _l("Town or city"), filters=[one_line], validators=[Length(max=CITY_MAX)]
    )
    venue_country = SelectField(
        _l("Country"), invalid_choice_message=_l("Choose a country from the list.")
    )
    day = DateField(_l("Date"), validators=[InputRequired(message=_l("Give the date."))])
    start_time = TimeField(
        _l("Starts at"),
        format=TIME_FORMATS,
        validators=[InputRequired(message=_l("Give the time it starts."))],
    )
    end_time = TimeField(
        _l("Ends at"),
        format=TIME_FORMATS,
        validators=[InputRequired(message=_l("Give the time it ends."))],
    )
    group_name = StringField(
        _l("Name of your group"),
        description=_l("A parish, a school, a society: it is shown as the organiser."),
        filters=[one_line],
        validators=[
            InputRequired(message=_l("Give the name of your group.")),
            Length(max=NAME_MAX),
        ],
    )
    contact_email = EmailField(
        _l("Your e-mail address"),
        description=_l(
            "Only the moderators see it, to ask you about the event. It is never published."
        ),
        filters=[one_line],
        validators=[
            InputRequired(message=_l("Give an e-mail address we can write to.")),
            Length(max=254),
        ],
    )
    # A field people never see (hidden by the style sheet); robots that fill every field do.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])
    # When a returned submission is corrected: the version the submitter saw.
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    # Set by validate(): what the operations take.
    values: dict[str, Any]

    @classmethod
    def build(cls, **kwargs: Any) -> SubmissionForm:
        """The form with the commemorations, venues and countries to choose from."""
        form = cls(**kwargs)
        commemorations = db.session.execute(select(Commemoration).order_by(Commemoration.slug))
        form.commemoration.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(c.slug, c.display_name()) for c in commemorations.scalars()
        ]
        venues = db.session.execute(select(Venue).order_by(Venue.country, Venue.slug)).scalars()
        form.venue.choices = [SelectChoice(NEW_VENUE, _l("A new venue (describe it below)"))] + [
            SelectChoice(v.slug, f"{v.display_name()}, {v.city or v.country}") for v in venues
        ]
        form.venue_country.choices = country_choices()
        if not form.is_submitted() and kwargs.get("obj") is None:
            reader = current_language()
            form.language.data = reader
            form.venue_country.data = next(
                (code for code, lang in COUNTRY_LANGUAGES.items() if lang == reader), ""
            )
        return form

    def fill_from(self, submission: Submission) -> None:
        """Show a submission's current values (times local to its venue), to correct them."""
        self.language.data = submission.language
        self.title.data = submission.title
        self.description.data = submission.description
        self.kind.data = submission.kind.value
        self.commemoration.data = submission.commemoration.slug if submission.commemoration else ""
        self.venue.data = submission.venue.slug if submission.venue else NEW_VENUE
        if submission.venue is None:
            self.venue_name.data = submission.venue_name
            self.venue_address.data = submission.venue_address
            self.venue_city.data = submission.venue_city
            self.venue_country.data = submission.country
        start, end = submission.local_start, submission.local_end
        self.day.data = start.date()
        self.start_time.data = start.time().replace(tzinfo=None)
        self.end_time.data = end.time().replace(tzinfo=None)
        self.group_name.data = submission.group_name
        self.contact_email.data = submission.contact_email
        self.version.data = submission.version

    @property
    def is_robot(self) -> bool:
        return bool((self.website.data or "").strip())

    def _chosen(self, model: type, slug: str | None) -> Any:
        if not slug:
            return None
        return db.session.execute(select(model).where(model.slug == slug)).scalar_one_or_none()

    def _fail(self, field: Any, message: str) -> bool:
        field.errors = [*field.errors, message]
        return False

    def _place(self) -> tuple[Venue | None, str | None]:
        """The chosen venue, or the proposed one's country; None when neither is complete."""
        venue = self._chosen(Venue, self.venue.data)
        if venue is not None:
            return venue, venue.country
        if self.venue.errors:
            return None, None
        ok = True
        if not self.venue_name.data:
            ok = self._fail(
                self.venue_name,
                gettext("Choose a venue from the list, or give the new one's name."),
            )
        if not self.venue_city.data:
            ok = self._fail(self.venue_city, gettext("Give the town or city."))
        if not is_country(self.venue_country.data) and not self.venue_country.errors:
            ok = self._fail(self.venue_country, gettext("Choose the country."))
        return None, (self.venue_country.data if ok else None)

    def validate(self, extra_validators=None) -> bool:
        # Every mistake is shown at once: the place is checked even when other fields failed.
        ok = super().validate(extra_validators)
        venue, country = self._place()
        if not ok or country is None:
            return False
        try:
            email = normalise_email(self.contact_email.data, "contact_email", required=True)
        except ValidationError:
            ok = self._fail(self.contact_email, gettext("This is not a valid e-mail address."))
        zone = venue.timezone if venue is not None else default_timezone(country)
        try:
            starts_at, ends_at = local_instants(
                self.day.data, self.start_time.data, self.end_time.data, zone
            )
        except ValidationError as error:
            return self._fail(getattr(self, error.field, self.day), str(error.message))
        if self.day.data < datetime.now(ZoneInfo(zone)).date():
            return self._fail(self.day, gettext("This date has passed. Give a date to come."))
        if not ok:
            return False
        self.values = {
            "language": self.language.data,
            "title": self.title.data,
            "description": self.description.data or "",
            "kind": EventKind(self.kind.data),
            "commemoration": self._chosen(Commemoration, self.commemoration.data),
            "venue": venue,
            "venue_name": "" if venue else self.venue_name.data,
            "venue_address": "" if venue else self.venue_address.data or "",
            "venue_city": "" if venue else self.venue_city.data or "",
            "country": country,
            "timezone": zone,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "group_name": self.group_name.data,
            "contact_email": email,
        }
        return True
