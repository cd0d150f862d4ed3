"""Registering with a mobile number asks for the code sent to it, when PHONE_VERIFICATION is on."""

import re

import pytest
from sqlalchemy import select

from config import Config, ProductionConfig
from learnhub.accounts.models import SmsCode, User
from learnhub.extensions import db
from learnhub.notify import sms
from learnhub.notify.models import SmsLogEntry, SmsMessage

PASSWORD = "Welding-Arc-2027"


@pytest.fixture
def verifying(app, monkeypatch):
    monkeypatch.setitem(app.config, "PHONE_VERIFICATION", True)


def _form(tree, login, code=""):
    return dict(
        login=login,
        name="钱师傅",
        org_id=str(tree.ent_a1.id),
        org_query="",
        occupation="welder",
        skill_level="none",
        password=PASSWORD,
        password2=PASSWORD,
        code=code,
        consent="y",
    )


def _code(phone):
    for message in db.session.scalars(select(SmsMessage).where(SmsMessage.status == "queued")):
        sms.deliver(message.id)
    text = db.session.scalar(select(SmsLogEntry.text).where(SmsLogEntry.phone == phone))
    return re.search(r"\d{6}", text).group(0)


def test_on_in_production_off_in_the_demo():
    assert Config.PHONE_VERIFICATION is False
    assert ProductionConfig.PHONE_VERIFICATION is True


def test_a_phone_registers_with_the_code_sent_to_it(client, auth, tree, verifying):
    page = client.get("/register").get_data(as_text=True)
    assert "/register/code" in page and 'name="code"' in page
    sent = auth.post("/register/code", {"phone": "136 0000 5555"})
    assert sent.status_code == 302 and sent.location == "/register"
    assert 'value="13600005555"' in client.get("/register").get_data(as_text=True)  # kept for the form
    refused = auth.post("/register", _form(tree, "13600005555", code="000000")).get_data(as_text=True)
    assert 'id="code-error"' in refused
    assert db.session.scalar(select(SmsCode.attempts)) == 1
    assert db.session.scalar(select(User).where(User.phone == "13600005555")) is None
    done = auth.post("/register", _form(tree, "13600005555", code=_code("13600005555")))
    assert done.status_code == 302 and done.location == "/"
    assert db.session.scalar(select(User).where(User.phone == "13600005555")).name == "钱师傅"


def test_a_phone_without_its_code_is_refused(client, auth, tree, verifying):
    page = auth.post("/register", _form(tree, "13600006666")).get_data(as_text=True)
    assert 'id="code-error"' in page
    assert db.session.scalar(select(User).where(User.phone == "13600006666")) is None


def test_a_username_needs_no_code(client, auth, tree, verifying):
    assert auth.post("/register", _form(tree, "qian.shifu")).status_code == 302


def test_off_the_code_is_neither_asked_nor_offered(client, auth, tree):
    assert "/register/code" not in client.get("/register").get_data(as_text=True)
    assert auth.post("/register/code", {"phone": "13600007777"}).status_code == 404
    assert auth.post("/register", _form(tree, "13600007777")).status_code == 302
