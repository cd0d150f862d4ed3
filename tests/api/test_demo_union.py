"""Issue 20's first two "done when"s, on the demo's own union tree and accounts.

demo-admin (王丽娟, 滨江市总工会) makes a client for the city's workforce database on her page;
the system syncs ten workers into the roster and reads the city's statistics; one of them
learns through a personal token and reads their own record with it.
"""

import re

from sqlalchemy import select

from learnhub.accounts.models import User
from learnhub.api import services as api
from learnhub.demo import DEMO_PASSWORD, load_demo
from learnhub.extensions import db
from learnhub.orgs.models import Org
from learnhub.stats.headcounts import count_everyone
from learnhub.stats.rollups import drain_outbox
from tests.api.conftest import bearer
from tests.api.test_unions import _token

CITY, FACTORY = "滨江市总工会", "滨江重型机械厂工会"


def _org(name):
    return db.session.scalar(select(Org).where(Org.name == name))


def _figures(statistics, union_name):
    return next(row for row in statistics["unions"] if row["union"] and row["union"]["name"] == union_name)


def test_demo_admins_client_syncs_ten_workers_and_reads_the_citys_statistics(
    app, client, auth, make_course, tmp_path, monkeypatch
):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    load_demo(extra_workers=10)
    city, factory = _org(CITY), _org(FACTORY)
    course = make_course("demo-api-course", modules=(("only", "lesson", "1", 10),), audience_org_id=city.id)
    drain_outbox()  # the demo's own learners, counted before the client looks
    count_everyone()
    db.session.commit()

    auth.login("demo-admin", DEMO_PASSWORD)
    page = auth.post(
        "/api-clients/", {"name": "滨江市职工队伍数据库", "org_id": str(city.id), "scopes": ["roster", "stats"]}
    )
    text = page.get_data(as_text=True)
    client_id = re.search(r"(lhc_[A-Za-z0-9_-]+)", text).group(1)
    secret = re.search(r'class="secret">([A-Za-z0-9_-]+)<', text).group(1)
    auth.logout()
    token = _token(client, client_id, secret)
    before = client.get("/api/v1/union/statistics", headers=bearer(token)).json

    for n in range(10):
        worker = {
            "name": "同步职工" + "甲乙丙丁戊己庚辛壬癸"[n],
            "phone": f"1370000{n:04d}",
            "union": factory.id,
            "occupation": "welder",
        }
        answer = client.put(f"/api/v1/union/roster/BJ-2026-{n:03d}", json=worker, headers=bearer(token))
        assert answer.status_code == 201, answer.json
    roster = client.get("/api/v1/union/roster", query_string={"limit": 100, "union": factory.id}, headers=bearer(token))
    assert {p["external_id"] for p in roster.json["items"] if p["external_id"]} == {
        f"BJ-2026-{n:03d}" for n in range(10)
    }

    # One of them learns through their own app, with a personal token, and reads their record.
    synced = db.session.scalar(select(User).where(User.phone == "13700000003"))
    personal = api.create_personal_token(synced, "职工之家", ["record", "learn"])[1]
    db.session.commit()
    assert (
        client.post("/api/v1/me/enrolments", json={"course": course.slug}, headers=bearer(personal)).status_code == 201
    )
    done = client.post(f"/api/v1/me/enrolments/{course.slug}/modules/only/completion", headers=bearer(personal))
    assert done.status_code == 200 and done.json["course_completed"]
    record = client.get("/api/v1/me/record", headers=bearer(personal)).json
    assert record["credits"] == "1.00" and [e["kind"] for e in record["entries"]].count("course") == 1

    drain_outbox()  # the task queue's minute: rollups of the unions above the learner
    count_everyone()  # and its nightly headcount
    db.session.commit()
    after = client.get("/api/v1/union/statistics", headers=bearer(token)).json
    assert after["union"]["name"] == CITY
    assert after["total"]["workers"] == before["total"]["workers"] + 10
    assert after["total"]["completions"] == before["total"]["completions"] + 1
    assert _figures(after, FACTORY)["workers"] == _figures(before, FACTORY)["workers"] + 10
    assert _figures(after, FACTORY)["completions"] == _figures(before, FACTORY)["completions"] + 1
