"""Logs never hold passwords, tokens, session cookies or full phone numbers."""

import logging

from learnhub.core.logs import scrub
from tests.conftest import PASSWORD


def test_scrub():
    line = (
        '127.0.0.1 - "GET /people/?q=13812345678&password=hunter2&csrf_token=abc.def HTTP/1.1" 200 '
        "Cookie: learnhub_session=eyJfZnJlc2gi.abc; lang=zh"
    )
    cleaned = scrub(line)
    assert "13812345678" not in cleaned and "138****5678" in cleaned
    assert "hunter2" not in cleaned and "abc.def" not in cleaned and "eyJfZnJlc2gi" not in cleaned
    assert scrub("order 2023110512345678901") == "order 2023110512345678901"  # longer numbers stay


def test_a_journey_leaves_no_secret_in_the_logs(client, auth, make_user, tree, caplog):
    make_user("admin1", role="admin", org=tree.city_a)
    make_user("worker1", phone="13912345678")
    caplog.set_level(logging.DEBUG)
    auth.login("worker1", "a wrong password")
    auth.login("admin1")
    cookie = client.get_cookie("learnhub_session").value
    client.get("/people/?q=13912345678")
    # What the development server and gunicorn write for such a request passes the same filter.
    logging.getLogger("werkzeug").info('127.0.0.1 "GET /people/?q=13912345678 HTTP/1.1" 200 -')
    logging.getLogger("gunicorn.access").info('"POST /login?password=%s" cookie=learnhub_session=%s', PASSWORD, cookie)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "login" in text
    for secret in ("13912345678", PASSWORD, "a wrong password", cookie):
        assert secret not in text
