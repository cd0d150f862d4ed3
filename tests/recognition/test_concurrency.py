"""Racing over real connections: two reviewers approve at once, a worker taps "apply" twice.

Like tests/learning/test_concurrency.py, these need committed data and many connections, so
they build their own database and their own app.
"""

import threading

import pytest

from learnhub.extensions import db
from tests.conftest import PASSWORD, csrf_token


def _setup(app):
    from decimal import Decimal

    from learnhub.accounts.models import Consent, User
    from learnhub.accounts.passwords import hash_password
    from learnhub.catalog.models import Course, Module, ModuleRevision
    from learnhub.orgs.services import create_org
    from learnhub.recognition.pathways import load_pathway

    with app.app_context():
        root = create_org("全国", "national")
        province = create_org("省", "province", root)
        enterprise = create_org("厂工会", "enterprise", province)
        password_hash = hash_password(PASSWORD)
        worker = User(
            username="racer",
            name="赛跑",
            role="worker",
            org=enterprise,
            occupation="electrician",
            password_hash=password_hash,
        )
        people = [worker] + [
            User(username=name, name=name, role="admin", org=province, password_hash=password_hash)
            for name in ("reviewer1", "reviewer2")
        ]
        db.session.add_all(people)
        db.session.flush()
        for person in people:  # everyone has accepted the current privacy notice
            db.session.add(Consent(user_id=person.id, notice_version=app.config["PRIVACY_NOTICE_VERSION"]))
        course = Course(
            slug="race", title="并发", category="safety", status="published", credits=Decimal("1"), minutes=10
        )
        db.session.add(course)
        db.session.flush()
        module = Module(course_id=course.id, key="only", kind="lesson", position=0)
        db.session.add(module)
        db.session.flush()
        db.session.add(
            ModuleRevision(
                module_id=module.id, revision=1, title="唯一", minutes=10, credits=Decimal("1"), body_html="<p>x</p>"
            )
        )
        from learnhub.learning import services as learning

        db.session.flush()
        learning.enrol(worker, course)
        learning.complete_module(worker, course, module, db.session.get(ModuleRevision, 1))
        version = load_pathway(
            "race-pathway",
            root,
            title="并发认定",
            target_kind="academic",
            institution="学院",
            programme="专业",
            course_name="课程",
            target_credits="2",
            required_courses="race",
        )
        db.session.commit()
        return version.pathway_id


def _client(app, login):
    client = app.test_client()
    response = client.post("/login", data={"csrf_token": csrf_token(client), "login": login, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _race(calls):
    barrier = threading.Barrier(len(calls))
    statuses = []

    def run(call):
        barrier.wait()
        statuses.append(call())

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


@pytest.mark.own_database
def test_racing_applications_and_approvals_make_one_of_each(committed_app):  # noqa: F811
    from learnhub.credits.models import LedgerEntry
    from learnhub.recognition.models import Application, Credential

    app = committed_app
    pathway_id = _setup(app)
    worker = _client(app, "racer")
    token = csrf_token(worker, f"/recognition/pathways/{pathway_id}")
    cookie = worker.get_cookie("learnhub_session").value

    def tap():
        client = app.test_client()
        client.set_cookie("learnhub_session", cookie)
        return client.post(f"/recognition/pathways/{pathway_id}/apply", data={"csrf_token": token}).status_code

    statuses = _race([tap] * 6)
    assert statuses.count(302) == 1 and set(statuses) <= {302, 400}  # every tap answered, none failed
    with app.app_context():
        [application] = db.session.scalars(db.select(Application)).all()
        application_id = application.id

    reviewers = [_client(app, "reviewer1"), _client(app, "reviewer2")]
    tokens = [csrf_token(c, f"/recognition/review/{application_id}") for c in reviewers]

    def approve(index):
        return lambda: (
            reviewers[index]
            .post(f"/recognition/review/{application_id}", data={"csrf_token": tokens[index], "action": "approve"})
            .status_code
        )

    assert _race([approve(0), approve(1)]) == [302, 400]
    with app.app_context():
        assert db.session.get(Application, application_id).status == "approved"
        kinds = sorted(e.kind for e in db.session.scalars(db.select(LedgerEntry)))
        assert kinds == ["course", "module", "recognition"]
        credentials = sorted(c.kind for c in db.session.scalars(db.select(Credential)))
        assert credentials == ["course", "recognition"]
