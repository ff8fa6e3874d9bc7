"""Forms for signing in, passwords, invitations and members."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length

from planner.accounts.models import MIN_PASSWORD_LENGTH
from planner.inputs import PlannerForm
from planner.organisations.models import Role


def role_choices() -> list[SelectChoice]:
    return [
        SelectChoice(Role.EDITOR.value, _l("Editor — plans and edits the organisation's events")),
        SelectChoice(Role.OWNER.value, _l("Owner — also manages the members")),
    ]


class LoginForm(PlannerForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordChangeForm(PlannerForm):
    current_password = PasswordField(
        _l("Your current password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class InviteForm(PlannerForm):
    email = EmailField(_l("Their e-mail address"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=role_choices, default=Role.EDITOR.value)


class AcceptInvitationForm(PlannerForm):
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("The same password again"),
        validators=[DataRequired(), EqualTo("password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class RoleForm(PlannerForm):
    role = SelectField(_l("Role"), choices=role_choices)


class AddMemberForm(PlannerForm):
    email = EmailField(
        _l("E-mail address of an existing account"), validators=[DataRequired(), Length(max=254)]
    )
    role = SelectField(_l("Role"), choices=role_choices, default=Role.EDITOR.value)


class ConfirmForm(PlannerForm):
    """A form with nothing but its CSRF token, for buttons that change something."""


class AdminInviteForm(PlannerForm):
    email = EmailField(_l("Their e-mail address"), validators=[DataRequired(), Length(max=254)])
    organisation = SelectField(_l("Organisation"), choices=[])
    role = SelectField(_l("Role"), choices=role_choices, default=Role.EDITOR.value)
    make_admin = BooleanField(_l("Make them a site administrator"))
