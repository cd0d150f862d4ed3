"""Helpers that join domain errors to forms."""

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



def as_choices(pairs):
    """(value, label) pairs as the SelectChoice objects WTForms wants."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(str(value), label) for value, label in pairs]


def run_action(action, success, target):
    """Run the service behind a button, then go to `target`.

    Commits and flashes `success` (a message, or a callable given the action's result), or
    rolls back and flashes the DomainError's message; NotFound becomes a 404.
    """
    from flask import abort, flash, redirect

    from learnhub.core.errors import DomainError, NotFound
    from learnhub.extensions import db

    try:
        result = action()
    except NotFound:
        abort(404)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        message = success(result) if callable(success) else success
        if message:
            flash(message, "success")
    return redirect(target)
