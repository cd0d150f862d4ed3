"""How the audit log reads the changes to required courses."""

from datetime import date

from flask_babel import format_date

from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l

LABELS = {
    "required.add": _l("Required course added"),
    "required.remove": _l("Required course removed"),
    "required.remind": _l("Workers reminded of a required course"),
}


def _added(details):
    due = format_date(date.fromisoformat(details["due_on"]), "long")
    return _("Made “%(course)s” a required course, to be finished by %(due)s.", **details | dict(due=due))


def _reminded(details):
    if details.get("people"):
        return _("Reminded %(people)s workers to finish the required course “%(course)s”.", **details)
    return _("Reminded the workers who have not finished the required course “%(course)s”.", **details)


SENTENCES = {
    "required.add": _added,
    "required.remove": lambda d: _("Made “%(course)s” no longer a required course.", **d),
    "required.remind": _reminded,
}
