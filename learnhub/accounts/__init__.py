"""People: registration, login, profile, and the people screens of union admins."""

from flask import Blueprint

from learnhub.core.audit import register_actions
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.nav import home_section, nav_item

bp = Blueprint("accounts", __name__, template_folder="templates")
nav_item(bp, "accounts.people", _l("People"), roles={"admin"}, order=60)
nav_item(bp, "accounts.profile", _l("Me"), order=90)
nav_item(bp, "accounts.login", _l("Log in"), order=91, who="visitors")
nav_item(bp, "accounts.register", _l("Register"), order=92, who="visitors")
home_section(bp, "accounts/_home_admin.html", roles={"admin"}, order=10)
register_actions({
    "person.role": _l("Role changed"), "person.union": _l("Moved to another union"),
    "person.deactivate": _l("Deactivated"), "person.activate": _l("Reactivated"),
    "person.password_reset": _l("Password reset"), "people.import": _l("Accounts opened in bulk"),
})

from learnhub.accounts import auth, imports, people, privacy, views  # noqa: E402,F401  (routes attach to bp)
