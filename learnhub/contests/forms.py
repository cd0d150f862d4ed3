"""Forms of drills and contests. Answers are read from the request by question id, as a quiz's."""

from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import Length

from learnhub.core.forms import Form, PlainField
from learnhub.core.i18n import lazy_gettext as _l


class ActionForm(Form):
    """A button and its CSRF token: start a drill, answer a question."""


class _Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ContestForm(Form):
    """A new contest; the service checks the values."""

    title = StringField(_l("Title"), validators=[Length(max=200)])
    occupation = SelectField(_l("For workers of"), choices=[], validate_choice=False)
    levels = _Checkboxes(
        _l("Of these skill levels"),
        choices=[],
        validate_choice=False,
        description=_l("None ticked: workers of every skill level may enter."),
    )
    stage = SelectField(_l("Stage"), choices=[], validate_choice=False)
    previous = SelectField(
        _l("Round below"),
        choices=[],
        validate_choice=False,
        description=_l("Only those who went through from this round may enter. None: every worker above may enter."),
    )
    admit_top = PlainField(
        _l("The best of each union who go through"),
        validators=[Length(max=10)],
        render_kw={"inputmode": "numeric"},
        description=_l("Of each union of the round below, such as 3; or give a share instead."),
    )
    admit_percent = PlainField(
        _l("Or the best share of each union (per cent)"),
        validators=[Length(max=10)],
        render_kw={"inputmode": "numeric"},
    )
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
    credits = PlainField(
        _l("Credits for taking part"),
        validators=[Length(max=12)],
        render_kw={"inputmode": "decimal"},
        description=_l(
            "Paid into each ranked contestant's learning account when the results are published. Empty: none."
        ),
    )
    hours = PlainField(
        _l("Learning hours for taking part"), validators=[Length(max=10)], render_kw={"inputmode": "decimal"}
    )
    winners = PlainField(
        _l("Winners who get a credential"),
        default="3",
        validators=[Length(max=10)],
        render_kw={"inputmode": "numeric"},
        description=_l("The first places (ties included) get a credential anyone can check. 0: none."),
    )
    opens_at = PlainField(
        _l("Opens"), validators=[Length(max=40)], description=_l("Beijing time, such as 2026-12-01 09:00.")
    )
    closes_at = PlainField(_l("Closes"), validators=[Length(max=40)])
