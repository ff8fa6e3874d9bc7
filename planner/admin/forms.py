"""Administration forms. Domain rules stay in the models; these only shape the input."""

from __future__ import annotations

import calendar
from functools import cache
from zoneinfo import available_timezones

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from planner.i18n import LANGUAGES
from planner.inputs import PlannerForm

LANGUAGE_LABELS = {
    "en": _l("in English"),
    "et": _l("in Estonian"),
    "lv": _l("in Latvian"),
    "lt": _l("in Lithuanian"),
}
FORM_LANGUAGES = LANGUAGES


def _texts(label, *, area: bool = False, max_length: int = 200):
    """One optional field per language, e.g. name_en, name_et, name_lv, name_lt."""
    field_class = TextAreaField if area else StringField
    return {
        lang: field_class(
            _l("%(what)s %(language)s", what=label, language=LANGUAGE_LABELS[lang]),
            validators=[Optional(), Length(max=max_length)],
        )
        for lang in FORM_LANGUAGES
    }


def with_texts(cls, name: str, label, **kwargs):
    for lang, field in _texts(label, **kwargs).items():
        setattr(cls, f"{name}_{lang}", field)
    return cls


def texts_from(form, name: str) -> dict[str, str]:
    return {lang: getattr(form, f"{name}_{lang}").data or "" for lang in FORM_LANGUAGES}


def texts_to_data(name: str, texts: dict[str, str] | None) -> dict[str, str]:
    return {f"{name}_{lang}": (texts or {}).get(lang, "") for lang in FORM_LANGUAGES}


def month_choices() -> list[SelectChoice]:
    from babel.dates import get_month_names

    names = get_month_names("wide", locale=str(get_locale() or "en"))
    return [SelectChoice(str(number), names[number]) for number in range(1, 13)]


def country_choices() -> list[SelectChoice]:
    """Every country by its name in the reader's language, with the code beside it."""
    from babel import Locale

    from planner.countries import is_country

    names = Locale.parse(str(get_locale() or "en")).territories
    countries = sorted(
        (name, code) for code, name in names.items() if len(code) == 2 and is_country(code)
    )
    return [
        SelectChoice("", _l("Choose a country")),
        *(SelectChoice(code, f"{name} ({code})") for name, code in countries),
    ]


@cache
def zone_choices() -> tuple[SelectChoice, ...]:
    return tuple(SelectChoice(zone) for zone in sorted(available_timezones()) if "/" in zone)


class _SlugMixin:
    slug = StringField(
        _l("Web address name (slug)"),
        validators=[DataRequired(), Length(max=120)],
    )


class CommemorationForm(_SlugMixin, PlannerForm):
    rule_kind = RadioField(
        _l("When is it?"),
        choices=[
            SelectChoice("date", _l("On the same date every year")),
            SelectChoice("rule", _l("By a rule (for example, the third Sunday of May)")),
        ],
        default="date",
    )
    month = SelectField(_l("Month"), choices=month_choices, validators=[Optional()])
    day = IntegerField(_l("Day"), validators=[Optional(), NumberRange(min=1, max=31)])
    rrule = StringField(_l("Recurrence rule (RRULE)"), validators=[Optional(), Length(max=200)])
    countries = StringField(
        _l("Observed in (country codes)"), validators=[DataRequired(), Length(max=200)]
    )
    remembered_year = IntegerField(
        _l("Year of what is remembered"), validators=[Optional(), NumberRange(min=1, max=9999)]
    )
    first_observed_year = IntegerField(
        _l("Year first observed"), validators=[Optional(), NumberRange(min=1, max=9999)]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here, not in validate_day: Optional() ends the day's checks when it is empty.
        if self.rule_kind.data == "date" and not self.day.errors:
            problem = self._fixed_date_problem()
            if problem:
                self.day.errors = [*self.day.errors, problem]
                valid = False
        return valid

    def _fixed_date_problem(self):
        if not self.day.data or not self.month.data:
            return _l("Choose the month and the day.")
        month = int(self.month.data)
        if self.day.data > calendar.monthrange(2000, month)[1]:  # 2000 is a leap year
            return _l("That month has no such day.")
        return None

    def validate_rrule(self, field) -> None:
        if self.rule_kind.data == "rule" and not (field.data or "").strip():
            raise ValidationError(_l("Write the rule, or choose a fixed date."))

    def recurrence(self) -> str:
        """The RRULE the form describes: built from month and day, or as written."""
        if self.rule_kind.data == "date":
            return f"FREQ=YEARLY;BYMONTH={int(self.month.data)};BYMONTHDAY={self.day.data}"
        return (self.rrule.data or "").strip()

    def country_codes(self) -> list[str]:
        return [code.strip() for code in (self.countries.data or "").split(",") if code.strip()]


with_texts(CommemorationForm, "name", _l("Name"))
with_texts(CommemorationForm, "description", _l("Description"), area=True, max_length=5000)


class VenueForm(_SlugMixin, PlannerForm):
    address = StringField(_l("Street address"), validators=[Optional(), Length(max=300)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    country = SelectField(_l("Country"), choices=country_choices, validators=[DataRequired()])
    latitude = StringField(_l("Latitude"), validators=[Optional(), Length(max=30)])
    longitude = StringField(_l("Longitude"), validators=[Optional(), Length(max=30)])
    timezone = SelectField(
        _l("Time zone"),
        choices=lambda: [SelectChoice("", _l("From the country (usual)")), *zone_choices()],
        validators=[Optional()],
    )


with_texts(VenueForm, "name", _l("Name"))
with_texts(VenueForm, "accessibility_notes", _l("Accessibility notes"), area=True, max_length=2000)


class OrganisationForm(_SlugMixin, PlannerForm):
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    contact_email = StringField(
        _l("Contact e-mail address"), validators=[Optional(), Length(max=254)]
    )
    country = SelectField(_l("Country"), choices=country_choices, validators=[DataRequired()])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])


with_texts(OrganisationForm, "name", _l("Name"))
with_texts(OrganisationForm, "description", _l("Description"), area=True, max_length=5000)
