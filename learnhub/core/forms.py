"""Helpers that join domain errors to forms."""

def apply_error(form, error):
    """Show a DomainError beside the field it names, or above the form when it names none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None and error.field == "org":
        field = getattr(form, "org_query", None)
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)



def as_choices(pairs):
    """(value, label) pairs as the SelectChoice objects WTForms wants."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(str(value), label) for value, label in pairs]
