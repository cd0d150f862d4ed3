"""The profile page's form for a personal API token."""

from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from learnhub.core.forms import Form, as_choices
from learnhub.core.i18n import lazy_gettext as _l


class TokenForm(Form):
    name = StringField(
        _l("Name of the token"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("The app that will use it, e.g. 职工之家 app on my phone."),
    )
    scopes = SelectMultipleField(
        _l("The token may"),
        validators=[DataRequired()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def __init__(self, *args, scopes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes.choices = as_choices(scopes)


class RevokeForm(Form):
    """A revoke button and its CSRF token."""


class ClientForm(Form):
    name = StringField(
        _l("Name of the system"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("E.g. 江南省产业工人队伍基础数据库."),
    )
    org_id = SelectField(_l("Union"), description=_l("The client sees this union and every union below it."))
    scopes = SelectMultipleField(
        _l("The system may"),
        validators=[DataRequired()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def __init__(self, *args, scopes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes.choices = as_choices(scopes)
