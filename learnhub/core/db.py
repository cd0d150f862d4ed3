"""Database set-up shared by every feature: SQLite made to behave, the statistics' read session, column helpers."""

import os
from datetime import UTC, datetime

from flask import current_app, g, has_request_context, request
from sqlalchemy import ClauseElement, DateTime, Engine, Integer, event, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from learnhub.extensions import STATS_REPLICA, db


def utcnow():
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A datetime stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class seconds_since(FunctionElement):
    """Whole seconds from a UTC datetime column to `now`, rounded, as SQL on SQLite and PostgreSQL.

    For a write that adds elapsed time in one statement (the player's heartbeat), where
    reading the row first would cost a round trip and race a second device.
    """

    type = Integer()
    inherit_cache = True
    name = "seconds_since"

    def __init__(self, column, now):
        """`now`: a datetime, or a bound parameter of a statement built once."""
        super().__init__(column, now if isinstance(now, ClauseElement) else literal(now, UTCDateTime()))


@compiles(seconds_since, "postgresql")
def _seconds_since_pg(element, compiler, **kw):
    column, now = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM ({now} - {column}))) AS INTEGER)"


@compiles(seconds_since, "sqlite")
def _seconds_since_sqlite(element, compiler, **kw):
    # SQLite keeps UTC datetimes as text; julianday() reads it in days, to about 10 µs here.
    column, now = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(ROUND((julianday({now}) - julianday({column})) * 86400) AS INTEGER)"


def dialect_insert(model):
    """An INSERT for `model` that can say ON CONFLICT DO NOTHING on SQLite and PostgreSQL.

    Idempotent writes (awards, enrolments, progress) use it instead of catching
    IntegrityError, so that a lost race costs nothing and aborts no transaction.
    """
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


# ---------------------------------------------------------------- SQLite made to behave


def _sqlite_on_connect(dbapi_connection, _record):
    # pysqlite's own transaction handling breaks SAVEPOINT and foreign keys are off by
    # default; take over BEGIN ourselves (see "Serializable isolation" in SQLAlchemy's docs).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the writer
    cursor.close()


def _sqlite_on_begin(conn):
    # A transaction that may write begins IMMEDIATE, taking the write lock at its start, so
    # that two requests that read and then write (finishing the same module at once) queue up
    # behind busy_timeout instead of failing with "database is locked". Pages (GET, HEAD)
    # only read and begin DEFERRED: in WAL mode they never wait for the writer, nor it for
    # them. Everything else (posts, commands, tasks) may write.
    reading = has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")
    conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


# ---------------------------------------------------------------- PostgreSQL: pages read without a transaction


def keep_transactions(app, blueprint):
    """The pages of `blueprint` read in a transaction on PostgreSQL too.

    For a feature whose pages stream a long read (an export read with yield_per): PostgreSQL
    keeps a server-side cursor only inside a transaction.
    """
    app.extensions["learnhub.transactional_pages"].add(blueprint)


def _pages_read_in_autocommit():
    """A page (GET, HEAD) reads its statements in autocommit on PostgreSQL: no BEGIN, no ROLLBACK.

    Pages never write (tests/test_crawler.py). Under READ COMMITTED each statement of a
    transaction sees its own snapshot anyway, so a transaction around a page's reads adds
    nothing but two round trips, BEGIN and ROLLBACK: 2 of the 9 of a course page (issue 22).
    SQLite keeps its transactions (they are in-process, and a page's reads share one snapshot).
    A session bound to one connection (the tests' rolled-back transaction) is left as it is,
    and so are the pages of features that stream long reads (`keep_transactions`).
    """
    if request.method not in ("GET", "HEAD") or request.endpoint == "static":
        return
    if request.blueprint in current_app.extensions["learnhub.transactional_pages"]:
        return
    bind = db.session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


# ---------------------------------------------------------------- the statistics' reads


def read_session():
    """The session that statistics read with: the read replica (STATS_DATABASE_URL) when there is
    one, a few seconds behind the primary; else the app's own session. Only for reading.

    Long dashboards and exports on a replica never slow a worker's page. Who is signed in, and
    everything written, stays on the primary.
    """
    if STATS_REPLICA not in db.engines:
        return db.session
    if "read_session" not in g:
        g.read_session = Session(db.engines[STATS_REPLICA])
    return g.read_session


def _close_read_session(_error=None):
    session = g.pop("read_session", None)
    if session is not None:
        session.close()


def init_db(app):
    """Bind the database to the app, make SQLite behave, and make sure the instance folder exists."""
    os.makedirs(app.instance_path, exist_ok=True)
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_on_connect)
                event.listen(engine, "begin", _sqlite_on_begin)
    app.teardown_appcontext(_close_read_session)
    app.extensions["learnhub.transactional_pages"] = set()
    app.before_request(_pages_read_in_autocommit)
