"""Forms of the player. Quiz answers are read from the request by question id, not by a form."""

from wtforms import HiddenField

from learnhub.core.forms import Form


class ActionForm(Form):
    """A button and its CSRF token: enrol, mark done, submit a quiz."""


class PositionForm(Form):
    position = HiddenField()
