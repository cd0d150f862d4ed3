"""Forms check the shape of input; rules that need the database live in services."""

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional

from learnhub.accounts.models import ROLES
from learnhub.core.forms import Form, PlainField, as_choices
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.vocab import OCCUPATIONS, SKILL_LEVELS


def _occupation_choices():
    return as_choices([("", _l("Choose your occupation"))] + OCCUPATIONS)


class RegisterForm(Form):
    login = PlainField(
        _l("Mobile number or username"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("You will log in with it. A mobile number is easiest."),
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=50)], render_kw={"autocomplete": "name"})
    org_query = StringField(
        _l("Your enterprise union"),
        validators=[Length(max=60)],
        description=_l("Type part of its name, e.g. the name of your factory."),
        render_kw={"autocomplete": "off"},
    )
    org_id = RadioField(_l("Choose your union"), choices=[], coerce=str, validate_choice=False, validators=[Optional()])
    occupation = SelectField(_l("Occupation"), choices=_occupation_choices(), validators=[DataRequired()])
    skill_level = SelectField(
        _l("Skill level"), choices=as_choices(SKILL_LEVELS), default="none", validators=[DataRequired()]
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=128)],
        description=_l("At least 8 characters. A short sentence is easy to remember and hard to guess."),
        render_kw={"autocomplete": "new-password"},
    )
    password2 = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    # Asked for when PHONE_VERIFICATION is on and the login is a mobile number.
    code = PlainField(
        _l("Code from the SMS"),
        validators=[Optional(), Length(max=12)],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )
    consent = BooleanField(
        _l("I have read the privacy notice and agree that my data is used as it says."),
        validators=[DataRequired(message=_l("Please accept the privacy notice to register."))],
    )


class LoginForm(Form):
    login = PlainField(
        _l("Mobile number or username"),
        validators=[DataRequired(), Length(max=40)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=128)], render_kw={"autocomplete": "current-password"}
    )
    next = HiddenField()


class NewPasswordForm(Form):
    """A new password, typed twice (changing it, resetting it by SMS code)."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=128)],
        description=_l("At least 8 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    password2 = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class PasswordForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )


class ProfileForm(Form):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=50)])
    phone = PlainField(
        _l("Mobile number"),
        validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    occupation = SelectField(_l("Occupation"), choices=_occupation_choices(), validators=[Optional()])
    skill_level = SelectField(_l("Skill level"), choices=as_choices(SKILL_LEVELS), validators=[DataRequired()])


class LanguageForm(Form):
    locale = HiddenField(validators=[InputRequired()])
    next = HiddenField()


class DeleteAccountForm(Form):
    password = PasswordField(
        _l("Your password, to confirm"),
        validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )


class ConfirmForm(Form):
    """A button and its CSRF token, for actions that need nothing else."""


class PeopleFilterForm(Form):
    class Meta:
        csrf = False  # a GET search, no state changes

    q = StringField(_l("Name, username or phone"), validators=[Optional(), Length(max=50)])
    union = StringField(_l("Union"), validators=[Optional(), Length(max=60)])
    role = SelectField(
        _l("Role"), choices=as_choices([("", _l("All roles"))] + list(ROLES.items())), validators=[Optional()]
    )
    occupation = SelectField(
        _l("Occupation"), choices=as_choices([("", _l("All occupations"))] + OCCUPATIONS), validators=[Optional()]
    )
    skill_level = SelectField(
        _l("Skill level"), choices=as_choices([("", _l("All levels"))] + SKILL_LEVELS), validators=[Optional()]
    )


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=as_choices(ROLES.items()), validators=[DataRequired()])


class MoveForm(Form):
    org_query = StringField(
        _l("Move to union"), validators=[Length(max=60)], description=_l("Type part of the union's name.")
    )
    org_id = RadioField(_l("Choose the union"), choices=[], coerce=str, validate_choice=False, validators=[Optional()])


class ImportForm(Form):
    file = FileField(_l("CSV or Excel file of workers"), validators=[FileRequired()])


class ImportConfirmForm(Form):
    payload = HiddenField(validators=[DataRequired()])
    filename = HiddenField()


class CodeForm(Form):
    """A code from the authenticator app, or a recovery code (two-step sign-in)."""

    code = PlainField(
        _l("Code"),
        validators=[DataRequired(), Length(max=24)],
        description=_l("The 6 digits your authenticator app shows now, or one of your recovery codes."),
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"},
    )


class RegisterCodeForm(Form):
    phone = PlainField(
        _l("Your mobile number"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )


class ForgotForm(Form):
    phone = PlainField(
        _l("Mobile number of your account"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )


class ResetForm(NewPasswordForm):
    phone = PlainField(
        _l("Mobile number of your account"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    code = PlainField(
        _l("Code from the SMS"),
        validators=[DataRequired(), Length(max=12)],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )


class ActivateForm(Form):
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=128)],
        description=_l("At least 8 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    password2 = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
