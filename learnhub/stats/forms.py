"""Forms of the statistics pages: the period, the roster's filters, a required course."""

from wtforms import DateField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from learnhub.core.forms import Form, as_choices
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.inputs import parse_id
from learnhub.core.vocab import OCCUPATIONS, SKILL_LEVELS
from learnhub.stats.periods import PERIODS

ACTIVITY_CHOICES = [
    ("", _l("Any learning activity")),
    ("active", _l("Learned in the last 30 days")),
    ("lapsed", _l("Learned before, not in the last 30 days")),
    ("never", _l("Has never learned")),
]


class PeriodForm(Form):
    class Meta:
        csrf = False  # a GET form that changes nothing

    period = SelectField(_l("Period"), choices=as_choices(PERIODS.items()), validators=[Optional()])
    start = StringField(
        _l("From"), validators=[Optional(), Length(max=10)], render_kw={"type": "date", "placeholder": "2026-01-01"}
    )
    end = StringField(
        _l("To"), validators=[Optional(), Length(max=10)], render_kw={"type": "date", "placeholder": "2026-12-31"}
    )


class RosterFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Name"), validators=[Optional(), Length(max=50)])
    union = StringField(_l("Union"), validators=[Optional(), Length(max=60)])
    occupation = SelectField(
        _l("Occupation"), choices=as_choices([("", _l("All occupations"))] + OCCUPATIONS), validators=[Optional()]
    )
    skill_level = SelectField(
        _l("Skill level"), choices=as_choices([("", _l("All levels"))] + SKILL_LEVELS), validators=[Optional()]
    )
    activity = SelectField(_l("Learning activity"), choices=as_choices(ACTIVITY_CHOICES), validators=[Optional()])


class RequireForm(Form):
    course = SelectField(_l("Course"), choices=[], validators=[DataRequired()], validate_choice=False)
    occupations = SelectMultipleField(
        _l("Only these occupations (none chosen: all)"), choices=as_choices(OCCUPATIONS), validators=[Optional()]
    )
    skill_levels = SelectMultipleField(
        _l("Only these skill levels (none chosen: all)"), choices=as_choices(SKILL_LEVELS), validators=[Optional()]
    )
    due_on = DateField(
        _l("Deadline"),
        validators=[DataRequired(message=_l("Enter a date such as 2026-03-01."))],
        format="%Y-%m-%d",
        render_kw={"placeholder": "2026-12-31"},
    )


class RemindForm(Form):
    """Remind the workers of a not-finished list: those ticked, or all of them."""

    people = SelectMultipleField(_l("Remind"), validate_choice=False)
    selected = SubmitField(_l("Remind the ticked workers"))
    everyone = SubmitField(_l("Remind them all"))

    def validate_people(self, field):
        if self.everyone.data:
            return
        if not field.data:
            raise ValidationError(_l("Tick the workers to remind, or remind them all."))
        if len(field.data) > 100:
            raise ValidationError(_l("Tick at most 100 people at a time."))
        if any(parse_id(value) is None for value in field.data):
            raise ValidationError(_l("Some of the people you chose are not on this list any more. Choose again."))

    @property
    def chosen(self):
        """The ids ticked (after validation), or () for everyone."""
        return () if self.everyone.data else [parse_id(value) for value in self.people.data]
