"""Studio forms: they check the shape of input; the services check the rules."""

from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from learnhub.catalog.models import CATEGORIES, DIFFICULTIES, LANGUAGES, MODULE_KINDS, QUESTION_KINDS
from learnhub.core.forms import Form, PlainField, as_choices
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.vocab import OCCUPATIONS, SKILL_LEVELS

MAX_CHOICE_ROWS = 6


class CourseForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(
        _l("Summary"),
        validators=[DataRequired(), Length(max=4000)],
        description=_l("Two or three sentences: what a worker learns and why it matters."),
        render_kw={"rows": 4},
    )
    category = SelectField(_l("Category"), choices=as_choices(CATEGORIES.items()))
    occupation = SelectField(
        _l("For which occupation"), choices=as_choices([("all", _l("All occupations"))] + OCCUPATIONS)
    )
    target_level = SelectField(_l("For which skill level"), choices=as_choices(SKILL_LEVELS), default="none")
    language = SelectField(_l("Language"), choices=as_choices(LANGUAGES.items()), default="zh_CN")
    credits = PlainField(
        _l("Credits"),
        default="0",
        validators=[Length(max=20)],
        description=_l("All the course's credits, its modules' included, e.g. 1.5."),
        render_kw={"inputmode": "decimal"},
    )
    hours = PlainField(
        _l("Learning hours"),
        default="0",
        validators=[Length(max=20)],
        description=_l("How long the course takes, e.g. 2 or 1.5."),
        render_kw={"inputmode": "decimal"},
    )
    tags = StringField(
        _l("Search words"),
        validators=[Length(max=500)],
        description=_l("Separated by commas, e.g. 用电安全, 触电急救."),
    )
    audience = SelectField(_l("Who may take it"), choices=[], validate_choice=False)


class NewCourseForm(CourseForm):
    slug = PlainField(
        _l("Address (optional)"),
        validators=[Optional(), Length(max=80)],
        description=_l(
            "The course's address: /courses/<address>. Lower-case letters, digits "
            "and '-', e.g. fire-safety. Left empty, one is made up. It cannot "
            "be changed later."
        ),
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )


class ModuleForm(Form):
    kind = SelectField(_l("Kind"), choices=as_choices(MODULE_KINDS.items()))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    key = PlainField(
        _l("Address (optional)"),
        validators=[Optional(), Length(max=80)],
        description=_l("Lower-case letters, digits and '-', e.g. first-aid."),
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )


class _ModuleCommon(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    minutes = PlainField(
        _l("Minutes"),
        default="0",
        validators=[Length(max=10)],
        description=_l("The learning hours this module counts for, in minutes."),
        render_kw={"inputmode": "numeric"},
    )
    credits = PlainField(_l("Credits"), default="0", validators=[Length(max=20)], render_kw={"inputmode": "decimal"})
    is_required = BooleanField(_l("Required to complete the course"), default=True)


class LessonForm(_ModuleCommon):
    video = SelectField(_l("Video"), choices=[], validate_choice=False)
    body = TextAreaField(
        _l("Text (Markdown)"),
        description=_l(
            "## for a heading, **bold**, - for a list, ![description](media/…) for a picture "
            "from Media. Pasted HTML is cleaned: anything unsafe is removed."
        ),
        render_kw={"rows": 18, "spellcheck": "true"},
    )


class QuizForm(_ModuleCommon):
    pass_mark = PlainField(
        _l("Pass mark (%)"), default="60", validators=[Length(max=10)], render_kw={"inputmode": "numeric"}
    )
    attempts = PlainField(
        _l("Attempts allowed"),
        default="0",
        validators=[Length(max=10)],
        description=_l("0 for no limit."),
        render_kw={"inputmode": "numeric"},
    )
    reveal = SelectField(
        _l("When the right answers show"),
        choices=as_choices(
            [
                ("passed", _l("Once the learner passes")),
                ("last", _l("After the last attempt")),
                ("never", _l("Never")),
            ]
        ),
        default="passed",
    )
    time_limit = PlainField(
        _l("Time limit (minutes)"),
        default="0",
        validators=[Length(max=10)],
        description=_l("0: not timed. A timed paper is clocked on the server from when the learner presses Start."),
        render_kw={"inputmode": "numeric"},
    )
    draw_basic = PlainField(
        _l("Basic questions drawn from the bank"),
        default="0",
        validators=[Length(max=10)],
        description=_l("0 and 0: the quiz asks its own questions below instead of drawing from the bank."),
        render_kw={"inputmode": "numeric"},
    )
    draw_harder = PlainField(
        _l("Harder questions drawn from the bank"),
        default="0",
        validators=[Length(max=10)],
        render_kw={"inputmode": "numeric"},
    )
    draw_each_topic = BooleanField(_l("At least one question of every topic"))


class QuestionForm(Form):
    kind = SelectField(_l("Kind of question"), choices=as_choices(QUESTION_KINDS.items()))
    text = TextAreaField(_l("Question"), validators=[DataRequired(), Length(max=4000)], render_kw={"rows": 3})
    explanation = TextAreaField(
        _l("Explanation"),
        validators=[Length(max=4000)],
        render_kw={"rows": 3},
        description=_l("Why the right answer is right. Learners read it after their attempt."),
    )
    answer_value = PlainField(_l("The right number"), validators=[Length(max=40)], render_kw={"inputmode": "decimal"})
    tolerance = PlainField(
        _l("Tolerance"),
        validators=[Length(max=40)],
        description=_l("How far an answer may be off and still be right: 0.1 accepts 3.4 to 3.6 for 3.5."),
        render_kw={"inputmode": "decimal"},
    )
    unit = PlainField(_l("Unit"), validators=[Length(max=20)], description=_l("Shown beside the box, such as mm or V."))
    accepted = TextAreaField(
        _l("Accepted answers"),
        validators=[Length(max=2000)],
        render_kw={"rows": 3},
        description=_l(
            "One a line. Compared without spaces, full- or half-width forms and case: “RCD” also accepts “ｒｃｄ”."
        ),
    )

    def typed(self):
        """What a number or short-answer question is checked against, as typed."""
        return {
            "value": self.answer_value.data or "",
            "tolerance": self.tolerance.data or "",
            "unit": self.unit.data or "",
            "accepted": (self.accepted.data or "").splitlines(),
        }

    def choice_rows(self):
        """(text field, correct field) for each choice row."""
        return [(self[f"choice{n}"], self[f"correct{n}"]) for n in range(1, MAX_CHOICE_ROWS + 1)]

    def choices(self):
        """[(text, is_correct)] of every row, blank ones too (the service leaves them out)."""
        return [(text.data or "", correct.data) for text, correct in self.choice_rows()]


for _n in range(1, MAX_CHOICE_ROWS + 1):
    setattr(QuestionForm, f"choice{_n}", StringField(_l("Choice %(n)d", n=_n), validators=[Length(max=1000)]))
    setattr(QuestionForm, f"correct{_n}", BooleanField(_l("Right answer")))
del _n


class BankQuestionForm(QuestionForm):
    topic = StringField(
        _l("Topic"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("A few words; papers can take at least one question of every topic."),
    )
    difficulty = SelectField(_l("Difficulty"), choices=as_choices(DIFFICULTIES.items()), default="basic")


class BankImportForm(Form):
    file = FileField(
        _l("Question sheet (.csv or .xlsx)"),
        description=_l("Fill in the template: one question a row. Nothing is saved while any row has a mistake."),
    )


class UploadForm(Form):
    file = FileField(
        _l("File"),
        description=_l(
            "Pictures (PNG, JPEG, WebP), PDF documents and videos (MP4, WebM). Pictures are made "
            "smaller to load quickly on a phone."
        ),
    )


class EditorForm(Form):
    username = PlainField(
        _l("Username of the trainer"), validators=[DataRequired(), Length(max=40)], render_kw={"autocapitalize": "none"}
    )


class ActionForm(Form):
    """A button and its CSRF token: publish, move, remove..."""


class LearnersFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter, nothing changes

    org = SelectField(_l("Union"), choices=[], validate_choice=False)


class ReturnForm(Form):
    """A reviewer sends a course back to its trainer, saying why."""

    reason = TextAreaField(
        _l("What should change"),
        validators=[DataRequired(), Length(max=4000)],
        description=_l("The trainer reads this beside the course."),
        render_kw={"rows": 4},
    )
