"""Pages read outside a transaction on PostgreSQL (no BEGIN, no ROLLBACK); everything else keeps one."""

import pytest
from sqlalchemy import func, select

from learnhub.accounts.models import User
from learnhub.extensions import db


def _autocommit(app, method, url, stream=False):
    with app.test_request_context(url, method=method):
        app.preprocess_request()
        try:
            if stream:  # a streamed read, as the statistics' exports make: PostgreSQL needs a transaction
                rows = sum(1 for _ in db.session.execute(select(User.id).execution_options(yield_per=10)))
                assert rows == db.session.scalar(select(func.count(User.id)))
            return db.session.connection().connection.dbapi_connection.autocommit
        finally:
            db.session.remove()


@pytest.mark.own_database  # the app's own session, bound to the engine as in production
def test_pages_read_in_autocommit_on_postgresql_and_writes_and_statistics_keep_a_transaction(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite keeps its in-process transactions")
    assert _autocommit(app, "GET", "/courses/") is True
    assert _autocommit(app, "POST", "/courses/") is False
    assert _autocommit(app, "GET", "/stats/", stream=True) is False
