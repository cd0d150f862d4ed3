"""The completions feed across transactions: a cursor never passes by a completion committed late.

Ids are drawn when a row is written, not when its transaction commits. Here, on real
connections, worker A's completion takes the lower id and stays uncommitted while worker B's,
with the higher id, commits first; a union system reads the feed in between. Every completion
must reach it exactly once, in id order.
"""

import base64
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from learnhub.accounts.models import User
from learnhub.api import reads, unions
from learnhub.catalog.models import Course
from learnhub.catalog.services import course_modules
from learnhub.core.db import utcnow
from learnhub.credits.models import LedgerEntry
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.orgs.models import Org
from learnhub.orgs.services import create_org
from tests.api.conftest import bearer
from tests.conftest import TestConfig, seed_one_module_course


def _complete(username, commit=True):
    worker = db.session.scalar(select(User).where(User.username == username))
    course = db.session.scalar(select(Course).where(Course.slug == "feed-race"))
    learning.enrol(worker, course)
    learning.complete_module(worker, course, *course_modules(course)[0])
    db.session.flush()
    if commit:
        db.session.commit()


def _read_all(client, token, cursor):
    """The feed from `cursor` until it has nothing more: (the entries' ids, the last cursor)."""
    seen = []
    while True:
        page = client.get(
            "/api/v1/union/completions", query_string={"cursor": cursor} if cursor else {}, headers=bearer(token)
        ).json
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] == cursor:
            return seen, cursor
        cursor = page["next_cursor"]


@pytest.mark.own_database
@pytest.mark.skipif(
    not TestConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql"),
    reason="SQLite lets one transaction write at a time: there, ids are drawn in the order of commits",
)
def test_a_completion_committed_late_with_a_lower_id_still_reaches_the_feed_once(committed_app, monkeypatch):
    app = committed_app
    seed_one_module_course(app, "feed-race", ["early", "late"])
    with app.app_context():
        root = db.session.scalar(select(Org).where(Org.parent_id.is_(None)))
        # The two workers in unions of their own: their rollups are rows apart, so neither waits for the other.
        late = db.session.scalar(select(User).where(User.username == "late"))
        late.org = create_org("另一个厂工会", "enterprise", late.org.parent)
        admin = User(username="feed.admin", name="管理员", role="admin", org=root)
        db.session.add(admin)
        db.session.flush()
        made, secret = unions.create_client(admin, "职工数据库", admin.org_id, ["completions"])
        db.session.commit()
    client = app.test_client()
    basic = base64.b64encode(f"{made.client_id}:{secret}".encode()).decode()
    token = client.post(
        "/api/v1/oauth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    ).json["access_token"]

    flushed, go = threading.Event(), threading.Event()

    def worker_a():  # the lower id, committed only when told
        with app.app_context():
            _complete("early", commit=False)
            flushed.set()
            go.wait(30)
            db.session.commit()

    a = threading.Thread(target=worker_a)
    a.start()
    try:
        assert flushed.wait(30)
        with app.app_context():  # worker B, on another connection: the higher id, committed first
            _complete("late")
        # Were the feed to serve B's now, its cursor would pass A's lower id for good.
        seen, cursor = _read_all(client, token, None)
        assert seen == []  # B's completion is younger than a minute: the feed waits
    finally:
        go.set()
        a.join(30)
    # A minute on, every transaction of that moment has long committed (API_FEED_SETTLE_SECONDS).
    monkeypatch.setattr(reads, "utcnow", lambda: utcnow() + timedelta(minutes=2))
    seen_after, cursor = _read_all(client, token, cursor)
    with app.app_context():
        ids = sorted(db.session.scalars(select(LedgerEntry.id).where(LedgerEntry.kind == "course")))
    assert len(ids) == 2
    assert seen + seen_after == ids  # each once, in order


def test_a_completion_reaches_the_feed_when_it_has_settled(client, tree, make_user, make_course, monkeypatch):
    admin = make_user("settle.admin", role="admin", org=tree.city_a)
    made, secret = unions.create_client(admin, "职工数据库", tree.city_a.id, ["completions"])
    basic = base64.b64encode(f"{made.client_id}:{secret}".encode()).decode()
    token = client.post(
        "/api/v1/oauth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    ).json["access_token"]
    course = make_course("settle-course", modules=(("only", "lesson", "1", 10),))
    worker = make_user("settler", org=tree.ent_a1)
    learning.enrol(worker, course)
    learning.complete_module(worker, course, *course_modules(course)[0])
    db.session.commit()

    now = utcnow()
    monkeypatch.setattr(reads, "utcnow", lambda: now + timedelta(seconds=30))
    assert _read_all(client, token, None) == ([], None)
    monkeypatch.setattr(reads, "utcnow", lambda: now + timedelta(seconds=61))
    seen, cursor = _read_all(client, token, None)
    assert len(seen) == 1 and cursor is not None
    assert _read_all(client, token, cursor) == ([], cursor)
