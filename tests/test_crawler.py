"""Every route, as every role and as a visitor, with the ids it can find and with junk: no 500.

New routes are picked up from the URL map by themselves; a route argument the crawler has no
values for is tried with junk only. The totals are printed (`pytest -s`) for the record.
"""

import itertools
import re

import pytest
from sqlalchemy import text

from learnhub.catalog.services import course_modules
from learnhub.extensions import db
from learnhub.learning import services as learning
from tests.conftest import Auth, csrf_token, quiz_answers

JUNK = [
    "0",
    "999999999",
    "-1",
    "abc",
    "%00",
    "..%2F..%2Fetc%2Fpasswd",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\u202egnp.exe",
    "１２３",
    "😀",
]
# Endpoints that end the crawler's own session; they have tests of their own.
SKIP_POST = {"accounts.logout", "accounts.withdraw_consent", "accounts.delete_account"}
JUNK_FORM = {
    "name": "<b>x</b>",
    "role": "admin",
    "org_id": "1",
    "reason": "'; DROP TABLE x; --",
    "position": "NaN",
    "q": "%",
    "password": "x",
    "status": "approved",
    "credits": "1e309",
    "title": "\u202e" * 3,
    "file": "not a file",
}


@pytest.fixture
def world(tree, make_user, make_course):
    """A little of everything, so that routes have real ids to chew on."""
    worker = make_user("crawl-worker", org=tree.ent_a1, phone="13900000001")
    make_user("crawl-trainer", role="trainer", org=tree.city_a)
    admin = make_user("crawl-admin", role="admin", org=tree.city_a)
    make_user("crawl-root", role="admin", org=tree.national)
    outsider = make_user("crawl-far", org=tree.ent_b1)
    course = make_course(
        "crawl-course", modules=(("read", "lesson", "1", 10), ("clip", "video", "1", 5), ("check", "quiz", "1", 5))
    )
    make_course("crawl-draft", status="draft")
    learning.enrol(worker, course)
    modules = {m.key: (m, r) for m, r in course_modules(course)}
    learning.complete_module(worker, course, *modules["read"])
    attempt = learning.submit_quiz(
        worker, course, *modules["check"], {k[1:]: v for k, v in quiz_answers(modules["check"][1]).items()}
    )
    db.session.flush()
    values = {
        "slug": ["crawl-course", "crawl-draft"],
        "key": ["read", "clip", "check"],
        "user_id": [str(worker.id), str(outsider.id)],
        "attempt_id": [str(attempt.id)],
        "filename": ["clip.mp4", "../../config.py"],
    }
    from learnhub.credits.models import LedgerEntry

    values["entry_id"] = [str(i) for i in db.session.scalars(db.select(LedgerEntry.id))]
    values.update(_contests(course, worker, admin))
    return values


def _contests(course, worker, admin):
    """The worker's drill over the course's bank, answered once; a contest they are sitting, and one published."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from learnhub.contests import competitions, drills
    from tests.contests.test_drills import add_bank

    add_bank(course, count=12)
    drill = drills.start_drill(worker)
    first = drills.drill_paper(drill)[0]
    drills.answer(worker, drill, 1, [str(first[1][0].id)])
    beijing = datetime.now(ZoneInfo("Asia/Shanghai"))
    window = dict(
        courses=[str(course.id)],
        basic="3",
        harder="0",
        time_limit="10",
        opens_at=(beijing - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        closes_at=(beijing + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
    )
    sitting = competitions.create_contest(admin, dict(window, title="甲市电工技术比武"))
    competitions.enter(worker, sitting)
    published = competitions.create_contest(admin, dict(window, title="甲市电工技术比武（第一轮）"))
    entry = competitions.enter(worker, published)
    competitions.submit(worker, published, {str(q.id): [str(c[0].id)] for q, c in competitions.entry_paper(entry)})
    competitions.publish_results(admin, published)
    db.session.flush()
    return {
        "drill_id": [str(drill.id)],
        "number": ["1", "2"],
        "contest_id": [str(sitting.id), str(published.id)],
    }


def _urls(app, rule, values):
    names = sorted(rule.arguments)
    choices = [values.get(name, [])[:3] + JUNK[:4] for name in names]
    for combination in itertools.islice(itertools.product(*choices), 12):
        args = dict(zip(names, combination, strict=True))
        path = rule.rule
        for name, value in args.items():
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, path)
        yield path


def _writes_during(writes):
    """Record every write made while a GET is being answered: a page reads, it never writes."""
    from flask import has_request_context, request

    def listener(conn, cursor, statement, params, context, executemany):
        words = statement.split()
        if has_request_context() and request.method == "GET" and words[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            table = words[2] if words[0].upper() != "UPDATE" else words[1]
            writes.append((request.endpoint, table.strip('"'), request.path))

    return listener


def _requests(rule, path, token):
    """(method, address, form) of what the crawler tries at `path`: junk queries and junk forms."""
    if "GET" in rule.methods:
        for query in ("", "?page=-1&q=%25&year=abc&org=xyz&for_you=1&category=<x>"):
            yield "GET", path + query, None
    if "POST" in rule.methods and rule.endpoint not in SKIP_POST:
        for data in (JUNK_FORM, dict(JUNK_FORM, csrf_token=token)):
            yield "POST", path, data


def test_no_route_answers_500(app, world):
    from sqlalchemy import event

    writes = []
    listener = _writes_during(writes)
    event.listen(db.engine, "before_cursor_execute", listener)
    tried = {"requests": 0, "routes": 0}
    roles = [None, "crawl-worker", "crawl-trainer", "crawl-admin", "crawl-root"]
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in ("static", "core.static")]
    failures = []
    for username in roles:
        client = app.test_client()
        if username:
            assert Auth(client).login(username).status_code == 302
        token = csrf_token(client, "/privacy")
        for rule in rules:
            tried["routes"] += 1
            for path in _urls(app, rule, world):
                for method, target, data in _requests(rule, path, token):
                    tried["requests"] += 1
                    status = client.open(target, method=method, data=data).status_code
                    if status >= 500:
                        failures.append(f"{username} {method} {target} -> {status}")
    event.remove(db.engine, "before_cursor_execute", listener)
    print(f"\ncrawler: {tried['requests']} requests over {len(rules)} routes as {len(roles)} roles")
    assert not failures, failures[:20]
    assert writes == [], "a GET wrote to the database"


def test_the_crawler_sees_a_get_that_writes(app):
    from sqlalchemy import event

    writes = []
    listener = _writes_during(writes)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with app.test_request_context("/courses/", method="GET"):
            db.session.execute(text("UPDATE org SET name = name WHERE id = -1"))
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert writes == [("catalog.catalogue", "org", "/courses/")]
