"""Fixtures: one app per run on a migrated database, every test rolled back.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""

import re

import pytest
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session
from sqlalchemy import text

from config import TestConfig
from learnhub import create_app
from learnhub.extensions import db, limiter

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


@pytest.fixture(scope="session")
def app():
    app = create_app(TestConfig())
    app.test_client_class = _Client
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


@pytest.fixture(autouse=True)
def _transaction(app):
    """Run each test inside a transaction that is rolled back, commits included."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _TestSession}
        )
        limiter.reset()
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# ---------------------------------------------------------------- factories


@pytest.fixture
def make_org():
    """make_org(name, kind, parent=None) -> Org"""
    from learnhub.orgs.services import create_org

    def make(name, kind="enterprise", parent=None):
        return create_org(name, kind, parent)

    return make


@pytest.fixture
def tree(make_org):
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
    return type("Tree", (), dict(national=national, prov_a=prov_a, city_a=city_a, ent_a1=ent_a1,
                                 ent_a2=ent_a2, prov_b=prov_b, city_b=city_b, ent_b1=ent_b1))


@pytest.fixture
def make_user(tree):
    """make_user(username, role='worker', org=None, **fields) -> User with password PASSWORD."""
    from learnhub.accounts.models import User
    from learnhub.accounts.passwords import hash_password

    def make(username, role="worker", org=None, **fields):
        fields.setdefault("name", "测试" + username[:10])
        fields.setdefault("occupation", "electrician" if role == "worker" else None)
        user = User(username=username, role=role, org=org or tree.ent_a1,
                    password_hash=hash_password(fields.pop("password", PASSWORD)), **fields)
        db.session.add(user)
        db.session.flush()
        return user

    return make


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
        return self.client.post("/login", data={
            "csrf_token": csrf_token(self.client), "login": login, "password": password})

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": csrf_token(self.client, "/")})

    def post(self, url, data=None, **kwargs):
        """POST a form with a valid CSRF token."""
        data = dict(data or {})
        data.setdefault("csrf_token", csrf_token(self.client, "/"))
        return self.client.post(url, data=data, **kwargs)


@pytest.fixture
def auth(client):
    return Auth(client)
