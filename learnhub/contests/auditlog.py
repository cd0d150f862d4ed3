"""How the audit log reads the contests' events."""

from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l

LABELS = {
    "contest.created": _l("Contest created"),
    "contest.published": _l("Contest results published"),
    "contest.quick_paper": _l("Contest paper handed in suspiciously fast"),
}

SENTENCES = {
    "contest.created": lambda d: _("Created the contest “%(note)s”.", **d),
    "contest.published": lambda d: _("Published the results of the contest “%(note)s”.", **d),
    "contest.quick_paper": lambda d: _(
        "Handed in the paper of the contest “%(title)s” in %(seconds)s seconds (%(questions)s questions): "
        "suspiciously fast.",
        **d,
    ),
}
