"""What a request cost the server, in response headers, for the benchmark.

Off unless SQL_COUNT_HEADER is set (`make bench` sets it; a production site never needs it):
- X-SQL-Queries: how many SQL statements the request ran, to check that every page runs a
  bounded number of queries while under load;
- Server-Timing: `db` (time spent in SQL), `cpu` (CPU time of this process) and `app`
  (wall time) in milliseconds, from the first before-request hook to the response. CPU time
  per request stays comparable when other programs share the machine, when latency does not.
"""

import time

from flask import g, has_app_context
from sqlalchemy import event

from learnhub.extensions import db

HEADER = "X-SQL-Queries"


def init_app(app):
    """Meter statements and time on this app's engine and report them per request, when enabled."""
    if not app.config.get("SQL_COUNT_HEADER"):
        return
    with app.app_context():
        engine = db.engine

    def before(_conn, _cursor, _statement, _params, context, _many):
        if has_app_context():
            g.sql_queries = g.get("sql_queries", 0) + 1
            context._metering_started = time.perf_counter()

    def after(_conn, _cursor, _statement, _params, context, _many):
        started = getattr(context, "_metering_started", None)
        if started is not None and has_app_context():
            g.sql_seconds = g.get("sql_seconds", 0.0) + time.perf_counter() - started

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)

    def start():
        g.metering_started = (time.perf_counter(), time.process_time())

    # First of all before-request hooks, so that loading the signed-in user is counted too.
    app.before_request_funcs.setdefault(None, []).insert(0, start)

    @app.after_request
    def add_headers(response):
        response.headers[HEADER] = str(g.get("sql_queries", 0))
        wall, cpu = g.get("metering_started", (time.perf_counter(), time.process_time()))
        response.headers["Server-Timing"] = (
            f"db;dur={g.get('sql_seconds', 0.0) * 1000:.2f}, cpu;dur={(time.process_time() - cpu) * 1000:.2f}, "
            f"app;dur={(time.perf_counter() - wall) * 1000:.2f}"
        )
        return response
