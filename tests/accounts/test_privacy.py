import json
from decimal import Decimal

from learnhub.accounts.models import Consent, User
from learnhub.credits import services as credits
from learnhub.extensions import db
from tests.conftest import PASSWORD, quiz_answers


def _consented(user, version):
    db.session.add(Consent(user_id=user.id, notice_version=version))
    db.session.flush()


def test_no_use_without_consent_to_the_current_notice(app, client, auth, make_user):
    user = make_user("worker1", consent=False)
    auth.login("worker1")
    assert client.get("/courses/").status_code == 302  # the menu's pages lead to the notice
    assert client.get("/me/record").headers["Location"].endswith("/me/consent")
    assert "隐私说明" in client.get("/me/consent").get_data(as_text=True)
    assert auth.post("/me/consent").status_code == 302
    assert client.get("/me/record").status_code == 200
    versions = [c.notice_version for c in db.session.scalars(db.select(Consent).where(Consent.user_id == user.id))]
    assert versions == [app.config["PRIVACY_NOTICE_VERSION"]]


def test_a_new_notice_version_asks_again(app, client, auth, make_user):
    user = make_user("worker1", consent=False)
    _consented(user, "2020-01")
    auth.login("worker1")
    assert client.get("/me/record").headers["Location"].endswith("/me/consent")


def test_withdrawing_consent_logs_out_everywhere_and_asks_again(app, client, auth, make_user):
    user = make_user("worker1")
    auth.login("worker1")
    other = app.test_client()
    from tests.conftest import Auth

    Auth(other).login("worker1")
    assert auth.post("/me/consent/withdraw").status_code == 302
    assert other.get("/me/record").status_code == 302
    consent = db.session.scalars(db.select(Consent).where(Consent.user_id == user.id)).one()
    assert consent.withdrawn_at is not None
    auth.login("worker1")
    assert client.get("/me/record").headers["Location"].endswith("/me/consent")


def test_download_my_data(app, client, auth, make_user, make_course):
    make_user("worker1", phone="13912345678")
    course = make_course("mine")
    auth.login("worker1")
    auth.post("/courses/mine/enrol")
    auth.post("/courses/mine/intro/done")
    from learnhub.catalog.services import course_modules

    revision = {m.key: r for m, r in course_modules(course)}["check"]
    auth.post("/courses/mine/check/quiz", quiz_answers(revision))
    response = client.get("/me/data.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["phone"] == "13912345678"
    assert data["consents"][0]["notice_version"] == app.config["PRIVACY_NOTICE_VERSION"]
    assert data["learning"]["enrolments"][0]["course"] == "mine"
    assert {p["module"] for p in data["learning"]["progress"]} == {"intro", "check"}
    assert data["learning"]["quiz_attempts"][0]["score"] == 100
    assert len(data["learning_account"]["entries"]) == 3


def test_deleting_my_account_anonymises_and_keeps_the_ledger(app, client, auth, make_user, tree):
    user = make_user("worker1", phone="13912345678", name="王小明", org=tree.ent_a2)
    credits.award(user, kind="module", source_type="module", source_id=1, credits=Decimal("2"), minutes=60)
    auth.login("worker1")
    wrong = auth.post("/me/delete", {"password": "not mine"})
    assert wrong.status_code == 400 and user.erased_at is None
    done = auth.post("/me/delete", {"password": PASSWORD})
    assert done.status_code == 200
    row = db.session.get(User, user.id)
    assert row.erased_at is not None and row.phone is None and row.name != "王小明"
    assert not row.username.startswith("worker1") and not row.is_active
    assert (row.org, row.occupation) == (tree.ent_a2, "electrician")  # the union's figures still add up
    assert credits.balance(credits.get_account(row)) == (Decimal("2.00"), 60)
    assert auth.login("worker1").status_code == 200  # nobody can log in as them any more
    assert auth.login("13912345678").status_code == 200
    # The phone number is free again for a new registration.
    assert db.session.scalar(db.select(User).where(User.phone == "13912345678")) is None
