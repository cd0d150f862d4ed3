from wtforms import HiddenField, SelectMultipleField, widgets
from wtforms.validators import Optional

from learnhub.core.forms import Form, as_choices
from learnhub.core.i18n import lazy_gettext as _l


class ActionForm(Form):
    """A button and its CSRF token."""


class _Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class SmsChoiceForm(Form):
    # Set when the form is sent, so that unticking every box still says "none".
    sent = HiddenField(default="1")
    # A value not on the list is dropped by the service (a box that no longer exists, or junk).
    events = _Checkboxes(_l("Also send me an SMS about"), choices=[], validators=[Optional()], validate_choice=False)

    def __init__(self, *args, user=None, **kwargs):
        from learnhub.notify.sms import sms_event_choices

        super().__init__(*args, **kwargs)
        self.events.choices = as_choices(sms_event_choices(user))
