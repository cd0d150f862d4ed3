"""A worker's own app with a personal token: the catalogue, my record, enrol and learn, by the pages' rules."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from learnhub.api.models import PersonalToken, hash_secret
from learnhub.core.audit import AuditEvent
from learnhub.credits.models import LedgerEntry
from learnhub.extensions import db
from learnhub.learning import services as learning
from tests.api.conftest import bearer
from tests.conftest import csrf_token


@pytest.fixture
def worker(make_user):
    return make_user("apiworker")


@pytest.fixture
def course(make_course):
    return make_course("api-safety", modules=(("read", "lesson", "0.5", 20), ("more", "lesson", "0.5", 10)))


def test_a_token_made_on_the_profile_page_reads_my_record_and_is_kept_hashed(client, auth, worker, course):
    auth.login("apiworker")
    profile = client.get("/me/profile").get_data(as_text=True)
    assert "Make a token" in profile or "生成令牌" in profile
    page = auth.post("/me/tokens", {"name": "职工之家", "scopes": ["record"]})
    secret = re.search(r"(lhp_[A-Za-z0-9_-]+)", page.get_data(as_text=True)).group(1)
    stored = db.session.scalars(db.select(PersonalToken)).one()
    assert stored.token_hash == hash_secret(secret) and secret not in (stored.token_hash, stored.hint)
    assert db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "api.token_create")).one()

    auth.logout()
    record = client.get("/api/v1/me/record", headers=bearer(secret))
    assert record.status_code == 200
    assert record.json["credits"] == "0.00" and record.json["entries"] == []


def test_a_revoked_token_stops_at_once(client, auth, worker, token_for):
    secret = token_for(worker)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    token = db.session.scalars(db.select(PersonalToken)).one()
    auth.login("apiworker")
    assert auth.post(f"/me/tokens/{token.id}/revoke").status_code == 302
    assert db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "api.token_revoke")).one()
    answer = client.get("/api/v1/me", headers=bearer(secret))
    assert answer.status_code == 401 and answer.content_type == "application/problem+json"


def test_a_signed_in_browser_cookie_does_not_open_the_api(client, auth, worker):
    auth.login("apiworker")
    assert client.get("/me/record").status_code == 200  # the page, with the cookie
    answer = client.get("/api/v1/me/record")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    # And no CSRF token is asked of a token's POST (there is no cookie to forge).
    token = csrf_token(client, "/privacy")
    assert client.post("/api/v1/me/enrolments", json={"course": "x"}, headers={"X-CSRFToken": token}).status_code == 401


def test_errors_are_problems_in_the_callers_language(client, worker, token_for):
    secret = token_for(worker)
    english = client.get("/api/v1/courses/no-such", headers=bearer(secret, **{"Accept-Language": "en"}))
    assert english.status_code == 404 and english.content_type == "application/problem+json"
    assert english.json["status"] == 404 and english.json["title"] == "Not found"
    chinese = client.get("/api/v1/courses/no-such", headers=bearer(secret, **{"Accept-Language": "zh-CN"}))
    assert chinese.json["title"] == "未找到" and chinese.json["detail"] == "找不到这门课程。"
    bad = client.post("/api/v1/me/enrolments", json={"curse": "api-safety"}, headers=bearer(secret))
    assert bad.status_code == 422 and "course" in bad.json["errors"]["json"]


def test_a_token_does_only_what_its_scopes_allow(client, worker, course, token_for):
    reader = token_for(worker, scopes=["record"])
    answer = client.post("/api/v1/me/enrolments", json={"course": "api-safety"}, headers=bearer(reader))
    assert answer.status_code == 403
    learner = token_for(worker, scopes=["learn"])
    assert client.get("/api/v1/me/record", headers=bearer(learner)).status_code == 403


def test_learning_through_the_api_follows_the_study_time_rule_and_pays_once(
    app, client, worker, course, token_for, monkeypatch
):
    secret = token_for(worker)
    now = [datetime(2026, 12, 3, 8, 0, tzinfo=UTC)]
    monkeypatch.setattr(learning, "_now", lambda: now[0])
    app.config["LESSON_READ_SHARE"] = 0.6
    try:
        enrolled = client.post("/api/v1/me/enrolments", json={"course": "api-safety"}, headers=bearer(secret))
        assert enrolled.status_code == 201 and enrolled.json["modules_total"] == 2
        again = client.post("/api/v1/me/enrolments", json={"course": "api-safety"}, headers=bearer(secret))
        assert again.json["enrolled_at"] == enrolled.json["enrolled_at"]

        base = "/api/v1/me/enrolments/api-safety/modules/read"
        early = client.post(f"{base}/completion", headers=bearer(secret, **{"Accept-Language": "en"}))
        assert early.status_code == 409 and "minutes" in early.json["detail"]
        for _beat in range(14):  # 13 minutes of reading, a heartbeat a minute: 12 are needed
            assert client.post(f"{base}/heartbeat", headers=bearer(secret)).status_code == 204
            now[0] += timedelta(minutes=1)
        done = client.post(f"{base}/completion", headers=bearer(secret))
        assert done.status_code == 200 and done.json["newly_completed"] and not done.json["course_completed"]
        twice = client.post(f"{base}/completion", headers=bearer(secret))
        assert twice.status_code == 200 and not twice.json["newly_completed"]
    finally:
        app.config["LESSON_READ_SHARE"] = 0
    entries = db.session.scalars(db.select(LedgerEntry)).all()
    assert len(entries) == 1 and entries[0].minutes == 13  # measured, less than the 20 declared
    record = client.get("/api/v1/me/record", headers=bearer(secret)).json
    assert record["credits"] == "0.50" and record["hours"] == "0.3"  # 13 minutes in 学时 of 45
    progress = client.get("/api/v1/me/enrolments/api-safety", headers=bearer(secret)).json
    assert [m["completed_at"] is not None for m in progress["modules"]] == [True, False]


def test_reads_carry_an_etag_and_answer_not_modified(client, worker, course, token_for):
    secret = token_for(worker)
    first = client.get("/api/v1/me/enrolments", headers=bearer(secret))
    etag = first.headers["ETag"]
    assert client.get("/api/v1/me/enrolments", headers=bearer(secret, **{"If-None-Match": etag})).status_code == 304
    client.post("/api/v1/me/enrolments", json={"course": "api-safety"}, headers=bearer(secret))
    changed = client.get("/api/v1/me/enrolments", headers=bearer(secret, **{"If-None-Match": etag}))
    assert changed.status_code == 200 and len(changed.json["items"]) == 1


def test_the_catalogue_pages_by_cursor_and_refuses_a_forged_one(client, make_course, tree):
    for n in range(5):
        make_course(f"page-{n}")
    make_course("members-only", audience_org_id=tree.city_a.id)
    seen, cursor = [], None
    while True:
        answer = client.get("/api/v1/courses/", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})})
        seen += [c["slug"] for c in answer.json["items"]]
        cursor = answer.json["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == [f"page-{n}" for n in range(5)]  # each once; the members' course hidden from visitors
    forged = client.get("/api/v1/courses/", query_string={"cursor": "djE6eHh4"})
    assert forged.status_code == 422 and forged.json["field"] == "cursor"


def test_a_union_members_course_shows_to_its_members_tokens(client, make_course, tree, worker, token_for):
    make_course("members-only", audience_org_id=tree.city_a.id)
    assert client.get("/api/v1/courses/members-only").status_code == 404
    assert client.get("/api/v1/courses/members-only", headers=bearer(token_for(worker))).status_code == 200


def test_each_token_has_its_own_rate_limit(app, client, make_user, token_for):
    first, second = token_for(make_user("one")), token_for(make_user("two"))
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        answers = [client.get("/api/v1/me", headers=bearer(first)).status_code for _ in range(4)]
        other = client.get("/api/v1/me", headers=bearer(second)).status_code
        limited = client.get("/api/v1/me", headers=bearer(first, **{"Accept-Language": "en"}))
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"
    assert answers == [200, 200, 200, 429] and other == 200
    assert limited.content_type == "application/problem+json" and limited.json["title"] == "Too many requests"


def test_the_description_and_the_docs_are_served_from_this_site(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/me/record" in spec["paths"]
    docs = client.get("/api/v1/docs").get_data(as_text=True)
    assert "//" not in re.sub(r"https?://[^\"']*openapi|<!doctype html>", "", docs).replace("http", "")
    for src in re.findall(r'(?:src|href)="([^"]+)"', docs):
        assert src.startswith("/"), src
        with client.get(src) as asset:
            assert asset.status_code == 200, src
