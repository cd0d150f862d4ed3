"""The worker's own API: the catalogue, my enrolments, progress, record and credentials; enrol and learn.

Every write goes through learning's services, the same as the pages: a module counts only once
its study time says so (heartbeats, played ranges), and a repeated call changes nothing (one
enrolment per course, one ledger entry per module and course, by their idempotency keys).
"""

from flask import current_app, g, request
from flask_smorest import Blueprint

from learnhub.api import reads, schemas
from learnhub.api.auth import authenticate, rate_key, rate_limit, require, require_caller
from learnhub.api.problems import domain_problem, register_domain_errors
from learnhub.catalog.services import course_modules, get_module, get_visible_course
from learnhub.core.errors import NotFound
from learnhub.core.i18n import gettext as _
from learnhub.extensions import db, limiter
from learnhub.learning import services as learning
from learnhub.learning import study

courses = Blueprint("api_courses", __name__, url_prefix="/api/v1/courses", description="The catalogue")
me = Blueprint("api_me", __name__, url_prefix="/api/v1/me", description="My learning (a personal token)")

PERSONAL = [{"personal_token": []}]

# Both: the caller from their token (a cookie never counts), a limit per token, the services'
# errors as problems. `me` is only for token holders: 401 before anything is read.
for _blueprint in (courses, me):
    _blueprint.before_request(authenticate)
    register_domain_errors(_blueprint)
    limiter.limit(rate_limit, key_func=rate_key)(_blueprint)
me.before_request(require_caller)


@courses.get("/")
@courses.etag
@courses.arguments(schemas.CatalogueArgs, location="query")
@courses.response(200, schemas.CoursePage)
def catalogue(args):
    """The courses the caller may see: published ones for everyone, and their union's with a token."""
    return reads.catalogue_page(g.api_user, args)


@courses.get("/<slug>")
@courses.etag
@courses.response(200, schemas.CourseDetail)
@courses.alt_response(404, response="NOT_FOUND")
def course(slug):
    """A course and its modules."""
    course = get_visible_course(g.api_user, slug)
    return dict(reads.course_row(course), modules=reads.module_rows(course, course_modules(course)))


@me.get("")
@me.etag
@me.response(200, schemas.MeOut)
@me.doc(security=PERSONAL)
@require("record")
def whoami():
    """Who the token belongs to, and what it may do."""
    user = g.api_user
    return dict(
        name=user.name,
        union=user.org.name,
        occupation=user.occupation,
        skill_level=user.skill_level,
        scopes=sorted(g.api_scopes),
    )


@me.get("/enrolments")
@me.etag
@me.arguments(schemas.PageArgs, location="query")
@me.response(200, schemas.EnrolmentPage)
@me.doc(security=PERSONAL)
@require("record")
def enrolments(args):
    """My enrolments, oldest first, with how many modules of each I have finished."""
    return reads.enrolments_page(g.api_user, args)


@me.post("/enrolments")
@me.arguments(schemas.EnrolIn)
@me.response(201, schemas.EnrolmentDetail)
@me.alt_response(404, response="NOT_FOUND")
@me.doc(security=PERSONAL)
@require("learn")
def enrol(data):
    """Enrol in a course; enrolling again changes nothing and answers the enrolment."""
    course = get_visible_course(g.api_user, data["course"])
    enrolment = learning.enrol(g.api_user, course)
    db.session.commit()
    return reads.enrolment_detail(g.api_user, enrolment, course)


def _my_enrolment(slug):
    course = get_visible_course(g.api_user, slug)
    enrolment = learning.get_enrolment(g.api_user, course)
    if enrolment is None:
        raise NotFound(_("You are not enrolled in this course."))
    return enrolment, course


@me.get("/enrolments/<slug>")
@me.etag
@me.response(200, schemas.EnrolmentDetail)
@me.alt_response(404, response="NOT_FOUND")
@me.doc(security=PERSONAL)
@require("record")
def enrolment(slug):
    """My progress in one course, module by module."""
    enrolment, course = _my_enrolment(slug)
    return reads.enrolment_detail(g.api_user, enrolment, course)


def _my_module(slug, key):
    enrolment, course = _my_enrolment(slug)
    module, revision = get_module(course, key)
    return course, module, revision


@me.post("/enrolments/<slug>/modules/<key>/heartbeat")
@me.response(204)
@me.alt_response(404, response="NOT_FOUND")
@me.doc(security=PERSONAL)
@require("learn")
def heartbeat(slug, key):
    """I have this module open: the time since my last heartbeat counts as study time (capped), as on the site."""
    course, module, _revision = _my_module(slug, key)
    learning.open_module(g.api_user, course, module)
    db.session.commit()


@me.post("/enrolments/<slug>/modules/<key>/position")
@me.arguments(schemas.PositionIn)
@me.response(204)
@me.alt_response(404, response="NOT_FOUND")
@me.doc(security=PERSONAL)
@require("learn")
def position(data, slug, key):
    """Where a video was left, and the ranges actually played (what counts for a video)."""
    course, module, _revision = _my_module(slug, key)
    learning.save_position(g.api_user, course, module, data["position"], played=data.get("played"))
    db.session.commit()


@me.post("/enrolments/<slug>/modules/<key>/completion")
@me.response(200, schemas.CompletionOut)
@me.alt_response(404, response="NOT_FOUND")
@me.alt_response(409, response="CONFLICT", description="Not studied long enough yet; `detail` says how long")
@me.doc(security=PERSONAL)
@require("learn")
def complete(slug, key):
    """Finish a lesson or video once its study time is enough; a second call changes nothing."""
    course, module, revision = _my_module(slug, key)
    try:
        newly = learning.complete_module(g.api_user, course, module, revision)
    except study.NotYet as error:
        db.session.rollback()
        return domain_problem(error, 409)
    course_done = learning.get_enrolment(g.api_user, course).completed_at is not None
    db.session.commit()
    return dict(module=module.key, completed=True, newly_completed=newly, course_completed=course_done)


@me.get("/record")
@me.etag
@me.arguments(schemas.PageArgs, location="query")
@me.response(200, schemas.RecordOut)
@me.doc(security=PERSONAL)
@require("record")
def record(args):
    """My learning record (学习档案): totals and the ledger's entries, newest first."""
    return reads.record_page(g.api_user, args)


@me.get("/credentials")
@me.etag
@me.response(200, schemas.CredentialList)
@me.doc(security=PERSONAL)
@require("record")
def credentials():
    """My credentials, each with the public address where anyone can check it."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or request.url_root).rstrip("/")
    return reads.credentials(g.api_user, lambda c: f"{base}/credentials/{c.uuid}")
