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
