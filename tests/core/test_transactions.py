"""SQLite: a page (GET) reads in a DEFERRED transaction; a post, a command or a task takes the write lock."""

import pytest
from sqlalchemy import event, text

from learnhub.extensions import db


@pytest.mark.own_database
def test_a_page_begins_deferred_and_everything_else_immediate(committed_app):
    with committed_app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock only")

    def first_statement(context):
        seen = []

        def listener(_conn, _cursor, statement, *_args):
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", listener)
        try:
            with context, engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return seen[0]

    assert first_statement(committed_app.test_request_context("/courses/", method="GET")) == "BEGIN"
    assert first_statement(committed_app.test_request_context("/me/record", method="HEAD")) == "BEGIN"
    assert first_statement(committed_app.test_request_context("/logout", method="POST")) == "BEGIN IMMEDIATE"
    assert first_statement(committed_app.app_context()) == "BEGIN IMMEDIATE"  # a command or a task
