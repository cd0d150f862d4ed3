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
        db.session.add(User(username="boss", name="管理员", role="admin", org=city,
                            password_hash=hash_password("Steady-Hands-2026")))
        db.session.commit()
        admin = db.session.scalar(db.select(User).where(User.username == "boss"))
        rows = onboarding.read_table("w.csv", "姓名,手机号,工会,工种\n".encode() + "".join(
            f"工人{chr(0x7532 + i)},1391234{i:04d},一号厂工会,焊工\n" for i in range(10)).encode())
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
