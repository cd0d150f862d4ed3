"""What a course's trainers see of its learners: enrolments, progress, scores, wrong answers.

Every figure can be narrowed to the learners of one union and the unions below it. Each
function runs a fixed number of queries, however many learners there are.

A course is open to workers everywhere, its trainer's reach is their own union's subtree:
learners are named (name, union) only within `reach`, the viewer's union; those outside it
count in the figures and nowhere else.

Averages say what they average. A quiz's "best score" is a learner's best attempt; the
module table shows the average of those best scores over the learners who attempted it
(the figure that matches the learners' rows) beside the average of every attempt, failed
ones included, each with how many it averages. A learner's row shows the average of their
best scores over the quizzes they attempted, and how many of the course's quizzes that is.
"""

from collections import Counter
from dataclasses import dataclass

from flask_babel import format_datetime
from sqlalchemy import and_, func, select

from learnhub.accounts.models import User
from learnhub.catalog.models import Module
from learnhub.catalog.services import course_modules
from learnhub.core.i18n import gettext as _
from learnhub.extensions import db
from learnhub.learning.models import Enrolment, Progress, QuizAttempt
from learnhub.orgs.models import Org

# Item analysis reads the latest attempts only: enough to see a pattern, cheap to count.
ATTEMPTS_READ = 5000


def _in_org(org):
    if org is None:
        return True
    return User.org_id.in_(select(Org.id).where(Org.path.startswith(org.path)))


def learner_orgs(course, reach):
    """The unions within `reach` the course's learners belong to and the unions above them, to filter by."""
    paths = db.session.scalars(
        select(Org.path).where(
            Org.id.in_(
                select(User.org_id)
                .join(Enrolment, Enrolment.user_id == User.id)
                .where(Enrolment.course_id == course.id, _in_org(reach))
            )
        )
    ).all()
    ids = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    return db.session.scalars(select(Org).where(Org.id.in_(ids)).order_by(Org.path)).all() if ids else []


def summary(course, org=None):
    """{'enrolled': n, 'completed': n} of the course's learners (in `org`'s subtree)."""
    enrolled, completed = db.session.execute(
        select(func.count(Enrolment.id), func.count(Enrolment.completed_at))
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.course_id == course.id, _in_org(org))
    ).one()
    return {"enrolled": enrolled, "completed": completed}


@dataclass
class ModuleRow:
    """A live module's figures on the learners page."""

    module: object
    revision: object
    started: int
    completed: int
    best_average: int | None  # average of the learners' best scores, over `scored` learners
    scored: int
    attempt_average: int | None  # average of every attempt's score, failed ones too
    attempts: int


def _percent(value):
    return round(float(value)) if value is not None else None


def module_progress(course, org=None):
    """[ModuleRow] for the live modules: progress, and for quizzes two averages that say what they average."""
    modules = course_modules(course)
    ids = [module.id for module, _revision in modules]
    counts = {
        row.module_id: row
        for row in db.session.execute(
            select(
                Progress.module_id,
                func.count(Progress.id).label("started"),
                func.count(Progress.completed_at).label("completed"),
            )
            .join(User, User.id == Progress.user_id)
            .join(Enrolment, and_(Enrolment.user_id == User.id, Enrolment.course_id == course.id))
            .where(Progress.module_id.in_(ids), _in_org(org))
            .group_by(Progress.module_id)
        )
    }
    best = {
        row.module_id: row
        for row in db.session.execute(
            select(Progress.module_id, func.avg(Progress.best_score).label("average"), func.count().label("scored"))
            .join(User, User.id == Progress.user_id)
            .join(Enrolment, and_(Enrolment.user_id == User.id, Enrolment.course_id == course.id))
            .where(Progress.module_id.in_(ids), Progress.best_score.is_not(None), _in_org(org))
            .group_by(Progress.module_id)
        )
    }
    attempts = {
        row.module_id: row
        for row in db.session.execute(
            select(QuizAttempt.module_id, func.avg(QuizAttempt.score).label("average"), func.count().label("attempts"))
            .join(User, User.id == QuizAttempt.user_id)
            .where(QuizAttempt.module_id.in_(ids), _in_org(org))
            .group_by(QuizAttempt.module_id)
        )
    }
    rows = []
    for module, revision in modules:
        row, top, tries = counts.get(module.id), best.get(module.id), attempts.get(module.id)
        rows.append(
            ModuleRow(
                module,
                revision,
                row.started if row else 0,
                row.completed if row else 0,
                _percent(top.average) if top else None,
                top.scored if top else 0,
                _percent(tries.average) if tries else None,
                tries.attempts if tries else 0,
            )
        )
    return rows


def item_analysis(course, org=None, limit=10):
    """The questions most often answered wrong in the live quizzes, worst first.

    [(revision title, question, wrong, answered)], from the latest attempts at each quiz's
    live revision: an old revision's questions may have changed since.
    """
    quizzes = [(module, revision) for module, revision in course_modules(course) if module.kind == "quiz"]
    by_revision = {revision.id: revision for _module, revision in quizzes}
    if not by_revision:
        return []
    attempts = db.session.scalars(
        select(QuizAttempt.answers)
        .join(User, User.id == QuizAttempt.user_id)
        .where(QuizAttempt.revision_id.in_(list(by_revision)), _in_org(org))
        .order_by(QuizAttempt.id.desc())
        .limit(ATTEMPTS_READ)
    ).all()
    questions = {str(q.id): (revision, q) for revision in by_revision.values() for q in revision.questions}
    right = {key: {c.id for c in q.choices if c.is_correct} for key, (_r, q) in questions.items()}
    answered, wrong = Counter(), Counter()
    for answers in attempts:
        for key, picked in (answers or {}).items():
            if key in questions:
                answered[key] += 1
                wrong[key] += set(picked) != right[key]
    ranked = sorted((key for key in answered if wrong[key]), key=lambda key: (-wrong[key] / answered[key], -wrong[key]))
    return [(questions[key][0].title, questions[key][1], wrong[key], answered[key]) for key in ranked[:limit]]


def learners_query(course, reach, org=None):
    """A SELECT of (User, Org name, Enrolment, modules done, average best quiz score, quizzes scored), within `reach`."""
    live_ids = select(Module.id).where(Module.course_id == course.id, Module.is_retired.is_(False), Module.revision > 0)
    done = (
        select(func.count(Progress.id))
        .where(Progress.user_id == User.id, Progress.module_id.in_(live_ids), Progress.completed_at.is_not(None))
        .correlate(User)
        .scalar_subquery()
    )
    scored_progress = (Progress.user_id == User.id, Progress.module_id.in_(live_ids), Progress.best_score.is_not(None))
    score = select(func.avg(Progress.best_score)).where(*scored_progress).correlate(User).scalar_subquery()
    scored = select(func.count(Progress.id)).where(*scored_progress).correlate(User).scalar_subquery()
    return (
        select(User, Org.name, Enrolment, done.label("done"), score.label("score"), scored.label("scored"))
        .join(Enrolment, Enrolment.user_id == User.id)
        .join(Org, Org.id == User.org_id)
        .where(Enrolment.course_id == course.id, _in_org(reach), _in_org(org))
        .order_by(Enrolment.last_active_at.desc(), User.id)
    )


@dataclass
class Page:
    """One page of rows, with what a pager needs."""

    items: list
    page: int
    pages: int
    total: int

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def prev_num(self):
        return self.page - 1

    @property
    def next_num(self):
        return self.page + 1


def learners_page(course, reach, org, page, per_page):
    """Page `page` of the learners' rows within `reach` (see learners_query)."""
    stmt = learners_query(course, reach, org)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page or 1, 1), pages)
    items = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items, page, pages, total)


def learners_csv_rows(course, reach, org=None):
    """The learners as rows for a spreadsheet, a header row first."""
    modules = course_modules(course)
    total = len(modules)
    quizzes = sum(module.kind == "quiz" for module, _revision in modules)
    rows = [
        [
            _("Name"),
            _("Union"),
            _("Enrolled"),
            _("Completed"),
            _("Modules done"),
            _("Modules"),
            _("Average of best quiz scores (%)"),
            _("Quizzes scored"),
            _("Quizzes"),
            _("Last active"),
        ]
    ]
    for user, org_name, enrolment, done, score, scored in db.session.execute(learners_query(course, reach, org)):
        rows.append(
            [
                user.name,
                org_name,
                format_datetime(enrolment.enrolled_at, "yyyy-MM-dd HH:mm"),
                format_datetime(enrolment.completed_at, "yyyy-MM-dd HH:mm") if enrolment.completed_at else "",
                done,
                total,
                round(float(score)) if score is not None else "",
                scored,
                quizzes,
                format_datetime(enrolment.last_active_at, "yyyy-MM-dd HH:mm"),
            ]
        )
    return rows
