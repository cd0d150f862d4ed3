from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from learnhub.core.forms import Form


class ReversalForm(Form):
    reason = StringField(_l("Reason for the correction"), validators=[DataRequired(), Length(max=200)],
                         description=_l("Shown to the worker in their learning record."))
