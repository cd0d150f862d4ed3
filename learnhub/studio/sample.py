"""A course of the demo trainer, so that the studio has something to start from.

Called by `flask demo load` (learnhub/demo.py); safe to run again: it adds nothing twice.
"""

from sqlalchemy import select

from learnhub.accounts.models import User
from learnhub.catalog.models import Course
from learnhub.catalog.services import course_modules
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.studio import modules as authoring
from learnhub.studio import publishing
from learnhub.studio import services as studio

SLUG = "demo-shift-briefing"

LESSON = """## 为什么要做班前安全交底

班前安全交底，是每天开工前由班组长向全班讲清楚：今天干什么、哪里有危险、怎么防护。
很多事故并不是因为大家不懂，而是因为**今天的情况和昨天不一样**，却没有人提醒。

## 交底讲什么

1. 今天的作业内容和分工；
2. 作业现场的危险点：高处、带电、动火、吊装、受限空间；
3. 针对每个危险点的防护措施和需要的防护用品；
4. 出了意外怎么办：报告给谁、急救用品和疏散路线在哪里。

## 怎样才算交底到位

- 每个人都听清楚了，并在交底记录上**本人签字**；
- 有疑问当场提出，没有搞清楚不开工；
- 新来的、换岗的师傅要单独再讲一遍。

> 交底不是走过场。三分钟的交底，可能挡住一次事故。
"""


def load_demo_courses(trainer):
    """Give `trainer` a published course with learners, and a draft; returns the course."""
    course = db.session.scalar(select(Course).where(Course.slug == SLUG))
    if course is not None:
        return course
    course = studio.create_course(
        trainer,
        {
            "title": "班前安全交底怎么做",
            "summary": "每天开工前的安全交底：讲什么、怎么讲、怎样才算到位。",
            "category": "safety",
            "occupation": "all",
            "target_level": "none",
            "language": "zh_CN",
            # A few minutes of reading and three questions: 4 minutes, too few for a credit under
            # the hours rule; for the trainer's own union, so it goes live without review.
            "credits": "0",
            "hours": "0.09",
            "tags": "安全交底, 班组安全",
            "audience": str(trainer.org_id),
        },
        slug=SLUG,
    )
    authoring.add_module(trainer, course, "lesson", "班前安全交底", key="briefing")
    authoring.save_lesson(
        trainer,
        course,
        "briefing",
        {"title": "班前安全交底", "minutes": "1", "credits": "0", "body": LESSON, "is_required": "y"},
    )
    authoring.add_module(trainer, course, "quiz", "交底小测验", key="check")
    questions = [
        (
            "single",
            "班前安全交底应当在什么时候做？",
            [("每天开工前", True), ("出了事故以后", False), ("月底总结时", False)],
            "交底是为了在干活之前把危险讲清楚，所以要在每天开工前做。",
        ),
        (
            "multiple",
            "交底时要讲清楚哪些内容？",
            [("今天的作业内容和分工", True), ("现场的危险点", True), ("防护措施", True), ("下班后去哪里吃饭", False)],
            "作业内容、危险点和防护措施都要讲；与安全无关的事不必占用交底时间。",
        ),
        (
            "true_false",
            "昨天交底过了，今天的作业一样，就可以不交底。",
            [("正确", False), ("错误", True)],
            "现场情况每天都可能变化，每天开工前都要交底。",
        ),
    ]
    for kind, text, choices, explanation in questions:
        authoring.save_question(trainer, course, "check", None, kind, text, choices, explanation)
    # After the questions: a quiz's minutes are one a question (the hours rule).
    authoring.save_quiz_settings(
        trainer,
        course,
        "check",
        {
            "title": "交底小测验",
            "minutes": "3",
            "credits": "0",
            "pass_mark": "60",
            "attempts": "3",
            "is_required": "y",
        },
    )
    publishing.publish(trainer, course)
    _demo_learners(course)
    draft = studio.create_course(
        trainer,
        {
            "title": "叉车作业安全（草稿）",
            "summary": "场内机动车辆作业的基本安全要求。",
            "category": "safety",
            "occupation": "forklift_driver",
            "target_level": "none",
            "language": "zh_CN",
            "credits": "0",
            "hours": "0",
            "tags": "叉车",
            "audience": "",
        },
        slug="demo-forklift-draft",
    )
    authoring.add_module(trainer, draft, "lesson", "开车前的检查", key="pre-check")
    return course


def _demo_learners(course):
    """A few invented workers part of the way through, so that the learners' page has figures."""
    modules = course_modules(course)
    workers = db.session.scalars(
        select(User).where(User.username.like("demo-w0%")).order_by(User.username).limit(8)
    ).all()
    for number, worker in enumerate(workers):
        learning.enrol(worker, course)
        for module, revision in modules[: 1 + number % 2]:
            if module.kind == "quiz":
                answers = {
                    str(q.id): [str(c.id) for c in q.choices if c.is_correct == (number % 3 != 0)][:1]
                    if q.kind != "multiple"
                    else [str(c.id) for c in q.choices if c.is_correct]
                    for q in revision.questions
                }
                learning.submit_quiz(worker, course, module, revision, answers)
            else:
                learning.study_in_full(worker, course, module, revision)
                learning.complete_module(worker, course, module, revision)
