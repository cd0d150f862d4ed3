"""How the audit log reads a correction of the ledger."""

from learnhub.core.audit import amount
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l

LABELS = {"ledger.reverse": _l("Ledger entry reversed")}


def _reversed(details):
    taken = amount(details.get("credits"), details.get("minutes")) or "0"
    if details.get("entry"):
        return _(
            "Corrected “%(entry)s” in the learning record of %(person)s (%(amount)s taken back). Reason: %(reason)s",
            **details | dict(amount=taken),
        )
    return _(
        "Corrected an entry in the learning record of %(person)s (%(amount)s taken back). Reason: %(reason)s",
        **details | dict(amount=taken),
    )


SENTENCES = {"ledger.reverse": _reversed}
