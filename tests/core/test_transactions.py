"""SQLite: a request that only reads begins DEFERRED; one that may write begins IMMEDIATE."""

import pytest

from learnhub.core.db import _may_write


@pytest.mark.parametrize("method, path, writes", [
    ("GET", "/courses/", False),                 # the catalogue only reads
    ("HEAD", "/me/record", False),
    ("POST", "/courses/some-course/enrol", True),  # every POST may write
    ("GET", "/courses/some-course/intro", True),   # the module player records progress on GET
])
def test_transaction_mode_follows_the_request(app, method, path, writes):
    with app.test_request_context(path, method=method):
        from flask import request

        assert request.endpoint is not None  # the route exists
        assert _may_write() is writes


def test_outside_a_request_every_transaction_may_write(app):
    with app.app_context():
        assert _may_write() is True
