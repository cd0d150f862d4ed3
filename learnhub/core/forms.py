"""The site's base form, and helpers that join domain errors to forms.

Every form subclasses `Form`, which refuses, beside the field, what nobody types on purpose:
control characters (NUL above all: PostgreSQL refuses it in text) anywhere, and on one line
invisible characters too (right-to-left overrides, zero-width spaces and joiners), which make
a name or an address look like another. Multi-line text keeps zero-width joiners (emoji and
some scripts need them) but not direction overrides. Services keep their own, stricter rules.
"""

import unicodedata
from functools import lru_cache

from babel import support
from flask import current_app, flash, redirect
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectFieldBase, StringField, TextAreaField
from wtforms.i18n import messages_path

from learnhub.core.errors import DomainError
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.extensions import db

# Direction overrides, embeddings and isolates: they reorder what a reader sees.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\t\n\r")


def text_problem(field):
    """The message for a text field holding characters nobody types on purpose, or None."""
    # Hidden fields are written by the page, not typed, and no message could show beside them:
    # their readers parse them strictly (ids, versions, a safe `next`, base64).
    if (
        not isinstance(field, StringField)
        or isinstance(field, (PasswordField, HiddenField))
        or not isinstance(field.data, str)
    ):
        return None
    value = field.data
    multiline = isinstance(field, TextAreaField)
    if any(unicodedata.category(ch) == "Cc" and not (multiline and ch in _LINE_BREAKS) for ch in value):
        return _l("The text contains a control character (such as NUL), which cannot be saved. Please type it again.")
    if multiline:
        hidden = any(ch in _BIDI_CONTROLS for ch in value)
    else:
        hidden = any(unicodedata.category(ch) in {"Cf", "Cs", "Co", "Cn"} for ch in value)
    if hidden:
        return _l(
            "The text contains invisible characters (such as a right-to-left mark or a zero-width "
            "space). Please type it again."
        )
    return None


# What WTForms' DataRequired and InputRequired say, in WTForms' own catalogue (not ours).
_WTFORMS_REQUIRED = "This field is required."


def required_message(field):
    """What to say when a required field is empty, naming the field ("请填写“你的姓名”。")."""
    if isinstance(field, SelectFieldBase):
        return _l("Please choose “%(label)s”.", label=field.label.text)
    return _l("Please fill in “%(label)s”.", label=field.label.text)


@lru_cache(maxsize=8)
def _wtforms_messages(locale):
    """WTForms' own messages ("Not a valid choice") in `locale`, read from disk once."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """The base of every form of the site: FlaskForm, plus the check on hidden characters."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            # Flask-WTF reads WTForms' catalogue from disk again in every request that
            # validates a form (0.2 ms); the catalogues do not change while the site runs.
            return _wtforms_messages(str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in self:
            # WTForms says only "This field is required."; a worker on a long form needs its name.
            vague = field.gettext(_WTFORMS_REQUIRED)
            if isinstance(field.errors, list) and vague in field.errors:
                field.errors = [required_message(field) if error == vague else error for error in field.errors]
            problem = text_problem(field)
            if problem is not None:
                field.errors = [*field.errors, problem]
                valid = False
        return valid


class PlainField(StringField):
    """A one-line field for what is written in ASCII: usernames, phone numbers, addresses, numbers
    and dates. Full-width letters, digits and punctuation (typed with a Chinese input method) become
    the plain ones meant (NFKC), and spaces around are dropped."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = unicodedata.normalize("NFKC", self.data).strip()


def apply_error(form, error, aliases=None):
    """Show a DomainError beside the field it names, or above the form when it names none.

    `aliases` maps a service's field name to the form's, where they differ.
    """
    name = (aliases or {}).get(error.field, error.field)
    if name == "org":
        name = "org_query"
    field = getattr(form, name, None) if name else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)


def refuse(form, error, aliases=None):
    """A service refused what the form asked: roll back what it did, show why beside the field.

    The view then renders the form again, with what was typed.
    """
    db.session.rollback()
    apply_error(form, error, aliases)


def as_choices(pairs):
    """(value, label) pairs as the SelectChoice objects WTForms wants."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(str(value), label) for value, label in pairs]


def run_action(action, success, target):
    """Run the service behind a button (no form to show again), then go to `target`.

    Commits and flashes `success` (a message, or a callable given the action's result), or
    rolls back and flashes the DomainError's message. NotFound goes on to the 404 page.
    """
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        message = success(result) if callable(success) else success
        if message:
            flash(message, "success")
    return redirect(target)
