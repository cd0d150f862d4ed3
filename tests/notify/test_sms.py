"""The SMS channel: the person's choices, quiet hours, a daily cap, each message once, retries and the failed list."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from learnhub.core import tasks
from learnhub.extensions import db
from learnhub.notify import services as notify
from learnhub.notify import sms
from learnhub.notify.models import Notification, SmsLogEntry, SmsMessage
from tests.notify.test_providers import FakeProvider

# 10:00 and 23:00 in Beijing.
MORNING = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
LATE = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def _messages():
    return db.session.scalars(select(SmsMessage).order_by(SmsMessage.id)).all()


def _ticked(page):
    return re.findall(r'<input checked id="events-\d+" name="events" type="checkbox" value="(\w+)">', page)


def _log():
    return db.session.scalars(select(SmsLogEntry.text).order_by(SmsLogEntry.id)).all()


def test_a_notification_comes_by_sms_once_however_often_it_is_sent(app, make_user, monkeypatch):
    # Sent at once, whatever the hour the suite runs (quiet hours have tests of their own).
    monkeypatch.setitem(app.config, "SMS_QUIET_HOURS", "00:00-00:00")
    worker = make_user("sms-worker", phone="13800000001")
    notify.notify(worker, key="required:1", kind="required.assigned", title="必修课：安全第一")
    notify.notify(worker, key="required:1", kind="required.assigned", title="必修课：安全第一")  # a retry
    [message] = _messages()
    assert message.key == f"notification:{db.session.scalar(select(Notification.id))}:sms"
    assert message.status == "queued" and message.phone == "13800000001"
    assert sms.deliver(message.id) is True
    assert sms.deliver(message.id) is False  # the task again, or a second consumer
    assert sms.deliver_due() == 0
    assert _log() == ["【职工学习网】必修课：安全第一。请登录职工学习网，在“消息”中查看。"]
    assert message.status == "sent" and message.provider == "log" and message.attempts == 1


def test_the_key_is_unique_in_the_database(make_user):
    worker = make_user("sms-unique", phone="13800000002")
    row = dict(phone=worker.phone, template="notice", day=MORNING.date(), not_before_at=MORNING)
    db.session.add(SmsMessage(key="notification:1:sms", **row))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(SmsMessage(key="notification:1:sms", **row))
        db.session.flush()


def test_queued_messages_go_to_the_task_queue_once_committed(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_QUIET_HOURS", "00:00-00:00")  # due now, at any hour of the run
    worker = make_user("sms-queue", phone="13800000003")
    queue = tasks.queue(app)
    queue.flush()
    notify.notify(worker, key="k", kind="application.approved", title="认定通过")
    assert queue.pending_count() == 0  # not before the row is committed
    db.session.commit()
    [task] = queue.pending()
    assert task.name == "learnhub.notify.sms.deliver" and task.args == (_messages()[0].id,)
    queue.flush()


def test_a_person_chooses_which_events_come_by_sms(client, auth, make_user):
    worker = make_user("sms-chooser", phone="13800000004")
    auth.login("sms-chooser")
    page = client.get("/me/profile").get_data(as_text=True)
    assert "短信通知" in page and _ticked(page) == ["required", "application", "prior_learning", "credential"]
    auth.post("/me/sms", {"sent": "1", "events": ["application"]})
    assert _ticked(client.get("/me/profile").get_data(as_text=True)) == ["application"]
    notify.notify(worker, key="a", kind="required.reminder", title="提醒")
    notify.notify(worker, key="b", kind="application.approved", title="通过")
    assert [m.params["title"] for m in _messages()] == ["通过"]
    auth.post("/me/sms", {"sent": "1"})  # nothing ticked: none by SMS
    notify.notify(worker, key="c", kind="application.rejected", title="未通过")
    assert len(_messages()) == 1
    assert db.session.scalar(select(Notification.id).where(Notification.key == "c"))  # the inbox has it


def test_nobody_without_a_phone_gets_an_sms(make_user):
    worker = make_user("sms-nophone")
    notify.notify(worker, key="a", kind="required.assigned", title="必修")
    assert _messages() == []


def test_quiet_hours_hold_a_notification_until_seven_in_beijing(make_user):
    worker = make_user("sms-night", phone="13800000005")
    message = sms.queue_sms(
        key="n:1", user=worker, phone=worker.phone, template="notice", params={}, text="晚安", now=LATE
    )
    assert message.not_before_at == datetime(2026, 12, 3, 23, 0, tzinfo=UTC)  # 07:00 the next day
    assert message.day.isoformat() == "2026-12-04"
    assert sms.deliver(message.id, now=LATE) is False and sms.deliver_due(now=LATE) == 0
    assert sms.deliver_due(now=datetime(2026, 12, 3, 23, 0, 30, tzinfo=UTC)) == 1
    assert message.status == "sent"
    code = sms.queue_sms(
        key="code:1", phone=worker.phone, template="code", params={}, text="123", urgent=True, now=LATE
    )
    assert code.not_before_at == LATE  # a code the person asked for leaves at once


def test_a_person_gets_at_most_the_daily_cap(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_DAILY_CAP", 2)
    worker = make_user("sms-capped", phone="13800000006")
    for n in range(3):
        sms.queue_sms(
            key=f"n:{n}", user=worker, phone=worker.phone, template="notice", params={}, text="x", now=MORNING
        )
    assert [m.status for m in _messages()] == ["queued", "queued", "capped"]
    sms.queue_sms(
        key="n:next-day",
        user=worker,
        phone=worker.phone,
        template="notice",
        params={},
        text="x",
        now=MORNING + timedelta(days=1),
    )
    assert _messages()[-1].status == "queued"
    assert sms.deliver_due(now=MORNING + timedelta(days=1)) == 3


@pytest.fixture
def refusing_provider(app, monkeypatch):
    fake = FakeProvider()
    fake.answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "流控"}
    for name, value in dict(
        SMS_BACKEND="aliyun", ALIYUN_SMS_ENDPOINT=fake.url, SMS_TEMPLATE_NOTICE="SMS_2", SMS_MAX_ATTEMPTS=3
    ).items():
        monkeypatch.setitem(app.config, name, value)
    yield fake
    fake.close()


def test_a_refused_send_is_retried_with_backoff_then_listed_for_the_deployments_admins(
    client, auth, tree, make_user, refusing_provider
):
    worker = make_user("sms-refused", phone="13800000007")
    message = sms.queue_sms(
        key="n:r", user=worker, phone=worker.phone, template="notice", params={}, text="x", now=MORNING
    )
    assert sms.deliver(message.id, now=MORNING) is True
    assert (message.status, message.attempts, message.not_before_at) == ("queued", 1, MORNING + timedelta(minutes=1))
    assert sms.deliver_due(now=MORNING + timedelta(seconds=30)) == 0  # not yet
    assert sms.deliver_due(now=MORNING + timedelta(minutes=1)) == 1
    assert message.not_before_at == MORNING + timedelta(minutes=3)  # then 2 minutes later
    assert sms.deliver_due(now=MORNING + timedelta(minutes=3)) == 1
    assert (message.status, message.attempts) == ("failed", 3)
    assert "BUSINESS_LIMIT_CONTROL" in message.last_error and len(refusing_provider.requests) == 3
    assert sms.deliver_due(now=MORNING + timedelta(hours=1)) == 0  # it stays in the list

    make_user("city-admin-sms", role="admin", org=tree.city_a)
    make_user("root-admin-sms", role="admin", org=tree.national)
    assert client.get("/sms/failed").status_code == 302  # a visitor: the login page
    auth.login("city-admin-sms")
    assert client.get("/sms/failed").status_code == 404
    assert client.get("/sms/log").status_code == 404
    assert auth.post(f"/sms/failed/{message.id}/retry").status_code == 404
    auth.logout()
    auth.login("root-admin-sms")
    page = client.get("/sms/failed").get_data(as_text=True)
    assert "138****0007" in page and "BUSINESS_LIMIT_CONTROL" in page
    refusing_provider.answer = {"Code": "OK", "BizId": "1"}
    assert auth.post(f"/sms/failed/{message.id}/retry").status_code == 302
    assert sms.deliver(message.id) is True and message.status == "sent"
    assert auth.post(f"/sms/failed/{message.id}/retry").status_code == 404  # nothing failed any more


def test_a_code_given_up_on_is_not_sent_again_from_the_list(make_user):
    code = sms.queue_sms(
        key="code:x", phone="13800000013", template="code", params={"code": "1"}, text="1", urgent=True
    )
    code.status = "failed"
    db.session.flush()
    assert sms.retry_failed(code.id) == 0 and code.status == "failed"


def test_a_send_cut_off_half_way_is_never_sent_again(make_user):
    worker = make_user("sms-cut", phone="13800000008")
    message = sms.queue_sms(
        key="n:c", user=worker, phone=worker.phone, template="notice", params={}, text="x", now=MORNING
    )
    # A consumer claimed it and stopped before the provider answered.
    message.status, message.claimed_at, message.attempts = "sending", MORNING, 1
    db.session.flush()
    assert sms.deliver_due(now=MORNING + timedelta(minutes=5)) == 0 and message.status == "sending"
    assert sms.deliver_due(now=MORNING + timedelta(minutes=11)) == 0
    assert message.status == "failed" and "may have arrived" in message.last_error
    assert _log() == []


def test_the_log_backends_page_is_for_the_deployments_admins(client, auth, tree, make_user):
    worker = make_user("sms-logged", phone="13800000009")
    message = sms.queue_sms(
        key="code:9", phone=worker.phone, template="code", params={}, text="验证码 654321", urgent=True
    )
    sms.deliver(message.id)
    make_user("root-admin-log", role="admin", org=tree.national)
    auth.login("sms-logged")
    assert client.get("/sms/log").status_code == 404
    auth.logout()
    auth.login("root-admin-log")
    page = client.get("/sms/log").get_data(as_text=True)
    assert "13800000009" in page and "验证码 654321" in page


def test_erasing_an_account_removes_its_sms(make_user):
    from learnhub.accounts.services import erase_account
    from tests.conftest import PASSWORD

    worker = make_user("sms-erased", phone="13800000010")
    notify.notify(worker, key="a", kind="required.assigned", title="必修")
    erase_account(worker, PASSWORD)
    assert _messages() == []
