"""Learning events become xAPI statements in an outbox, in the event's own transaction."""

import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from learnhub.accounts.services import erase_account, export_personal_data
from learnhub.contests import competitions
from learnhub.core.db import utcnow
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.recognition import prior
from learnhub.xapi import sending, services
from learnhub.xapi.models import XapiActor, XapiStatement
from tests.conftest import PASSWORD
from tests.contests.test_competitions import FORM, _right
from tests.contests.test_drills import add_bank
from tests.xapi.conftest import BASE, COURSE_MODULES, learn_whole_course, queued, verbs

ADL = "http://adlnet.gov/expapi/verbs/"


def test_a_whole_course_makes_one_statement_per_event(xapi_on, make_user, make_course):
    worker = make_user("xapi1", phone="13800138001")
    course = make_course("xapi-course", modules=COURSE_MODULES)
    learn_whole_course(worker, course)
    statements = queued()
    assert verbs(statements) == [
        "registered",  # enrolled
        "initialized",  # the lesson opened (once, however often it is opened after)
        "completed",  # the lesson, with the credits and minutes it paid
        "initialized",  # the video opened
        "played",  # 0-300
        "played",  # 300-600: only what was newly played, the second report of 0-300 added nothing
        "completed",  # the video
        "initialized",  # the quiz opened
        "answered",
        "answered",
        "failed",
        "answered",
        "answered",
        "passed",
        "completed",  # the quiz
        "completed",  # the course
    ]
    assert len({s["id"] for s in statements}) == len(statements)
    for statement in statements:
        assert statement["actor"] == statements[0]["actor"]
        assert statement["verb"]["id"].startswith((ADL, "https://w3id.org/xapi/video/verbs/"))
        assert statement["object"]["id"].startswith(f"{BASE}/courses/xapi-course")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", statement["timestamp"])
    played = [s for s in statements if s["verb"]["id"].endswith("/played")]
    segments = [s["result"]["extensions"]["https://w3id.org/xapi/video/extensions/played-segments"] for s in played]
    assert segments == ["0[.]300", "300[.]600"]
    course_done = statements[-1]
    assert course_done["object"]["id"] == f"{BASE}/courses/xapi-course"
    assert course_done["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
    lesson_done = statements[2]
    assert lesson_done["result"]["extensions"] == {
        f"{BASE}/xapi/extensions/credits": "0.50",
        f"{BASE}/xapi/extensions/minutes": 20,
    }
    passed = statements[13]
    assert passed["result"]["score"] == {"scaled": 1.0, "raw": 100, "min": 0, "max": 100}
    assert passed["result"]["success"] is True
    answered = statements[8]
    assert answered["context"]["contextActivities"]["parent"][0]["id"] == f"{BASE}/courses/xapi-course/check"
    assert "correctResponsesPattern" not in answered["object"]["definition"]  # no answers leave the site


def test_the_actor_is_an_opaque_account_on_this_site(xapi_on, make_user, make_course):
    worker = make_user("xapi2", phone="13800138002")
    learning.enrol(worker, make_course("xapi-actor"))
    [statement] = queued()
    account = statement["actor"]["account"]
    assert account["homePage"] == BASE
    assert str(uuid.UUID(account["name"])) == account["name"]  # random, not derived from the person
    assert statement["actor"] == {"objectType": "Agent", "account": {"homePage": BASE, "name": account["name"]}}
    text = str(statement)
    for personal in ("13800138002", "xapi2", worker.name):
        assert personal not in text
    # "Download my data" shows it; deleting the account cuts the link between the person and it.
    assert export_personal_data(worker)["learning_records"] == {"xapi_actor": statement["actor"]}
    erase_account(worker, PASSWORD)
    assert db.session.get(XapiActor, worker.id) is None


def test_an_event_rolled_back_leaves_no_statement(xapi_on, make_user, make_course):
    worker = make_user("xapi3")
    course = make_course("xapi-rollback")
    with db.session.begin_nested() as nested:
        learning.enrol(worker, course)
        assert len(queued()) == 1
        nested.rollback()
    assert queued() == []


def test_the_same_event_is_one_statement_with_one_id(xapi_on, make_user):
    worker = make_user("xapi4")
    assert services.statement_id("enrolled:1") == services.statement_id("enrolled:1")
    assert services.statement_id("enrolled:1") != services.statement_id("enrolled:2")
    activity = {"objectType": "Activity", "id": f"{BASE}/courses/x"}
    first = services.record(worker, "enrolled:1", "registered", activity)
    again = services.record(worker, "enrolled:1", "registered", activity)
    assert first == again
    assert db.session.scalar(select(func.count()).select_from(XapiStatement)) == 1


def test_nothing_is_recorded_without_an_lrs(app, make_user, make_course):
    assert not app.config["XAPI_LRS_URL"]
    worker = make_user("xapi5")
    learn_course = make_course("xapi-off")
    learning.enrol(worker, learn_course)
    assert queued() == []
    assert sending.send_batch() == 0


def test_an_lrs_that_cannot_be_reached_delays_and_loses_nothing(xapi_on, make_user, make_course):
    worker = make_user("xapi6")
    learning.enrol(worker, make_course("xapi-down"))
    now = utcnow()
    assert sending.send_batch(now) == 0  # nothing listens on port 9
    [row] = db.session.scalars(select(XapiStatement)).all()
    assert row.status == "queued" and row.attempts == 1 and "unavailable" in row.last_error
    assert (row.not_before_at - now).total_seconds() == xapi_on.config["XAPI_RETRY_SECONDS"]
    assert sending.send_batch(now) == 0  # not due yet: not even tried
    assert row.attempts == 1
    later = row.not_before_at
    sending.send_batch(later)
    assert row.attempts == 2
    assert (row.not_before_at - later).total_seconds() == 2 * xapi_on.config["XAPI_RETRY_SECONDS"]


def test_statements_are_sent_every_minute_by_the_task_queue(app):
    from datetime import datetime

    from learnhub.core import tasks

    names = {task.name for task in tasks.queue(app).read_periodic(datetime(2026, 12, 3, 9, 7))}
    assert "learnhub.xapi.sending.send_statements" in names


def test_a_contest_paper_and_a_granted_prior_learning_are_recorded(xapi_on, monkeypatch, tree, make_user, make_course):
    now = {"at": datetime(2026, 12, 2, 2, 0, tzinfo=UTC)}  # 10:00 in Beijing, the contest's day
    monkeypatch.setattr(competitions, "_now", lambda: now["at"])
    course = make_course("xapi-wiring", occupation="electrician")
    add_bank(course, count=12)
    people = {
        "admin": make_user("xapi-admin", role="admin", org=tree.city_a),
        "first": make_user("xapi-first", occupation="electrician", org=tree.ent_a1),
    }
    contest = competitions.create_contest(people["admin"], {**FORM, "courses": [str(course.id)]})
    entry = competitions.enter(people["first"], contest)
    now["at"] += timedelta(minutes=4)
    paper = competitions.entry_paper(entry)
    competitions.submit(people["first"], contest, {k[1:]: v for k, v in _right([q.id for q, _c in paper]).items()})
    claim = prior.submit(
        people["first"],
        title="企业电工培训",
        issuer="滨江重型机械厂培训中心",
        achieved_on="2024-06-30",
        hours="16",
        description="低压电工实操",
        filename="证书.pdf",
        data=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    )
    prior.grant(people["admin"], claim, credits="1.5", hours="16")
    scored, earned = queued()
    assert verbs([scored, earned]) == ["scored", "earned"]
    assert scored["object"]["id"] == f"{BASE}/contests/{contest.id}"
    assert scored["result"]["score"]["raw"] == 100 and scored["result"]["duration"] == "PT240S"
    assert earned["object"]["id"] == f"{BASE}/recognition/prior/{claim.id}"
    assert earned["result"]["extensions"][f"{BASE}/xapi/extensions/credits"] == "1.50"
    assert scored["actor"] == earned["actor"]
