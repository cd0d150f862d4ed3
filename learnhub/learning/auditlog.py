"""How the audit log reads a quiz passed too fast to have been read."""

from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l

LABELS = {"learning.quick_pass": _l("Quiz passed suspiciously fast")}

SENTENCES = {
    "learning.quick_pass": lambda d: _(
        "Passed a quiz of “%(title)s” in %(seconds)s seconds (%(questions)s questions): suspiciously fast.", **d
    ),
}
