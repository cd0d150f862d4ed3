"""The number of SQL statements a request ran, in a response header, for the benchmark.

Off unless SQL_COUNT_HEADER is set: `make bench` sets it to check that every page runs a
bounded number of queries while under load; a production site never needs it.
"""

from flask import g, has_app_context
from sqlalchemy import event

from learnhub.extensions import db

HEADER = "X-SQL-Queries"


def init_app(app):
    """Count statements on this app's engine and report them per request, when enabled."""
    if not app.config.get("SQL_COUNT_HEADER"):
        return
    with app.app_context():
        engine = db.engine

    def count(*_args, **_kwargs):
        if has_app_context():
            g.sql_queries = g.get("sql_queries", 0) + 1

    event.listen(engine, "before_cursor_execute", count)

    @app.after_request
    def add_header(response):
        response.headers[HEADER] = str(g.get("sql_queries", 0))
        return response
