"""Forms of the player. Quiz answers are read from the request by question id, not by a form."""

from flask_wtf import FlaskForm
from wtforms import HiddenField


class ActionForm(FlaskForm):
    """A button and its CSRF token: enrol, mark done, submit a quiz."""


class PositionForm(FlaskForm):
    position = HiddenField()
