"""Each learning event as a statement in the outbox, in the event's own transaction.

The receivers of the signals of learning (enrolled, a module opened, a video's ranges played, a
quiz answered, a module or course completed, with the credits and minutes paid), recognition
(a recognition or prior learning granted) and contests (a paper scored); and of accounts'
"download my data" and "delete my account". Each writes nothing while no LRS is configured.
"""

from sqlalchemy import select

from learnhub.accounts.signals import account_erasing, personal_data_requested
from learnhub.catalog.models import ModuleRevision
from learnhub.contests.signals import paper_scored
from learnhub.extensions import db
from learnhub.learning.signals import (
    course_completed,
    enrolled,
    module_completed,
    module_opened,
    quiz_submitted,
    video_played,
)
from learnhub.recognition.signals import recognition_granted
from learnhub.xapi import statements as xs
from learnhub.xapi.models import XapiActor
from learnhub.xapi.services import forget_actor, is_on, record


def connect():
    """Subscribe to the signals of learning, recognition, contests and accounts (called by xapi.init_app)."""
    enrolled.connect(on_enrolled)
    module_opened.connect(on_module_opened)
    video_played.connect(on_video_played)
    quiz_submitted.connect(on_quiz_submitted)
    module_completed.connect(on_module_completed)
    course_completed.connect(on_course_completed)
    recognition_granted.connect(on_recognition_granted)
    paper_scored.connect(on_paper_scored)
    account_erasing.connect(on_account_erasing)
    personal_data_requested.connect(on_personal_data_requested)


def _title(module):
    return db.session.scalar(
        select(ModuleRevision.title).where(
            ModuleRevision.module_id == module.id, ModuleRevision.revision == module.revision
        )
    )


def on_enrolled(course, user, enrolment, **_kw):
    if is_on():
        record(
            user,
            f"enrolled:{enrolment.id}",
            "registered",
            xs.course_activity(course),
            context=xs.context(language=xs.language_tag(course.language)),
            at=enrolment.enrolled_at,
        )


def on_module_opened(module, user, course, progress, **_kw):
    if is_on():
        record(
            user,
            f"opened:{progress.id}",
            "initialized",
            xs.module_activity(course, module, _title(module)),
            context=xs.context(course),
            at=progress.started_at,
        )


def on_video_played(module, user, course, progress, ranges, **_kw):
    if is_on():
        played = xs.segments(ranges)
        record(
            user,
            f"played:{progress.id}:{played}",
            "played",
            xs.module_activity(course, module, _title(module)),
            result={
                "duration": xs.duration(sum(end - start for start, end in ranges)),
                "extensions": {xs.PLAYED_SEGMENTS: played},
            },
            context=xs.context(course),
        )


def on_quiz_submitted(module, user, course, revision, attempt, paper, **_kw):
    if not is_on():
        return
    quiz = xs.module_activity(course, module, revision.title)
    marks = attempt.marks or {}
    for question, _choices in paper:
        record(
            user,
            f"answered:{attempt.id}:{question.id}",
            "answered",
            xs.question_activity(course, module, revision, question),
            result={
                "success": bool(marks.get(str(question.id))),
                "response": xs.response(question, (attempt.answers or {}).get(str(question.id))),
            },
            context=xs.context(course, parents=[quiz]),
            at=attempt.submitted_at,
        )
    result = {**xs.score(attempt.score, attempt.is_passed), "completion": bool(attempt.is_passed)}
    if attempt.started_at is not None:
        result["duration"] = xs.duration((attempt.submitted_at - attempt.started_at).total_seconds())
    record(
        user,
        f"attempt:{attempt.id}",
        "passed" if attempt.is_passed else "failed",
        quiz,
        result=result,
        context=xs.context(course),
        at=attempt.submitted_at,
    )


def on_module_completed(module, user, enrolment, revision, entry=None, **_kw):
    if is_on():
        course = enrolment.course
        record(
            user,
            f"module-completed:{user.id}:{module.id}",
            "completed",
            xs.module_activity(course, module, revision.title),
            result={"completion": True, "extensions": xs.paid(entry)},
            context=xs.context(course),
            at=entry.created_at if entry is not None else None,
        )


def on_course_completed(course, user, enrolment, entry=None, **_kw):
    if is_on():
        record(
            user,
            f"course-completed:{enrolment.id}",
            "completed",
            xs.course_activity(course),
            result={"completion": True, "extensions": xs.paid(entry)},
            context=xs.context(language=xs.language_tag(course.language)),
            at=enrolment.completed_at,
        )


def on_recognition_granted(granted, user, entry, credential=None, title="", **_kw):
    if not is_on():
        return
    if credential is not None:
        iri = f"{xs.base_url()}/credentials/{credential.uuid}"
    else:  # prior learning: the claim's page on this site
        iri = f"{xs.base_url()}/recognition/prior/{granted.id}"
    record(
        user,
        f"recognition:{entry.id}",
        "earned",
        xs.activity(iri, "credential", title[:200], "zh-CN"),
        result={"completion": True, "extensions": xs.paid(entry)},
        context=xs.context(language="zh-CN"),
        at=entry.created_at,
    )


def on_paper_scored(contest, user, entry, paper, **_kw):
    if is_on():
        record(
            user,
            f"contest:{entry.id}",
            "scored",
            xs.activity(
                f"{xs.base_url()}/contests/{contest.id}",
                "contest",
                contest.title,
                "zh-CN",
                extensions={xs.extension("questions"): len(paper)},
            ),
            result={**xs.score(entry.score), "completion": True, "duration": xs.duration(entry.seconds or 0)},
            context=xs.context(language="zh-CN"),
            at=entry.submitted_at,
        )


def on_account_erasing(user, **_kw):
    forget_actor(user)


def on_personal_data_requested(user, **_kw):
    """The name that stands for the person in the learning records sent to the LRS (None before any)."""
    name = db.session.scalar(select(XapiActor.name).where(XapiActor.user_id == user.id))
    return "learning_records", {"xapi_actor": xs.actor(name) if name is not None else None}
