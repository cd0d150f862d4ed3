"""Forms check the shape of input; the rules (eligibility, scope, limits) live in services."""

from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional

from learnhub.catalog.models import CATEGORIES
from learnhub.contests.stages import STAGE_LABELS
from learnhub.core.forms import Form, PlainField, as_choices
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.vocab import OCCUPATIONS, SKILL_LEVELS
from learnhub.recognition.models import TARGET_KINDS


class ActionForm(Form):
    """A button and its CSRF token."""


class ApplyForm(Form):
    note = TextAreaField(
        _l("A note for the reviewer (optional)"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 3}
    )


class RespondForm(Form):
    message = TextAreaField(_l("Your answer"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 4})
    files = MultipleFileField(
        _l("Photos or PDFs (optional)"),
        description=_l("For example a photo of the certificate; up to 3 files, at most 6 MB each."),
        render_kw={"accept": "image/jpeg,image/png,image/webp,application/pdf"},
    )


class DecisionForm(Form):
    """Approve, reject or ask for more: one form, so a reviewer cannot send two actions at once."""

    message = TextAreaField(
        _l("Reason or question for the worker"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Needed to reject or to ask for more information; the worker reads it."),
        render_kw={"rows": 3},
    )


class ReasonForm(Form):
    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Shown to everyone who checks the credential."),
    )


class PriorLearningForm(Form):
    title = StringField(
        _l("What you learned"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("For example the name of the training course."),
    )
    issuer = StringField(
        _l("Issued by"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("The school, training centre or company on the certificate."),
    )
    achieved_on = PlainField(
        _l("Date on the certificate"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("Year-month-day, such as 2024-06-30."),
        render_kw={"type": "date"},
    )
    hours = PlainField(
        _l("Hours of learning"), validators=[DataRequired(), Length(max=10)], render_kw={"inputmode": "decimal"}
    )
    description = TextAreaField(
        _l("Description (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3}
    )
    file = FileField(
        _l("Photo or PDF of the certificate"),
        description=_l("A clear photo of the whole certificate, or a PDF; at most 6 MB."),
        render_kw={"accept": "image/jpeg,image/png,image/webp,application/pdf"},
    )


class GrantForm(Form):
    credits = PlainField(
        _l("Credits to grant"), validators=[DataRequired(), Length(max=12)], render_kw={"inputmode": "decimal"}
    )
    hours = PlainField(
        _l("Hours to grant"), validators=[DataRequired(), Length(max=10)], render_kw={"inputmode": "decimal"}
    )


class RejectForm(Form):
    reason = TextAreaField(
        _l("Reason for rejecting"), validators=[DataRequired(), Length(max=1000)], render_kw={"rows": 3}
    )


class VerifyForm(Form):
    token = TextAreaField(
        _l("Signed credential (VC-JWT)"),
        validators=[DataRequired(), Length(max=20000)],
        render_kw={"rows": 6, "spellcheck": "false", "autocapitalize": "none"},
    )


class _Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class PathwayForm(Form):
    base_version = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    summary = TextAreaField(
        _l("Summary"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
        description=_l("What the worker gains, in a sentence or two."),
    )
    target_kind = SelectField(_l("Leads to"), choices=as_choices(TARGET_KINDS.items()), validators=[DataRequired()])
    institution = StringField(
        _l("Recognised by"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("The college, assessment centre or certificate issuer."),
    )
    programme = StringField(
        _l("Programme or certificate"),
        validators=[Optional(), Length(max=120)],
        description=_l("Academic credit: the programme. Certificate: its name."),
    )
    course_name = StringField(
        _l("Course in the programme"),
        validators=[Optional(), Length(max=120)],
        description=_l("Academic credit only: the course whose credits are granted."),
    )
    occupation = SelectField(
        _l("Occupation"),
        choices=as_choices([("", "—")] + OCCUPATIONS),
        validators=[Optional()],
        description=_l("Skill-level evidence only."),
    )
    level = SelectField(
        _l("Skill level"),
        choices=as_choices([("", "—")] + SKILL_LEVELS[1:]),
        validators=[Optional()],
        description=_l("Skill-level evidence only."),
    )
    target_credits = PlainField(
        _l("Credits granted"), validators=[Optional(), Length(max=12)], render_kw={"inputmode": "decimal"}
    )
    target_hours = PlainField(
        _l("Hours recognised"),
        validators=[Optional(), Length(max=10)],
        render_kw={"inputmode": "decimal"},
        description=_l("Skill-level evidence: training hours counted toward the level."),
    )
    required_courses = TextAreaField(
        _l("Required courses"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 4},
        description=_l(
            "One course address per line. Put several on one line, separated by |, when any one of them will do."
        ),
    )
    min_credits = PlainField(
        _l("At least this many credits"), validators=[Optional(), Length(max=12)], render_kw={"inputmode": "decimal"}
    )
    min_hours = PlainField(
        _l("At least this many hours"), validators=[Optional(), Length(max=10)], render_kw={"inputmode": "decimal"}
    )
    categories = _Checkboxes(
        _l("Counting credits and hours from these categories"),
        choices=as_choices(CATEGORIES.items()),
        validators=[Optional()],
        description=_l("None ticked: every category counts."),
    )
    occupations = SelectMultipleField(
        _l("Counting courses for these occupations"),
        choices=as_choices([("all", _l("Courses for every occupation"))] + OCCUPATIONS),
        validators=[Optional()],
        render_kw={"size": 6},
        description=_l("None chosen: every course counts."),
    )
    within_years = PlainField(
        _l("Earned within this many years"),
        validators=[Optional(), Length(max=3)],
        render_kw={"inputmode": "numeric"},
        description=_l("Empty: learning of any age counts."),
    )
    counts_prior_learning = BooleanField(_l("Recognised prior learning counts too"))
    placing_stage = SelectField(
        _l("A placing in a skill contest of this stage or above"),
        choices=as_choices([("", "—")] + list(STAGE_LABELS.items())),
        validate_choice=False,
        description=_l("Empty: no placing is required."),
    )
    placing_occupation = SelectField(
        _l("Contest for"), choices=as_choices([("", _l("Any occupation"))] + OCCUPATIONS), validate_choice=False
    )
    placing_top = PlainField(
        _l("Within the first places"), validators=[Optional(), Length(max=10)], render_kw={"inputmode": "numeric"}
    )
    placing_percent = PlainField(
        _l("Or within the best share (per cent)"),
        validators=[Optional(), Length(max=10)],
        render_kw={"inputmode": "numeric"},
        description=_l("Such as 10: the best tenth of those ranked."),
    )
    cap = PlainField(
        _l("Cap: most credits one worker may have recognised toward this programme"),
        validators=[Optional(), Length(max=12)],
        render_kw={"inputmode": "decimal"},
        description=_l("For example half of the programme's credits. Empty: no cap."),
    )
