"""How the audit log reads the decisions on recognition, pathways and credentials."""

from learnhub.core.audit import amount
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l

LABELS = {
    "application.approve": _l("Recognition approved"),
    "application.reject": _l("Recognition rejected"),
    "pathway.save": _l("Pathway saved"),
    "pathway.activate": _l("Pathway offered again"),
    "pathway.deactivate": _l("Pathway withdrawn"),
    "prior_learning.grant": _l("Prior learning granted"),
    "prior_learning.reject": _l("Prior learning rejected"),
    "credential.revoke": _l("Credential revoked"),
}


def _approved(details):
    granted = amount(details.get("credits"))
    if granted:
        return _(
            "Approved the application of %(person)s under “%(pathway)s”, recognised as %(amount)s.",
            **details | dict(amount=granted),
        )
    return _("Approved the application of %(person)s under “%(pathway)s”.", **details)


def _prior_granted(details):
    return _(
        "Granted %(amount)s to %(person)s for earlier learning: “%(title)s”.",
        **details | dict(amount=amount(details["credits"], details["minutes"])),
    )


SENTENCES = {
    "application.approve": _approved,
    "application.reject": lambda d: _(
        "Did not recognise the application of %(person)s under “%(pathway)s”. Reason: %(reason)s", **d
    ),
    "pathway.save": lambda d: _("Saved the pathway “%(title)s” (version %(version)s).", **d),
    "pathway.activate": lambda d: _("Offered the pathway “%(title)s” to workers again.", **d),
    "pathway.deactivate": lambda d: _("Stopped offering the pathway “%(title)s”.", **d),
    "prior_learning.grant": _prior_granted,
    "prior_learning.reject": lambda d: _(
        "Did not recognise the earlier learning “%(title)s” of %(person)s. Reason: %(reason)s", **d
    ),
    "credential.revoke": lambda d: _("Revoked the certificate “%(title)s” of %(person)s. Reason: %(reason)s", **d),
}
