"""The organiser's forms: planning and editing an event, and the lifecycle steps."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from planner.accounts.permissions import plannable_organisations
from planner.commemorations.labels import distinct_labels
from planner.commemorations.models import Commemoration
from planner.db import ValidationError
from planner.events.fields import FORM_FIELDS
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
from planner.inputs import PlannerForm
from planner.manage.fields import TIME_FORMATS, hidden_version
from planner.markdown import render_markdown
from planner.organisations.models import Organisation
from planner.venues.models import Venue
from planner.web import is_slug

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


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (clearer than a multiple select box)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EventForm(PlannerForm):
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
    version = hidden_version()
    # The values the form was opened with (JSON): a stale save tells them from what was typed.
    original = HiddenField()
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
        # The host is not offered as its own co-host.
        current = event.hosts[0].organisation.slug if event is not None and event.hosts else None
        host = form.organisation.data or current
        host = host or (hosts[0].slug if hosts else None)
        everyone = db.session.execute(select(Organisation).order_by(Organisation.slug)).scalars()
        form.cohosts.choices = [
            SelectChoice(o.slug, o.display_name()) for o in everyone if o.slug != host
        ]
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
        self.original.data = json.dumps(self.shown_values(), ensure_ascii=False)

    def shown_values(self) -> dict[str, str]:
        """The planning fields as shown (what a browser sends back unchanged)."""
        values = {}
        for name in FORM_FIELDS:
            field = getattr(self, name)
            if name == "cohosts":
                values[name] = ",".join(field.data or [])
            elif hasattr(field, "_value"):
                values[name] = str(field._value() or "").strip()
            else:
                values[name] = str(field.data or "")
        return values

    def event_values(self) -> dict[str, Any]:
        """What the operations take from the form (after validate())."""
        return {
            "title": self.titles(),
            "description": self.descriptions(),
            "kind": EventKind(self.kind.data),
            "commemoration": self.commemoration_obj,
            "venue": self.venue_obj,
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
        }

    def chosen(self, model: type, slug: str | None) -> Any:
        if not slug or not is_slug(slug):
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

    def show_error(self, error: ValidationError) -> None:
        """Show an error that names a field beside that field (else beside the date)."""
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
            self.show_error(error)
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
            self.show_error(error)
            ok = False
        try:
            host = self.chosen(Organisation, self.organisation.data)
            cohosts = [self.chosen(Organisation, slug) for slug in self.cohosts.data or []]
            self.organisations = resolve_hosts(self.user, host, cohosts, self.event)
        except ValidationError as error:
            self.show_error(error)
            ok = False
        return ok

    @property
    def local_language(self) -> str | None:
        return venue_language(self.chosen_venue)
