"""Work killed half-way leaves nothing half-written: one transaction per command or request."""

from pathlib import Path

import pytest

from learnhub.extensions import db

COURSES = Path(__file__).resolve().parents[1] / "courses"


class Killed(Exception):
    """Stands for the process dying in the middle of the work."""


@pytest.mark.own_database
def test_a_course_import_killed_half_way_writes_nothing(committed_app, monkeypatch):
    from learnhub.catalog import importing
    from learnhub.catalog.models import Course, ModuleRevision

    real = importing._add_revision
    calls = {"n": 0}

    def dies_at_the_twentieth_module(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 20:  # several courses are already flushed by now
            raise Killed()
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "_add_revision", dies_at_the_twentieth_module)
    result = committed_app.test_cli_runner().invoke(args=["courses", "import", str(COURSES)])
    assert isinstance(result.exception, Killed) and calls["n"] == 20
    with committed_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Course)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(ModuleRevision)) == 0
        db.session.remove()


@pytest.mark.own_database
def test_a_bulk_onboarding_killed_half_way_opens_no_account(committed_app, tmp_path):
    from learnhub.accounts import onboarding
    from learnhub.accounts.models import User
    from learnhub.accounts.passwords import hash_password
    from learnhub.orgs.services import create_org

    with committed_app.app_context():
        root = create_org("全国", "national")
        city = create_org("市总工会", "city", create_org("省", "province", root))
        create_org("一号厂工会", "enterprise", city)
        db.session.add(
            User(
                username="boss", name="管理员", role="admin", org=city, password_hash=hash_password("Steady-Hands-2026")
            )
        )
        db.session.commit()
        admin = db.session.scalar(db.select(User).where(User.username == "boss"))
        rows = onboarding.read_table(
            "w.csv",
            "姓名,手机号,工会,工种\n".encode()
            + "".join(f"工人{chr(0x7532 + i)},1391234{i:04d},一号厂工会,焊工\n" for i in range(10)).encode(),
        )
        plan = onboarding.plan_import(admin, rows)
        assert len(plan.new) == 10
        done = {"n": 0}

        def dies_after_five():
            done["n"] += 1
            if done["n"] == 5:
                raise Killed()

        with pytest.raises(Killed):
            onboarding.apply_import(admin, plan, progress=dies_after_five)
            db.session.commit()  # never reached: the request would have died first
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1
        db.session.remove()


# ---------------------------------------------------------------- killed in the middle of a request


def _everything(app):
    """Every row of every table, as text: what a killed request must leave exactly as it was."""
    from sqlalchemy import select

    with app.app_context():
        rows = {
            table.name: sorted(tuple(map(str, row)) for row in db.session.execute(select(table)))
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
    return rows


def _people(app, *people):
    """Commit a union tree and these (username, role, org kind) people, each consenting."""
    from learnhub.accounts.models import Consent, User
    from learnhub.accounts.passwords import hash_password
    from learnhub.orgs.services import create_org
    from tests.conftest import PASSWORD

    with app.app_context():
        national = create_org("全国总工会", "national")
        city = create_org("市总工会", "city", create_org("省总工会", "province", national))
        orgs = {"national": national, "city": city, "enterprise": create_org("一号厂工会", "enterprise", city)}
        for username, role, kind in people:
            user = User(
                username=username,
                name="测试" + username,
                role=role,
                org=orgs[kind],
                locale="en",
                occupation="electrician" if role == "worker" else None,
                password_hash=hash_password(PASSWORD),
            )
            db.session.add(user)
            db.session.flush()
            db.session.add(Consent(user_id=user.id, notice_version=app.config["PRIVACY_NOTICE_VERSION"]))
        db.session.commit()
        db.session.remove()


@pytest.mark.own_database
def test_a_studio_publish_killed_half_way_leaves_the_course_as_it_was(committed_app, monkeypatch, tmp_path):
    from learnhub.accounts.models import User
    from learnhub.catalog.models import Course, Module
    from learnhub.studio import modules as authoring
    from learnhub.studio import publishing
    from learnhub.studio import services as studio
    from learnhub.studio.models import CourseEvent
    from tests.conftest import Auth

    monkeypatch.setattr(committed_app, "instance_path", str(tmp_path / "instance"))
    _people(committed_app, ("trainer1", "trainer", "city"))
    details = {
        "title": "班组安全交底",
        "summary": "每天开工前怎样做安全交底。",
        "category": "safety",
        "occupation": "all",
        "target_level": "none",
        "language": "zh_CN",
        "credits": "0",
        "hours": "1",
        "tags": "安全",
    }
    with committed_app.app_context():
        trainer = db.session.scalar(db.select(User).where(User.username == "trainer1"))
        details["audience"] = str(trainer.org_id)  # no credits, its own union: live without review
        course = studio.create_course(trainer, details, slug="briefing")
        authoring.add_module(trainer, course, "lesson", "为什么要交底", key="why")
        authoring.save_lesson(
            trainer,
            course,
            "why",
            {
                "title": "为什么要交底",
                "minutes": "20",
                "credits": "0",
                "body": "交底让每个人知道今天的危险。",
                "is_required": "y",
            },
        )
        assert publishing.publish(trainer, course) == 1
        db.session.commit()
        # The next version, in the working copy: a new title, the lesson rewritten, a second lesson.
        studio.update_details(trainer, course, dict(details, title="班组安全交底（第二版）"))
        authoring.save_lesson(
            trainer,
            course,
            "why",
            {
                "title": "交底为什么要紧",
                "minutes": "25",
                "credits": "0",
                "body": "改写过的正文。",
                "is_required": "y",
            },
        )
        authoring.add_module(trainer, course, "lesson", "怎样交底", key="how")
        authoring.save_lesson(
            trainer,
            course,
            "how",
            {"title": "怎样交底", "minutes": "10", "credits": "0", "body": "一条一条讲。", "is_required": "y"},
        )
        db.session.commit()
        db.session.remove()

    client = committed_app.test_client()
    auth = Auth(client)
    assert auth.login("trainer1").status_code == 302
    before = _everything(committed_app)

    real_log, calls = publishing.log, []

    def dies_after_the_swap(course, user, kind, **kwargs):
        # By now the working copy is flushed into the live rows: title, revisions, positions.
        calls.append(kind)
        raise Killed()

    monkeypatch.setattr(publishing, "log", dies_after_the_swap)
    with pytest.raises(Killed):
        auth.post("/studio/briefing/publish")
    assert calls == ["published"]
    assert _everything(committed_app) == before  # no revision, status, history or audit row changed

    with committed_app.app_context():
        course = db.session.scalar(db.select(Course).where(Course.slug == "briefing"))
        assert course.title == "班组安全交底" and course.status == "published"
        live = db.session.scalars(
            db.select(Module).where(Module.course_id == course.id, Module.is_retired.is_(False))
        ).all()
        assert [(m.key, m.revision) for m in live] == [("why", 1)]
        db.session.remove()

    # Published for real afterwards: once, as the second version.
    monkeypatch.setattr(publishing, "log", real_log)
    assert auth.post("/studio/briefing/publish").status_code == 302
    with committed_app.app_context():
        course = db.session.scalar(db.select(Course).where(Course.slug == "briefing"))
        assert course.title == "班组安全交底（第二版）"
        assert (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(CourseEvent)
                .where(CourseEvent.course_id == course.id, CourseEvent.kind == "published")
            )
            == 2
        )
        db.session.remove()


@pytest.mark.own_database
def test_a_recognition_approval_killed_half_way_writes_nothing_and_can_be_done_again(
    committed_app, monkeypatch, tmp_path
):
    from learnhub.accounts.models import User
    from learnhub.catalog.services import course_modules
    from learnhub.credits.models import LedgerEntry
    from learnhub.learning import services as learning
    from learnhub.orgs.models import Org
    from learnhub.recognition import services as recognition
    from learnhub.recognition.models import Application, Credential
    from learnhub.recognition.pathways import load_pathway
    from tests.conftest import Auth, seed_one_module_course

    monkeypatch.setitem(committed_app.config, "CREDENTIAL_KEY_PATH", str(tmp_path / "signing-key.pem"))
    monkeypatch.setitem(committed_app.config, "CREDENTIAL_KEY", None)
    committed_app.extensions.pop("recognition_signing_key", None)
    _people(committed_app, ("reviewer", "admin", "city"))
    seed_one_module_course(committed_app, "safety-a", ["worker1"])
    with committed_app.app_context():
        from learnhub.catalog.models import Course

        worker = db.session.scalar(db.select(User).where(User.username == "worker1"))
        course = db.session.scalar(db.select(Course).where(Course.slug == "safety-a"))
        # seed_one_module_course made a union tree of its own: the worker moves into the reviewer's.
        worker.org = db.session.scalar(db.select(Org).where(Org.name == "一号厂工会"))
        learning.enrol(worker, course)
        for module, revision in course_modules(course):
            learning.complete_module(worker, course, module, revision)
        national = db.session.scalar(db.select(Org).where(Org.name == "全国总工会"))
        version = load_pathway(
            "safety",
            national,
            title="安全学分转换",
            target_kind="academic",
            institution="滨江职业技术学院",
            programme="电气自动化技术专业",
            course_name="电工安全技术",
            target_credits="1",
            required_courses="safety-a",
        )
        application = recognition.apply(worker, version.pathway_id, "请审核")
        db.session.commit()
        application_id = application.id
        db.session.remove()

    client = committed_app.test_client()
    auth = Auth(client)
    assert auth.login("reviewer").status_code == 302
    before = _everything(committed_app)

    real_event, calls = recognition._event, []

    def dies_after_ledger_and_credential(application, action, by, message=""):
        # By now the status change, the ledger entry and the signed credential are flushed.
        calls.append(action)
        raise Killed()

    monkeypatch.setattr(recognition, "_event", dies_after_ledger_and_credential)
    with pytest.raises(Killed):
        auth.post(f"/recognition/review/{application_id}", {"action": "approve"})
    assert calls == ["approved"]
    assert _everything(committed_app) == before  # no ledger entry, credential, audit row or figures

    with committed_app.app_context():
        assert db.session.get(Application, application_id).status == "submitted"
        db.session.remove()

    monkeypatch.setattr(recognition, "_event", real_event)
    assert auth.post(f"/recognition/review/{application_id}", {"action": "approve"}).status_code == 302
    again = auth.post(f"/recognition/review/{application_id}", {"action": "approve"})
    assert again.status_code == 400  # decided once
    with committed_app.app_context():
        assert db.session.get(Application, application_id).status == "approved"
        assert (
            db.session.scalar(
                db.select(db.func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "recognition")
            )
            == 1
        )
        assert (
            db.session.scalar(
                db.select(db.func.count()).select_from(Credential).where(Credential.source_type == "application")
            )
            == 1
        )
        db.session.remove()
    committed_app.extensions.pop("recognition_signing_key", None)
