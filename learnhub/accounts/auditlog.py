"""How the audit log reads the changes to people (a sentence from the names kept in each event)."""

from learnhub.accounts.models import ROLES
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l

LABELS = {
    "person.role": _l("Role changed"),
    "person.union": _l("Moved to another union"),
    "person.deactivate": _l("Deactivated"),
    "person.activate": _l("Reactivated"),
    "person.password_reset": _l("Password reset"),
    "person.two_factor_reset": _l("Two-step sign-in reset"),
    "people.import": _l("Accounts opened in bulk"),
}


def _role_changed(details):
    before, after = ROLES[details["before"]], ROLES[details["after"]]
    return _(
        "Changed the role of %(person)s from %(before)s to %(after)s.", **details | dict(before=before, after=after)
    )


def _two_factor_reset(details):
    if details.get("by"):
        return _("Turned off two-step sign-in for %(person)s at the server's console.", **details)
    return _("Turned off two-step sign-in for %(person)s (a lost phone).", **details)


SENTENCES = {
    "person.role": _role_changed,
    "person.union": lambda d: _("Moved %(person)s from %(before)s to %(after)s.", **d),
    "person.deactivate": lambda d: _("Deactivated the account of %(person)s.", **d),
    "person.activate": lambda d: _("Reactivated the account of %(person)s.", **d),
    "person.password_reset": lambda d: _("Reset the password of %(person)s.", **d),
    "person.two_factor_reset": _two_factor_reset,
    "people.import": lambda d: _("Opened %(accounts)s accounts in bulk for %(union)s.", **d),
}
