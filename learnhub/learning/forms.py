"""Forms of the player. Quiz answers are read from the request by question id, not by a form."""

from wtforms import HiddenField

from learnhub.core.forms import Form


class ActionForm(Form):
    """A button and its CSRF token: enrol, mark done, submit a quiz."""


class PositionForm(Form):
    """What the video player reports: where it is, and the ranges played ("0-30,45-60", seconds)."""

    position = HiddenField()
    played = HiddenField()
