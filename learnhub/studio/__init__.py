"""The trainer's studio: authoring, uploads, draft and publish, learners' progress."""

from flask import Blueprint

from learnhub.core.audit import register_actions
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.nav import home_section, nav_item

bp = Blueprint("studio", __name__, template_folder="templates", static_folder="static",
               static_url_path="/studio/static")
nav_item(bp, "studio.index", _l("Studio"), roles={"trainer", "admin"}, order=50)


def _my_courses(user):
    from learnhub.studio.services import my_courses

    return {"studio_courses": my_courses(user)[:5]}


home_section(bp, "studio/_home_trainer.html", roles={"trainer"}, order=15, context=_my_courses)
register_actions({"course.published": _l("Course published"), "course.unpublished": _l("Course unpublished"),
                  "course.archived": _l("Course archived"), "course.restored": _l("Course restored")})

from learnhub.studio import models, views  # noqa: E402,F401  (routes attach to bp)
