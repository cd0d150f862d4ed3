"""The credit bank: pathways, applications and review, prior learning, credentials."""

from flask import Blueprint

from learnhub.core.audit import register_actions
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.nav import home_section, nav_item, page_slot

bp = Blueprint("recognition", __name__, template_folder="templates")
nav_item(bp, "recognition.index", _l("Recognition"), roles={"worker"}, order=25)
nav_item(bp, "recognition.review_queue", _l("Recognition"), roles={"admin"}, order=55)


def _nearest(user):
    from learnhub.recognition.services import nearest_pathway

    return {"nearest": nearest_pathway(user)}


def _waiting(user):
    from learnhub.recognition import prior, services

    return {"waiting": services.waiting_count(user), "prior_waiting": prior.waiting_count(user)}


home_section(bp, "recognition/_home_worker.html", roles={"worker"}, order=35, context=_nearest)
home_section(bp, "recognition/_home_admin.html", roles={"admin"}, order=15, context=_waiting)


def _course_credential(user, course):
    from learnhub.recognition.credentials import course_credential_of

    credential = course_credential_of(user, course)
    return {"credential": credential} if credential is not None else None


page_slot(bp, "course_completed", "recognition/_course_credential.html", context=_course_credential)
register_actions({
    "application.approve": _l("Recognition approved"), "application.reject": _l("Recognition rejected"),
    "pathway.save": _l("Pathway saved"), "pathway.activate": _l("Pathway offered again"),
    "pathway.deactivate": _l("Pathway withdrawn"), "prior_learning.grant": _l("Prior learning granted"),
    "prior_learning.reject": _l("Prior learning rejected"), "credential.revoke": _l("Credential revoked"),
})

from learnhub.recognition import manage, models, privacy, public, review, views  # noqa: E402,F401  (routes attach to bp)
