"""How the audit log reads what happened to a course in review and publication."""

from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l

LABELS = {
    "course.published": _l("Course published"),
    "course.unpublished": _l("Course unpublished"),
    "course.archived": _l("Course archived"),
    "course.restored": _l("Course restored"),
    "course.submitted": _l("Course sent for review"),
    "course.withdrawn": _l("Course withdrawn from review"),
    "course.approved": _l("Course approved in review"),
    "course.returned": _l("Course returned in review"),
}


def _published(details):
    if details.get("publication"):
        return _("Published the course “%(title)s” (publication %(publication)s).", **details)
    return _("Published the course “%(title)s”.", **details)


SENTENCES = {
    "course.published": _published,
    "course.unpublished": lambda d: _("Took the course “%(title)s” off the catalogue.", **d),
    "course.archived": lambda d: _("Archived the course “%(title)s”.", **d),
    "course.restored": lambda d: _("Restored the course “%(title)s” from the archive.", **d),
    "course.submitted": lambda d: _("Sent the course “%(title)s” for review.", **d),
    "course.withdrawn": lambda d: _("Withdrew the course “%(title)s” from review.", **d),
    "course.approved": lambda d: _("Approved the course “%(title)s” in review.", **d),
    "course.returned": lambda d: _("Returned the course “%(title)s” to its trainer: %(note)s", **d),
}
