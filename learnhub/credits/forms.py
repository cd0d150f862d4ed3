from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from learnhub.core.i18n import lazy_gettext as _l


class ReversalForm(FlaskForm):
    reason = StringField(_l("Reason for the correction"), validators=[DataRequired(), Length(max=200)],
                         description=_l("Shown to the worker in their learning record."))
