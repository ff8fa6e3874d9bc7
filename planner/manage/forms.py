"""The organiser's forms: planning and editing an event, and the lifecycle steps."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from planner.accounts.permissions import plannable_organisations
from planner.commemorations.labels import distinct_labels
from planner.commemorations.models import Commemoration
from planner.db import ValidationError
from planner.events.labels import KIND_LABELS
from planner.events.models import Event, EventKind
from planner.events.planning import (
    FORM_LANGUAGES,
    check_title_languages,
    local_instants,
    resolve_hosts,
    venue_language,
)
from planner.extensions import db
from planner.markdown import render_markdown
from planner.organisations.models import Organisation
from planner.venues.models import Venue

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]
TITLE_LABELS = {
    "en": _l("Title in English"),
    "et": _l("Title in Estonian"),
    "lv": _l("Title in Latvian"),
    "lt": _l("Title in Lithuanian"),
}
DESCRIPTION_LABELS = {
    "en": _l("Description in English"),
    "et": _l("Description in Estonian"),
    "lv": _l("Description in Latvian"),
    "lt": _l("Description in Lithuanian"),
}
NOTE_LABELS = {
    "en": _l("Note to the public in English"),
    "et": _l("Note to the public in Estonian"),
    "lv": _l("Note to the public in Latvian"),
    "lt": _l("Note to the public in Lithuanian"),
}


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (clearer than a multiple select box)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _hidden_version() -> IntegerField:
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


class EventForm(FlaskForm):
    """Plan a new event, or edit one: who, what, where, when, in which languages."""

    organisation = SelectField(
        _l("Organising group"),
        invalid_choice_message=_l("Choose one of the organisations you plan events for."),
    )
    cohosts = CheckboxListField(
        _l("Co-hosts (optional)"),
        description=_l("Other organisations that organise this event with you."),
        invalid_choice_message=_l("Choose co-hosts from the list."),
    )
    commemoration = SelectField(
        _l("Day of remembrance (optional)"),
        invalid_choice_message=_l("Choose a day of remembrance from the list."),
    )
    venue = SelectField(
        _l("Venue"),
        validators=[InputRequired(message=_l("Choose a venue."))],
        invalid_choice_message=_l("Choose a venue from the list."),
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
    end_day = DateField(
        _l("Ends on a later day (optional)"),
        description=_l("Leave empty when the event ends on the same day."),
        validators=[Optional()],
    )
    kind = SelectField(
        _l("Kind of event"),
        choices=[SelectChoice(kind.value, KIND_LABELS[kind]) for kind in EventKind],
        default=EventKind.VIGIL.value,
    )
    title_en = StringField(TITLE_LABELS["en"], validators=[Optional(), Length(max=200)])
    title_et = StringField(TITLE_LABELS["et"], validators=[Optional(), Length(max=200)])
    title_lv = StringField(TITLE_LABELS["lv"], validators=[Optional(), Length(max=200)])
    title_lt = StringField(TITLE_LABELS["lt"], validators=[Optional(), Length(max=200)])
    description_en = TextAreaField(DESCRIPTION_LABELS["en"], validators=[Length(max=20000)])
    description_et = TextAreaField(DESCRIPTION_LABELS["et"], validators=[Length(max=20000)])
    description_lv = TextAreaField(DESCRIPTION_LABELS["lv"], validators=[Length(max=20000)])
    description_lt = TextAreaField(DESCRIPTION_LABELS["lt"], validators=[Length(max=20000)])
    confirm_clash = BooleanField(_l("I know about the clash, save anyway"))
    version = _hidden_version()
    suggest = SubmitField(_l("Suggest date and title"))
    preview = SubmitField(_l("Preview the description"))
    save = SubmitField(_l("Save"))

    # Set by validate(): the values the operations take.
    starts_at = ends_at = None
    venue_obj: Venue | None = None
    commemoration_obj: Commemoration | None = None
    organisations: list[Organisation]

    @classmethod
    def build(cls, user: Any, event: Event | None = None, **kwargs: Any) -> EventForm:
        """The form with the choices this user has (a forged choice fails validation)."""
        form = cls(**kwargs)
        form.user, form.event = user, event
        hosts = list(db.session.execute(plannable_organisations(user)).scalars())
        if event is not None and event.hosts and event.hosts[0].organisation not in hosts:
            hosts.insert(0, event.hosts[0].organisation)
        form.organisation.choices = [SelectChoice(o.slug, o.display_name()) for o in hosts]
        everyone = db.session.execute(select(Organisation).order_by(Organisation.slug)).scalars()
        form.cohosts.choices = [SelectChoice(o.slug, o.display_name()) for o in everyone]
        commemorations = db.session.execute(select(Commemoration)).scalars().all()
        labels = distinct_labels(commemorations)
        form.commemoration.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(c.slug, labels[c.id])
            for c in sorted(commemorations, key=lambda c: (labels[c.id].casefold(), c.slug))
        ]
        venues = db.session.execute(select(Venue).order_by(Venue.country, Venue.slug)).scalars()
        form.venue.choices = [SelectChoice("", _l("Choose a venue"))] + [
            SelectChoice(
                v.slug,
                f"{v.display_name()}, {v.city or v.country} ({v.timezone})",
                {"data-timezone": v.timezone},
            )
            for v in venues
        ]
        return form

    def fill_from(self, event: Event) -> None:
        """Show an event's current values (times local to its venue)."""
        self.organisation.data = event.hosts[0].organisation.slug if event.hosts else None
        self.cohosts.data = [host.organisation.slug for host in event.hosts[1:]]
        self.commemoration.data = event.commemoration.slug if event.commemoration else ""
        self.venue.data = event.venue.slug
        start, end = event.local_start, event.local_end
        self.day.data, self.start_time.data = start.date(), start.time().replace(tzinfo=None)
        self.end_time.data = end.time().replace(tzinfo=None)
        self.end_day.data = end.date() if end.date() != start.date() else None
        self.kind.data = event.kind.value
        for lang in FORM_LANGUAGES:
            getattr(self, f"title_{lang}").data = event.title.get(lang, "")
            getattr(self, f"description_{lang}").data = event.description.get(lang, "")
        self.version.data = event.version

    def chosen(self, model: type, slug: str | None) -> Any:
        if not slug:
            return None
        return db.session.execute(select(model).where(model.slug == slug)).scalar_one_or_none()

    @property
    def chosen_venue(self) -> Venue | None:
        return self.chosen(Venue, self.venue.data)

    def titles(self) -> dict[str, str]:
        return {
            lang: (getattr(self, f"title_{lang}").data or "").strip() for lang in FORM_LANGUAGES
        }

    def descriptions(self) -> dict[str, str]:
        return {
            lang: (getattr(self, f"description_{lang}").data or "").strip()
            for lang in FORM_LANGUAGES
        }

    def previews(self) -> dict[str, Any]:
        return {lang: render_markdown(text) for lang, text in self.descriptions().items() if text}

    def _fail(self, error: ValidationError) -> None:
        field = getattr(self, error.field, None) or self.day
        field.errors = [*field.errors, str(error.message)]

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        self.venue_obj = self.chosen_venue
        self.commemoration_obj = self.chosen(Commemoration, self.commemoration.data)
        ok = True
        try:
            check_title_languages(self.titles(), self.venue_obj)
        except ValidationError as error:
            self._fail(error)
            ok = False
        try:
            self.starts_at, self.ends_at = local_instants(
                self.day.data,
                self.start_time.data,
                self.end_time.data,
                self.venue_obj.timezone,
                self.end_day.data,
            )
        except ValidationError as error:
            self._fail(error)
            ok = False
        try:
            host = self.chosen(Organisation, self.organisation.data)
            cohosts = [self.chosen(Organisation, slug) for slug in self.cohosts.data or []]
            self.organisations = resolve_hosts(self.user, host, cohosts, self.event)
        except ValidationError as error:
            self._fail(error)
            ok = False
        return ok

    @property
    def local_language(self) -> str | None:
        return venue_language(self.chosen_venue)


class ActionForm(FlaskForm):
    """A lifecycle step with no details: publish, restore, delete, plan again."""

    version = _hidden_version()
    confirm_clash = BooleanField(_l("I know about the clash, publish anyway"))


class _NoteFields:
    note_en = TextAreaField(NOTE_LABELS["en"], validators=[Length(max=2000)])
    note_et = TextAreaField(NOTE_LABELS["et"], validators=[Length(max=2000)])
    note_lv = TextAreaField(NOTE_LABELS["lv"], validators=[Length(max=2000)])
    note_lt = TextAreaField(NOTE_LABELS["lt"], validators=[Length(max=2000)])

    def notes(self) -> dict[str, str]:
        return {
            lang: (getattr(self, f"note_{lang}").data or "").strip()
            for lang in FORM_LANGUAGES
            if (getattr(self, f"note_{lang}").data or "").strip()
        }


class CancelForm(_NoteFields, FlaskForm):
    """Cancel a published event; it stays public, marked cancelled, with this note."""

    version = _hidden_version()


class PostponeForm(_NoteFields, FlaskForm):
    """Postpone to a new time, or (with no date) until further notice."""

    version = _hidden_version()
    day = DateField(_l("New date"), validators=[Optional()])
    start_time = TimeField(_l("New start time"), format=TIME_FORMATS, validators=[Optional()])
    end_time = TimeField(
        _l("New end time (optional)"),
        format=TIME_FORMATS,
        validators=[Optional()],
        description=_l("Leave empty to keep the same length."),
    )
    confirm_clash = BooleanField(_l("I know about the clash, postpone anyway"))

    @property
    def new_time_given(self) -> bool:
        return bool(self.day.data or self.start_time.data or self.end_time.data)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.new_time_given and not (self.day.data and self.start_time.data):
            message = _l("Give the new date and start time, or leave all three empty.")
            self.day.errors = [*self.day.errors, message]
            return False
        return True
