"""A forgotten password: a code by SMS to the account's phone, hashed, 10 minutes, 5 tries, rate-limited."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from learnhub.accounts import recovery
from learnhub.accounts.models import LoginSession, SmsCode, User
from learnhub.core.db import utcnow
from learnhub.core.errors import DomainError
from learnhub.extensions import db
from learnhub.notify import sms
from learnhub.notify.models import SmsLogEntry, SmsMessage
from tests.conftest import Auth

NEW = "Tough-Cable-2027"


def _sent_code(phone):
    """The code in the last SMS the log backend sent to `phone`, as a person reads it."""
    for message in db.session.scalars(select(SmsMessage).where(SmsMessage.status == "queued")):
        sms.deliver(message.id)
    texts = db.session.scalars(
        select(SmsLogEntry.text).where(SmsLogEntry.phone == phone).order_by(SmsLogEntry.id.desc())
    ).all()
    return re.search(r"\d{6}", texts[0]).group(0) if texts else None


def _ask(auth, phone):
    return auth.post("/password/forgot", {"phone": phone})


def _reset(auth, phone, code, password=NEW):
    return auth.post("/password/reset", {"phone": phone, "code": code, "password": password, "password2": password})


def test_a_worker_resets_a_forgotten_password_with_the_code_sent_to_their_phone(client, auth, make_user):
    worker = make_user("forgetful", phone="13700000001")
    auth.login("forgetful")
    other_device = Auth(client.application.test_client())
    other_device.login("forgetful")
    auth.logout()
    assert "忘记密码？" in client.get("/login").get_data(as_text=True)
    answer = _ask(auth, "137 0000 0001")
    assert answer.status_code == 302 and answer.location == "/password/reset"
    page = client.get("/password/reset").get_data(as_text=True)
    assert "如果这个号码有账号，验证码已通过短信发出" in page and 'value="13700000001"' in page
    code = _sent_code("13700000001")
    stored = db.session.scalar(select(SmsCode))
    assert code not in stored.code_hash and len(stored.code_hash) == 64  # only its HMAC is kept
    message = db.session.scalar(select(SmsMessage).where(SmsMessage.key == f"code:{stored.id}"))
    assert message.status == "sent" and message.params == {} and code not in message.text  # scrubbed once sent
    done = _reset(auth, "13700000001", code)
    assert done.status_code == 302 and done.location == "/login"
    assert auth.login("13700000001", NEW).status_code == 302
    assert db.session.scalar(select(LoginSession.id).where(LoginSession.user_id == worker.id)) is not None
    assert _reset(auth, "13700000001", code).status_code == 302  # signed in now: sent to "change my password"


def test_the_answer_is_the_same_whether_or_not_the_number_has_an_account(client, auth, make_user):
    make_user("has-phone", phone="13700000002")
    known = _ask(auth, "13700000002")
    unknown = _ask(auth, "13700000003")
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    assert client.get("/password/reset").status_code == 200
    assert _sent_code("13700000002") is not None and _sent_code("13700000003") is None
    page = _reset(auth, "13700000003", "123456").get_data(as_text=True)
    assert "验证码不正确或已失效" in page


def test_a_code_allows_five_tries_and_ten_minutes(client, auth, make_user):
    make_user("tries", phone="13700000004")
    _ask(auth, "13700000004")
    code = _sent_code("13700000004")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _try in range(5):
        page = _reset(auth, "13700000004", wrong).get_data(as_text=True)
        assert 'id="code-error"' in page
    assert db.session.scalar(select(SmsCode.attempts)) == 5  # each wrong try counted, though refused
    assert 'id="code-error"' in _reset(auth, "13700000004", code).get_data(as_text=True)  # too late now

    row, _code = recovery.send_code(
        "13700000004", "reset", db.session.scalar(select(User).where(User.username == "tries"))
    )
    db.session.flush()
    with pytest.raises(DomainError):
        recovery.use_code("13700000004", "reset", "000000", now=utcnow() + timedelta(minutes=11))
    assert row.used_at is None


def test_a_password_refused_by_the_rule_keeps_the_code(client, auth, make_user):
    make_user("picky", phone="13700000005")
    _ask(auth, "13700000005")
    code = _sent_code("13700000005")
    page = _reset(auth, "13700000005", code, password="12345678").get_data(as_text=True)
    assert 'id="password-error"' in page
    assert _reset(auth, "13700000005", code).location == "/login"


def test_asking_for_codes_is_limited_per_phone_and_per_address(client, auth, make_user):
    make_user("limited", phone="13700000006")
    assert _ask(auth, "13700000006").status_code == 302
    assert _ask(auth, "13700000006").status_code == 429  # again within the minute
    assert _ask(auth, "13700000007").status_code == 302  # another number, from the same place
    assert len(db.session.scalars(select(SmsCode)).all()) == 1
    for n in range(18):
        _ask(auth, f"1370000{n + 10:04d}")
    assert _ask(auth, "13700000099").status_code == 429  # the address's 20 an hour


def test_only_the_latest_code_counts_and_a_deactivated_account_gets_none(client, auth, make_user):
    worker = make_user("twice", phone="13700000008")
    first, _code = recovery.send_code("13700000008", "reset", worker)
    recovery.send_code("13700000008", "reset", worker)
    db.session.refresh(first)
    assert first.used_at is not None  # the older code no longer counts
    make_user("gone", phone="13700000009", is_active_account=False)
    recovery.request_password_reset("13700000009")
    assert db.session.scalar(select(SmsCode).where(SmsCode.phone == "13700000009")) is None
