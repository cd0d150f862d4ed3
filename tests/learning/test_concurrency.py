"""Twenty taps on "done" at once, over real connections: exactly one ledger entry.

The usual fixtures roll every test back inside one connection; racing needs committed
data and many connections, so this test uses `committed_app` (its own database and app).
"""

import threading

import pytest

from learnhub.extensions import db
from tests.conftest import PASSWORD, csrf_token, seed_one_module_course


@pytest.mark.own_database
def test_twenty_concurrent_completions_write_one_entry(committed_app):
    from decimal import Decimal

    from learnhub.credits.models import LedgerEntry
    from learnhub.learning.models import Progress

    app = committed_app
    seed_one_module_course(app, "race", ["racer"])

    first = app.test_client()
    assert (
        first.post("/login", data={"csrf_token": csrf_token(first), "login": "racer", "password": PASSWORD}).status_code
        == 302
    )
    assert first.post("/courses/race/enrol", data={"csrf_token": csrf_token(first, "/courses/race")}).status_code == 302
    token = csrf_token(first, "/courses/race/only")
    cookie = first.get_cookie("learnhub_session").value

    barrier = threading.Barrier(20)
    statuses = []

    def tap():
        client = app.test_client()
        client.set_cookie("learnhub_session", cookie)
        barrier.wait()
        statuses.append(client.post("/courses/race/only/done", data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=tap) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * 20  # every tap answered, none failed
    with app.app_context():
        entries = db.session.scalars(db.select(LedgerEntry)).all()
        # One for the module, one for the course (which pays nothing more here, but is recorded).
        assert sorted(e.kind for e in entries) == ["course", "module"]
        assert sum(e.credits for e in entries) == Decimal("1")
        assert db.session.scalar(db.select(db.func.count()).select_from(Progress)) == 1
