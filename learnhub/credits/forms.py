from wtforms import StringField
from wtforms.validators import DataRequired, Length

from learnhub.core.forms import Form
from learnhub.core.i18n import lazy_gettext as _l


class ReversalForm(Form):
    reason = StringField(
        _l("Reason for the correction"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Shown to the worker in their learning record."),
    )
