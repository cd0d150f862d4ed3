"""Union systems with OAuth 2.0 client credentials: made by an admin, scoped to their subtree exactly as the pages are."""

import base64
import re
from datetime import timedelta

import pytest

from learnhub.accounts.models import User
from learnhub.api import reads, unions
from learnhub.api.models import UnionClient, UnionToken, hash_secret
from learnhub.catalog.services import course_modules
from learnhub.core.audit import AuditEvent
from learnhub.core.db import utcnow
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.stats.rollups import drain_outbox
from tests.api.conftest import bearer


def _token(client, client_id, secret, scope=None):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    answer = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials", **({"scope": scope} if scope else {})},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.json["access_token"]


@pytest.fixture
def minute_later(monkeypatch):
    """The feed's clock, a couple of minutes on: what was just completed has settled (reads.completions_feed)."""
    monkeypatch.setattr(reads, "utcnow", lambda: utcnow() + timedelta(minutes=2))


@pytest.fixture
def union_client(client, tree, make_user):
    """union_client(org, scopes=all) -> an access token of a new client of `org`, made by its admin."""

    def make(org, scopes=tuple(unions.UNION_SCOPES)):
        admin = make_user(f"admin{org.id}", role="admin", org=org)
        made, secret = unions.create_client(admin, "工会系统", org.id, list(scopes))
        return _token(client, made.client_id, secret)

    return make


def _worker(n, union):
    return {
        "name": "工人" + "甲乙丙丁戊己庚辛壬癸"[n],
        "phone": f"1390000{n:04d}",
        "union": union.id,
        "occupation": "welder",
    }


def test_an_admin_makes_a_client_on_its_page_and_the_system_syncs_ten_workers(client, auth, tree, make_user):
    make_user("cityadmin", role="admin", org=tree.city_a)
    auth.login("cityadmin")
    page = auth.post(
        "/api-clients/", {"name": "甲市职工数据库", "org_id": str(tree.city_a.id), "scopes": ["roster", "stats"]}
    )
    text = page.get_data(as_text=True)
    client_id = re.search(r"(lhc_[A-Za-z0-9_-]+)", text).group(1)
    secret = re.search(r'class="secret">([A-Za-z0-9_-]+)<', text).group(1)
    made = db.session.scalars(db.select(UnionClient)).one()
    assert made.secret_hash == hash_secret(secret) and made.org_id == tree.city_a.id
    assert db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "api.client_create")).one()
    auth.logout()

    token = _token(client, client_id, secret)
    assert token.startswith("lhu_")
    assert db.session.scalars(db.select(UnionToken)).one().token_hash == hash_secret(token)
    answers = [
        client.put(f"/api/v1/union/roster/GH-{n}", json=_worker(n, tree.ent_a2), headers=bearer(token))
        for n in range(10)
    ]
    assert [a.status_code for a in answers] == [201] * 10
    people = db.session.scalar(db.select(db.func.count()).select_from(User).where(User.org_id == tree.ent_a2.id))
    again = client.put("/api/v1/union/roster/GH-3", json=_worker(3, tree.ent_a2), headers=bearer(token))
    assert again.status_code == 200 and not again.json["created"]
    changed = client.put(
        "/api/v1/union/roster/GH-3", json=dict(_worker(3, tree.ent_a1), name="王三"), headers=bearer(token)
    )
    assert changed.json["union"]["id"] == tree.ent_a1.id and changed.json["name"] == "王三"
    assert db.session.scalar(db.select(db.func.count()).select_from(User).where(User.name.like("工人%"))) == 9
    assert people == 10
    roster = client.get("/api/v1/union/roster", query_string={"limit": 100}, headers=bearer(token)).json
    linked = {p["external_id"] for p in roster["items"] if p["external_id"]}
    assert linked == {f"GH-{n}" for n in range(10)} and all("*" in p["phone"] for p in roster["items"] if p["phone"])
    # Accounts the union opened must choose their own password.
    assert db.session.scalar(db.select(User).where(User.phone == "13900000001")).must_change_password


def test_a_client_of_one_city_never_sees_or_touches_another_citys_people(
    client, tree, make_user, make_course, union_client, minute_later
):
    a_worker = make_user("aworker", org=tree.ent_a1, name="甲市工人")
    make_user("bworker", org=tree.ent_b1, name="乙市工人")
    course = make_course("union-course", modules=(("only", "lesson", "1", 10),))
    learning.enrol(a_worker, course)
    learning.complete_module(a_worker, course, *course_modules(course)[0])
    token_a, token_b = union_client(tree.city_a), union_client(tree.city_b)

    roster_b = client.get("/api/v1/union/roster", query_string={"limit": 100}, headers=bearer(token_b)).json["items"]
    assert "乙市工人" in {p["name"] for p in roster_b} and "甲市工人" not in {p["name"] for p in roster_b}
    assert all(p["union"]["id"] == tree.ent_b1.id or p["union"]["id"] == tree.city_b.id for p in roster_b)
    assert client.get(f"/api/v1/union/roster?union={tree.ent_a1.id}", headers=bearer(token_b)).status_code == 404
    moved = client.put("/api/v1/union/roster/X-1", json=_worker(1, tree.ent_a1), headers=bearer(token_b))
    assert moved.status_code == 422 and moved.json["field"] == "union"
    # The worker linked by city B cannot be moved into city A by city B, nor seen by city A's link.
    drain_outbox()  # the task queue's minute: the unions above the worker's count them
    feed_a = client.get("/api/v1/union/completions", headers=bearer(token_a)).json
    feed_b = client.get("/api/v1/union/completions", headers=bearer(token_b)).json
    assert [e["course"] for e in feed_a["items"]] == ["union-course"] and feed_b["items"] == []
    stats_a = client.get("/api/v1/union/statistics", headers=bearer(token_a)).json
    stats_b = client.get("/api/v1/union/statistics", headers=bearer(token_b)).json
    assert stats_a["union"]["id"] == tree.city_a.id and stats_a["total"]["completions"] == 1
    assert stats_a["as_of"] is not None
    assert stats_a["total"]["credits"] == "1.00"
    assert stats_b["total"]["completions"] == 0


def test_the_completion_feed_gives_what_came_since_its_cursor(
    client, tree, make_user, make_course, union_client, minute_later
):
    token = union_client(tree.city_a)
    course = make_course("feed-course", modules=(("only", "lesson", "1", 10),))
    first = client.get("/api/v1/union/completions", headers=bearer(token)).json
    assert first["items"] == []
    for name in ("one", "two"):
        worker = make_user(name, org=tree.ent_a2)
        learning.enrol(worker, course)
        learning.complete_module(worker, course, *course_modules(course)[0])
    page = client.get("/api/v1/union/completions", query_string={"limit": 1}, headers=bearer(token)).json
    rest = client.get(
        "/api/v1/union/completions", query_string={"cursor": page["next_cursor"]}, headers=bearer(token)
    ).json
    assert len(page["items"]) == 1 and len(rest["items"]) == 1 and rest["items"][0]["id"] > page["items"][0]["id"]
    since = client.get("/api/v1/union/completions", query_string={"cursor": rest["next_cursor"]}, headers=bearer(token))
    assert since.json == {"items": [], "next_cursor": rest["next_cursor"]}


def test_requirements_and_their_completion(client, tree, make_user, make_course, union_client):
    from learnhub.stats import required
    from learnhub.stats.rollups import today

    admin = make_user("reqadmin", role="admin", org=tree.city_a)
    course = make_course("req-course", modules=(("only", "lesson", "1", 10),))
    done, _left = make_user("done", org=tree.ent_a1), make_user("left", org=tree.ent_a2)
    required.require_course(admin, course.id, today() + timedelta(days=30), today())
    learning.enrol(done, course)
    learning.complete_module(done, course, *course_modules(course)[0])
    items = client.get("/api/v1/union/requirements", headers=bearer(union_client(tree.city_a))).json["items"]
    assert [(i["course"], i["workers"], i["finished"]) for i in items] == [("req-course", 2, 1)]
    assert client.get("/api/v1/union/requirements", headers=bearer(union_client(tree.city_b))).json["items"] == []


def test_a_client_does_only_what_its_scopes_allow_and_stops_when_revoked(client, tree, make_user):
    admin = make_user("scopeadmin", role="admin", org=tree.city_a)
    made, secret = unions.create_client(admin, "只读名册", tree.city_a.id, ["roster"])
    token = _token(client, made.client_id, secret)
    assert client.get("/api/v1/union/statistics", headers=bearer(token)).status_code == 403
    assert client.get("/api/v1/union/roster", headers=bearer(token)).status_code == 200
    refused = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials", "client_id": made.client_id, "client_secret": "wrong"},
    )
    assert refused.status_code == 401 and refused.json["error"] == "invalid_client"
    unions.revoke_client(admin, made.id)
    assert client.get("/api/v1/union/roster", headers=bearer(token)).status_code == 401
    # A personal token is not a union system's, and a union token opens no worker's record.
    assert client.get("/api/v1/me/record", headers=bearer(token)).status_code == 401


def test_an_admin_cannot_make_a_client_for_another_city(tree, make_user):
    from learnhub.core.errors import DomainError

    admin = make_user("otheradmin", role="admin", org=tree.city_a)
    with pytest.raises(DomainError):
        unions.create_client(admin, "越权系统", tree.city_b.id, ["roster"])
