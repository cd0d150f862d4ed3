"""Forms of drills and contests. Answers are read from the request by question id, as a quiz's."""

from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length

from learnhub.core.forms import Form, PlainField
from learnhub.core.i18n import lazy_gettext as _l


class ActionForm(Form):
    """A button and its CSRF token: start a drill, answer a question."""


class ContestForm(Form):
    """A new contest; the service checks the values."""

    title = StringField(_l("Title"), validators=[Length(max=200)])
    occupation = SelectField(_l("For workers of"), choices=[], validate_choice=False)
    courses = SelectMultipleField(
        _l("Question banks of the courses"),
        choices=[],
        validate_choice=False,
        description=_l("Each contestant's paper is drawn from the banks of these courses."),
    )
    basic = PlainField(
        _l("Basic questions"), default="6", validators=[Length(max=10)], render_kw={"inputmode": "numeric"}
    )
    harder = PlainField(
        _l("Harder questions"), default="4", validators=[Length(max=10)], render_kw={"inputmode": "numeric"}
    )
    each_topic = BooleanField(_l("At least one question of every topic"), default=True)
    time_limit = PlainField(
        _l("Time limit (minutes)"), default="15", validators=[Length(max=10)], render_kw={"inputmode": "numeric"}
    )
    opens_at = PlainField(
        _l("Opens"), validators=[Length(max=40)], description=_l("Beijing time, such as 2026-12-01 09:00.")
    )
    closes_at = PlainField(_l("Closes"), validators=[Length(max=40)])
