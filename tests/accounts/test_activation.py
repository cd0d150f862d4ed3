"""Bulk onboarding texts each worker with a phone a one-time link to choose their password."""

import re

from sqlalchemy import select

from learnhub.accounts import onboarding
from learnhub.accounts.models import User
from learnhub.extensions import db
from learnhub.notify import sms
from learnhub.notify.models import SmsLogEntry, SmsMessage
from tests.accounts.test_onboarding import HEADER, csv_bytes

NEW = "Lathe-Turner-2027"


def _open_accounts(admin):
    data = csv_bytes(
        [
            ["周师傅", "13600001111", "甲市电缆厂工会", "welder", "", ""],
            ["吴师傅", "13600002222", "甲市电缆厂工会", "welder", "", "wu.shifu"],
        ],
        header=[*HEADER, "用户名"],
    )
    return onboarding.apply_import(admin, onboarding.plan_import(admin, onboarding.read_table("w.csv", data)))


def _link_in_sms(phone):
    for message in db.session.scalars(select(SmsMessage).where(SmsMessage.status == "queued")).all():
        # Sent when due: after Beijing's quiet hours if the suite runs during them.
        sms.deliver(message.id, now=message.not_before_at)
    text = db.session.scalar(select(SmsLogEntry.text).where(SmsLogEntry.phone == phone))
    return re.search(r"(/activate/[\w.-]+)", text).group(1)


def test_a_worker_opened_in_bulk_chooses_a_password_from_the_sms_link(client, auth, make_user, tree, monkeypatch):
    monkeypatch.setitem(client.application.config, "SMS_QUIET_HOURS", "00:00-00:00")
    admin = make_user("bulk-admin", role="admin", org=tree.city_a, occupation=None)
    created = _open_accounts(admin)
    assert [bool(password) for _user, password in created] == [True, True]  # the handout stays
    messages = db.session.scalars(select(SmsMessage)).all()
    assert sorted(m.phone for m in messages) == ["13600001111", "13600002222"]  # one each
    link = _link_in_sms("13600001111")
    page = client.get(link).get_data(as_text=True)
    assert "周师傅" in page and "甲市电缆厂工会" in page
    done = auth.post(link, {"password": NEW, "password2": NEW})
    assert done.status_code == 302 and done.location == "/login"
    assert auth.login("13600001111", NEW).status_code == 302
    worker = db.session.scalar(select(User).where(User.phone == "13600001111"))
    assert not worker.must_change_password  # no second "choose a password" at first login
    auth.logout()
    assert client.get(link).status_code == 404  # used once
    assert client.get(link[:-3] + "abc").status_code == 404  # forged
    assert client.get("/activate/%00").status_code == 404


def test_the_link_ends_when_the_worker_chose_a_password_with_the_handout(client, auth, make_user, tree):
    from learnhub.accounts.services import change_password

    admin = make_user("bulk-admin2", role="admin", org=tree.city_a, occupation=None)
    [(worker, initial), _other] = _open_accounts(admin)
    link = _link_in_sms("13600001111")
    change_password(worker, initial, NEW)
    assert client.get(link).status_code == 404


def test_a_password_refused_by_the_rule_is_said_beside_it(client, auth, make_user, tree):
    admin = make_user("bulk-admin3", role="admin", org=tree.city_a, occupation=None)
    _open_accounts(admin)
    link = _link_in_sms("13600001111")
    page = auth.post(link, {"password": "12345678", "password2": "12345678"}).get_data(as_text=True)
    assert 'id="password-error"' in page
    assert client.get(link).status_code == 200  # still usable
