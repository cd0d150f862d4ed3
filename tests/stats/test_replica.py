"""With STATS_DATABASE_URL, dashboards and exports read a replica; everything else stays on the primary.

The replica here is the same database opened read-only (SQLite's mode=ro, PostgreSQL's
default_transaction_read_only), so that a write sent to it fails as it would on a standby.
"""

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from config import TestConfig
from learnhub import create_app
from learnhub.extensions import STATS_REPLICA, db
from learnhub.stats.headcounts import count_everyone
from tests.conftest import Auth, seed_one_module_course


def _read_only(url):
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///file:{url.database}?mode=ro&uri=true"
    return url.update_query_dict({"options": "-c default_transaction_read_only=on"}).render_as_string(
        hide_password=False
    )


@pytest.mark.own_database
def test_dashboards_and_exports_read_the_replica_and_nothing_is_written_there(committed_app):
    from learnhub.accounts.models import Consent, User
    from learnhub.accounts.passwords import hash_password
    from learnhub.catalog.models import Course
    from learnhub.catalog.services import course_modules
    from learnhub.learning import services as learning
    from learnhub.orgs.models import Org
    from tests.conftest import PASSWORD

    seed_one_module_course(committed_app, "replica-course", ["w1"])
    with committed_app.app_context():
        province = db.session.scalar(db.select(Org).where(Org.kind == "province"))
        admin = User(username="boss", name="统计员", role="admin", org=province, password_hash=hash_password(PASSWORD))
        db.session.add(admin)
        db.session.flush()
        db.session.add(Consent(user_id=admin.id, notice_version=committed_app.config["PRIVACY_NOTICE_VERSION"]))
        worker = db.session.scalar(db.select(User).where(User.username == "w1"))
        course = db.session.scalar(db.select(Course).where(Course.slug == "replica-course"))
        learning.enrol(worker, course)
        learning.complete_module(worker, course, *course_modules(course)[0])
        count_everyone()  # the periodic task's count
        db.session.commit()
        province_id = province.id
        db.session.remove()

    class ReplicaConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = committed_app.config["SQLALCHEMY_DATABASE_URI"]
        SQLALCHEMY_BINDS = {STATS_REPLICA: _read_only(committed_app.config["SQLALCHEMY_DATABASE_URI"])}

    app = create_app(ReplicaConfig())
    seen = {"primary": [], "replica": []}
    with app.app_context():
        engines = {"primary": db.engines[None], "replica": db.engines[STATS_REPLICA]}
        # The stand-in replica refuses writes, as a standby does.
        with pytest.raises(DBAPIError), engines["replica"].begin() as conn:
            conn.execute(text("UPDATE headcount SET workers = 0"))
    for name, engine in engines.items():
        event.listen(
            engine,
            "before_cursor_execute",
            lambda conn, cursor, statement, *args, name=name: seen[name].append(statement),
        )
    try:
        client = app.test_client()
        assert Auth(client).login("boss").status_code == 302
        for name in seen:
            seen[name].clear()
        page = client.get(f"/stats/{province_id}/")
        assert page.status_code == 200 and "厂工会" in page.get_data(as_text=True)
        assert any("rollup_subtree" in s for s in seen["replica"]) and any("headcount" in s for s in seen["replica"])
        assert not any("rollup" in s or "headcount" in s for s in seen["primary"])
        assert not any(
            s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE") for s in seen["primary"] + seen["replica"]
        )
        # Who is signed in, and whether they consented, is read on the primary, never a replica that lags.
        assert any("login_session" in s for s in seen["primary"])
        assert not any("login_session" in s or "consent" in s for s in seen["replica"])
        export = client.get(f"/stats/{province_id}/export/courses.csv")
        assert export.status_code == 200 and "测试课程" in export.get_data(as_text=True)
        # A worker's page and the admin's own home page stay on the primary.
        replica_before = len(seen["replica"])
        assert client.get("/").status_code == 200
        assert len(seen["replica"]) == replica_before
    finally:
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()
