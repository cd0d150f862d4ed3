"""The benchmark's per-request SQL count and timings: off by default, exact when switched on."""

import pytest

from config import TestConfig
from learnhub import create_app
from learnhub.core.metering import HEADER
from learnhub.extensions import db


class CountingConfig(TestConfig):
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQL_COUNT_HEADER = True


def test_no_header_unless_switched_on(client):
    response = client.get("/healthz")
    assert HEADER not in response.headers and "Server-Timing" not in response.headers


@pytest.mark.own_database  # its own app and engine, outside the rolled-back test connection
def test_header_counts_the_statements_of_each_request():
    app = create_app(CountingConfig())
    try:
        with app.test_client() as client:
            # /healthz runs one SELECT (and, on SQLite, the BEGIN that opens its transaction).
            response = client.get("/healthz")
            first = int(response.headers[HEADER])
            assert first in (1, 2)
            timings = dict(part.strip().split(";dur=") for part in response.headers["Server-Timing"].split(","))
            assert set(timings) == {"db", "cpu", "app"}
            assert 0 < float(timings["db"]) <= float(timings["app"])
            # The count starts again with each request rather than adding up.
            assert int(client.get("/healthz").headers[HEADER]) == first
            assert client.get("/no-such-page").headers[HEADER] == "0"
    finally:
        with app.app_context():
            db.engine.dispose()
