"""The forms of the lifecycle steps: publish, restore, delete and plan again (no details),
cancel (a note, asked twice) and postpone (a new local time, or until further notice)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, TextAreaField, TimeField
from wtforms.validators import Length, Optional

from planner.db import ValidationError
from planner.events.fields import FORM_LANGUAGES
from planner.events.models import Event
from planner.events.planning import local_instants
from planner.inputs import PlannerForm
from planner.manage.fields import TIME_FORMATS, hidden_version
from planner.timeutil import local_to_utc

NOTE_LABELS = {
    "en": _l("Note to the public in English"),
    "et": _l("Note to the public in Estonian"),
    "lv": _l("Note to the public in Latvian"),
    "lt": _l("Note to the public in Lithuanian"),
}


class ActionForm(PlannerForm):
    """A lifecycle step with no details: publish, restore, delete, plan again."""

    version = hidden_version()
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


class CancelForm(_NoteFields, PlannerForm):
    """Cancel a published event; it stays public, marked cancelled, with this note.

    The first press shows what will happen and asks again (`confirmed` is then sent).
    """

    version = hidden_version()
    confirmed = HiddenField()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "yes"


class PostponeForm(_NoteFields, PlannerForm):
    """Postpone to a new time, or until further notice. The new time is local to the venue."""

    version = hidden_version()
    until_further_notice = BooleanField(_l("No new date yet: postpone until further notice"))
    day = DateField(_l("New date"), validators=[Optional()])
    start_time = TimeField(_l("New start time"), format=TIME_FORMATS, validators=[Optional()])
    end_time = TimeField(
        _l("New end time (optional)"),
        format=TIME_FORMATS,
        validators=[Optional()],
        description=_l("Leave empty to keep the same length."),
    )
    confirm_clash = BooleanField(_l("I know about the clash, postpone anyway"))

    # Set by validate(): the new instants (None until further notice; ends_at None keeps
    # the event's length).
    starts_at = ends_at = None

    @classmethod
    def build(cls, event: Event, **kwargs: Any) -> PostponeForm:
        """The form for `event`; shown unsent, it holds the event's current date and times."""
        form = cls(**kwargs)
        form.event = event
        if kwargs.get("formdata", True) is None:
            start, end = event.local_start, event.local_end
            form.day.data = start.date()
            form.start_time.data = start.time().replace(tzinfo=None)
            form.end_time.data = end.time().replace(tzinfo=None)
            form.version.data = event.version
        return form

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.until_further_notice.data:
            return True
        if not (self.day.data and self.start_time.data):
            message = _l(
                "Give the new date and start time, or tick “postpone until further notice”."
            )
            self.day.errors = [*self.day.errors, message]
            return False
        try:
            if self.end_time.data:
                self.starts_at, self.ends_at = local_instants(
                    self.day.data, self.start_time.data, self.end_time.data, self.event.timezone
                )
            else:
                self.starts_at = local_to_utc(
                    self.day.data, self.start_time.data, self.event.zone, "start_time"
                )
        except ValidationError as error:
            field = getattr(self, error.field)
            field.errors = [*field.errors, str(error.message)]
            return False
        if self.starts_at == self.event.starts_at and self.ends_at in (None, self.event.ends_at):
            message = _l(
                "That is the time the event has now. Give the new date and time, or tick "
                "“postpone until further notice”."
            )
            self.day.errors = [*self.day.errors, message]
            return False
        return True
