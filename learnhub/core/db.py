"""Database set-up shared by every feature: SQLite made to behave, and small column helpers."""

import logging
import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps

from flask import current_app, g, has_request_context, request
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from learnhub.extensions import db


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


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record):
    # pysqlite's own transaction handling breaks SAVEPOINT and foreign keys are off by
    # default; take over BEGIN ourselves (see "Serializable isolation" in SQLAlchemy's docs).
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the writer
        cursor.close()


_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def writes_on_get(view):
    """Mark a view that writes to the database although it answers GET (the module player).

    On SQLite its transaction then takes the write lock from the start, as a POST's does.
    """
    view.writes_on_get = True
    return view


def reads_replica(view):
    """Mark a view that only reads statistics: with STATS_DATABASE_URL set, the statements of
    its body go to that read replica (a few seconds behind the primary), so that long
    dashboards and exports never slow a worker's page. Signing in, the session and consent
    checks run before the body, on the primary: a replica that lags must not keep a
    logged-out or demoted person in."""

    @wraps(view)
    def reading(*args, **kwargs):
        g._learnhub_replica = True
        try:
            return view(*args, **kwargs)
        finally:
            g._learnhub_replica = False

    return reading


@contextmanager
def writing():
    """Within a GET, around the refresh of something readers keep (a cache of counts).

    Ends the read-only transaction so far (there is nothing in it to keep) so that the next
    one is a writing one: on SQLite a transaction begun for reading cannot always turn into a
    writing one ("database is locked" if another request wrote meanwhile), so it takes the
    write lock from its start; a view reading the statistics replica uses the primary, where
    writes go. The refresh is committed at the end of the block, which gives the lock back.
    """
    db.session.commit()
    g._learnhub_writes = True
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        g._learnhub_writes = False


def _may_write():
    """False for a request that only reads: a GET or HEAD whose view is not marked writes_on_get."""
    if not has_request_context() or request.method not in _READ_METHODS:
        return True
    if g.get("_learnhub_writes"):
        return True
    return getattr(current_app.view_functions.get(request.endpoint), "writes_on_get", False)


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    # A transaction that may write begins IMMEDIATE, taking the write lock at the start: two
    # requests that read and then write (completing the same module at once) queue up behind
    # busy_timeout instead of failing with "database is locked". Reads begin DEFERRED: in WAL
    # mode they never wait for the writer, nor it for them. (Every request beginning
    # IMMEDIATE ran one at a time across all gunicorn workers, and logins, which hold their
    # transaction through the password hash, ran out of busy_timeout under load.) SQLite is
    # the embedded database; on PostgreSQL this listener does nothing.
    if conn.dialect.name == "sqlite":
        immediate = _may_write()
        conn.info["sqlite_deferred"] = not immediate
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_write_in_read(conn, _cursor, statement, _params, _context, _many):
    # A write in a transaction begun DEFERRED may fail with "database is locked" when another
    # request wrote meanwhile: its view should be marked writes_on_get.
    if conn.info.get("sqlite_deferred") and statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
        logging.getLogger(__name__).warning("a GET view writes; mark %s with writes_on_get",
                                            request.endpoint if has_request_context() else "?")


def dialect_insert(model):
    """An INSERT for `model` that can say ON CONFLICT DO NOTHING on SQLite and PostgreSQL.

    Idempotent writes (awards, enrolments, progress) use it instead of catching
    IntegrityError, so that a lost race costs nothing and aborts no transaction.
    """
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def init_db(app):
    """Bind the database to the app and make sure the instance folder exists."""
    import os

    os.makedirs(app.instance_path, exist_ok=True)
    db.init_app(app)
