"""Deadlines of required courses, told by the task queue's schedule: 7 days, 1 day, overdue, once each."""

from datetime import datetime, timedelta

from sqlalchemy import select

from learnhub.core import tasks
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.learning.models import Enrolment
from learnhub.notify.models import Notification, SmsMessage
from learnhub.stats import required
from learnhub.stats.rollups import today


def _told(user):
    return db.session.scalars(
        select(Notification.title).where(Notification.user_id == user.id, Notification.kind != "required.assigned")
    ).all()


def test_the_deadlines_are_checked_every_morning_by_the_queue(app):
    names = {task.name for task in tasks.queue(app).read_periodic(datetime(2026, 12, 3, 1, 0))}
    assert "learnhub.stats.required.tell_deadlines" in names  # 09:00 in Beijing
    names = {task.name for task in tasks.queue(app).read_periodic(datetime(2026, 12, 3, 3, 0))}
    assert "learnhub.stats.required.tell_deadlines" not in names


def test_each_worker_is_told_seven_days_one_day_and_overdue_once_each(tree, make_user, make_course):
    course = make_course("deadline-course", title="电工安全")
    admin = make_user("deadline-admin", role="admin", org=tree.city_a, occupation=None)
    late = make_user("late", org=tree.ent_a1, phone="13800000011")
    english = make_user("late-en", org=tree.ent_a2, locale="en")
    done = make_user("done", org=tree.ent_a1)
    make_user("welder", org=tree.ent_a1, occupation="welder")
    start = today()
    requirement = required.require_course(
        admin, course.id, start + timedelta(days=10), start, occupations=["electrician"]
    )
    learning.enrol(done, course)
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == done.id))
    enrolment.completed_at = enrolment.enrolled_at  # finished: never told
    db.session.flush()

    assert required.tell_deadlines(start) == 0  # ten days ahead: nothing yet
    assert required.tell_deadlines(start + timedelta(days=3)) == 2  # seven days ahead
    assert required.tell_deadlines(start + timedelta(days=3)) == 0  # the run again, or a retry
    assert required.tell_deadlines(start + timedelta(days=5)) == 0  # nothing new in between
    assert required.tell_deadlines(start + timedelta(days=9)) == 2
    assert required.tell_deadlines(start + timedelta(days=10)) == 0  # the deadline itself
    assert required.tell_deadlines(start + timedelta(days=11)) == 2
    assert required.tell_deadlines(start + timedelta(days=12)) == 0
    assert _told(late) == ["7天后截止：电工安全", "明天截止：电工安全", "已逾期：电工安全"]
    assert _told(english) == ["Due in 7 days: 电工安全", "Due tomorrow: 电工安全", "Overdue: 电工安全"]
    assert _told(done) == []
    assert db.session.scalar(select(Notification.link).where(Notification.user_id == late.id)) == (
        "/courses/deadline-course"
    )
    # The worker with a phone has each by SMS too (every event until they choose), once each.
    keys = db.session.scalars(select(SmsMessage.key).where(SmsMessage.user_id == late.id)).all()
    assert len(keys) == len(set(keys)) == 3  # the requirement itself was told by another task
    assert requirement.due_on == start + timedelta(days=10)


def test_a_requirement_set_late_says_how_many_days_are_left(tree, make_user, make_course):
    course = make_course("short-notice", title="急救")
    admin = make_user("short-admin", role="admin", org=tree.city_a, occupation=None)
    worker = make_user("short-worker", org=tree.ent_a1)
    start = today()
    required.require_course(admin, course.id, start + timedelta(days=3), start)
    assert required.tell_deadlines(start) == 1
    assert _told(worker) == ["3天后截止：急救"]
    assert required.tell_deadlines(start + timedelta(days=45)) == 0  # long past: the admin's reminders speak


def test_a_credential_issued_or_revoked_reaches_its_holder(tree, make_user, make_course):
    from learnhub.demo import finish_course
    from learnhub.recognition import credentials

    worker = make_user("holder", org=tree.ent_a1, phone="13800000012")
    admin = make_user("holder-admin", role="admin", org=tree.city_a, occupation=None)
    finish_course(worker, make_course("holder-course", title="焊接安全"))
    [credential] = credentials.credentials_of(worker)
    credentials.revoke(admin, credential, "成绩有误")
    told = db.session.execute(
        select(Notification.title, Notification.body, Notification.link)
        .where(Notification.user_id == worker.id)
        .order_by(Notification.id)
    ).all()
    assert [tuple(row) for row in told] == [
        ("证书已颁发：焊接安全", "任何人都可以在线或扫描二维码核验这份证书。", f"/credentials/{credential.uuid}"),
        ("证书已撤销：焊接安全", "成绩有误", f"/credentials/{credential.uuid}"),
    ]
    assert len(db.session.scalars(select(SmsMessage).where(SmsMessage.user_id == worker.id)).all()) == 2
