"""Skill contests (技术比武): an admin's contest for their subtree, one clocked paper each, rankings once published."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from learnhub.accounts.models import User
from learnhub.catalog.models import BankQuestion
from learnhub.contests import competitions
from learnhub.contests.models import Contest, ContestEntry
from learnhub.extensions import db
from tests.contests.test_drills import add_bank


@pytest.fixture
def clock(monkeypatch):
    now = {"at": datetime(2026, 12, 2, 2, 0, tzinfo=UTC)}  # 10:00 in Beijing
    monkeypatch.setattr(competitions, "_now", lambda: now["at"])
    return now


@pytest.fixture
def setting(tree, make_user, make_course, clock):
    course = make_course("wiring", occupation="electrician")
    add_bank(course, count=12)
    people = dict(
        admin=make_user("city-admin", role="admin", org=tree.city_a),
        first=make_user("first", occupation="electrician", org=tree.ent_a1, name="张一"),
        second=make_user("second", occupation="electrician", org=tree.ent_a2, name="李二"),
        far=make_user("far", occupation="electrician", org=tree.ent_b1),
        welder=make_user("welder", occupation="welder", org=tree.ent_a1),
    )
    db.session.commit()  # as a request would: a view's rollback must not undo the set-up
    return course, people


FORM = {
    "title": "甲市电工岗位练兵（第一轮）",
    "occupation": "electrician",
    "basic": "6",
    "harder": "0",
    "each_topic": "y",
    "time_limit": "10",
    "opens_at": "2026-12-02 09:00",
    "closes_at": "2026-12-02 18:00",
}


def _ids(page):
    return list(dict.fromkeys(int(n) for n in re.findall(r'name="q(\d+)"', page)))


def _right(ids):
    return {f"q{i}": [str(c.id) for c in db.session.get(BankQuestion, i).choices if c.is_correct] for i in ids}


def test_a_contest_from_creation_to_published_rankings(client, auth, setting, clock):
    course, people = setting
    auth.login("city-admin")
    too_many = auth.post("/contests/new", {**FORM, "courses": [str(course.id)], "harder": "3"})
    assert too_many.status_code == 400 and 'id="harder-error"' in too_many.get_data(as_text=True)
    created = auth.post("/contests/new", {**FORM, "courses": [str(course.id)]})
    assert created.status_code == 302
    contest = db.session.scalar(select(Contest))
    url = f"/contests/{contest.id}"
    assert contest.opens_at == datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 9:00 in Beijing
    auth.logout()

    # The first worker enters, sees a paper of their own without answers, and hands it in at once.
    auth.login("first")
    assert contest.title in client.get("/contests/").get_data(as_text=True)
    auth.post(f"{url}/enter")
    page = client.get(url).get_data(as_text=True)
    ids = _ids(page)
    assert len(ids) == 6 and "解析" not in page and "✓" not in page
    clock["at"] += timedelta(minutes=3)
    auth.post(f"{url}/submit", _right(ids))
    page = client.get(url).get_data(as_text=True)
    assert "你的成绩：100分" in page and "你目前排第1名" in page
    assert "答卷限时10分钟，只能作答一次。" in page  # one sentence, as Chinese writes it
    assert "张一" not in page  # the rankings wait for the admin
    again = auth.post(f"{url}/submit", _right(ids), follow_redirects=True).get_data(as_text=True)
    assert "一次" in again or "one attempt" in again
    auth.logout()

    # The second runs out of time: refused, and it counts as their attempt.
    auth.login("second")
    auth.post(f"{url}/enter")
    ids = _ids(client.get(url).get_data(as_text=True))
    clock["at"] += timedelta(minutes=11)
    late = auth.post(f"{url}/submit", _right(ids), follow_redirects=True).get_data(as_text=True)
    assert "10" in late and ("没有计分" in late or "not scored" in late)
    entry = db.session.scalar(select(ContestEntry).where(ContestEntry.user_id == people["second"].id))
    assert entry.is_late and entry.score == 0
    auth.post(f"{url}/enter")
    assert not _ids(client.get(url).get_data(as_text=True))  # no second paper
    auth.logout()

    auth.login("city-admin")
    published = auth.post(f"{url}/publish", follow_redirects=True).get_data(as_text=True)
    assert "成绩已公布" in published and "（尚未公布）" not in published
    auth.logout()
    auth.login("second")
    page = client.get(url).get_data(as_text=True)
    assert "张一" in page and "甲市第一机床厂工会" in page, page[page.find("<main") :][:2000]
    assert "1 / 1" in page  # its one electrician took part (the welder may not enter)
    assert "李二" not in page.split("<caption>")[1]  # a late paper is not ranked
    # On a phone the rankings scroll sideways: each wide table is a region a keyboard can reach.
    assert page.count('class="table-wrap" role="region" tabindex="0"') == 2


def test_a_paper_handed_in_unfinished_comes_back_with_its_answers(client, auth, setting):
    course, people = setting
    contest = competitions.create_contest(people["admin"], {**FORM, "courses": [str(course.id)]})
    db.session.commit()
    url = f"/contests/{contest.id}"
    auth.login("first")
    auth.post(f"{url}/enter")
    ids = _ids(client.get(url).get_data(as_text=True))
    answered = _right(ids[:-1])  # the last question left blank
    refused = auth.post(f"{url}/submit", answered)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "请答完所有题目" in page or "Answer every question" in page
    for name, (choice,) in answered.items():
        assert re.search(rf'name="{name}" value="{choice}" checked', page), name  # still ticked
    entry = db.session.scalar(select(ContestEntry).where(ContestEntry.user_id == people["first"].id))
    assert entry.submitted_at is None  # the attempt is not spent: the clock runs on
    assert auth.post(f"{url}/submit", _right(ids)).status_code == 302
    assert "你的成绩：100分" in client.get(url).get_data(as_text=True)


def test_the_contest_page_reads_as_english_in_english(client, auth, setting):
    course, people = setting
    contest = competitions.create_contest(
        people["admin"], {**FORM, "courses": [str(course.id)], "levels": [people["first"].skill_level, "level4"]}
    )
    entry = competitions.enter(people["first"], contest)
    ids = [q.id for q, _c in competitions.entry_paper(entry)]
    competitions.submit(people["first"], contest, {k[1:]: v for k, v in _right(ids).items()})
    people["admin"].locale = "en"
    db.session.commit()
    auth.login("city-admin")
    page = client.get(f"/contests/{contest.id}").get_data(as_text=True)
    main = page[page.find("<main") :]
    assert "For workers of: Electrician" in main and "(not published yet)" in main, main[:1500]
    below_title = main.split("</h1>", 1)[1]  # the title is as the admin typed it
    assert "：" not in below_title and "（" not in below_title  # no Chinese punctuation around English words


def test_a_paper_still_open_when_the_results_are_published_is_refused(client, auth, setting, clock):
    course, people = setting
    contest = competitions.create_contest(people["admin"], {**FORM, "courses": [str(course.id)]})
    db.session.commit()
    url = f"/contests/{contest.id}"
    auth.login("first")
    auth.post(f"{url}/enter")
    ids = _ids(client.get(url).get_data(as_text=True))
    auth.logout()
    clock["at"] += timedelta(minutes=2)  # well within the paper's ten minutes
    competitions.publish_results(people["admin"], contest)
    db.session.commit()

    auth.login("first")
    refused = auth.post(f"{url}/submit", _right(ids), follow_redirects=True).get_data(as_text=True)
    assert "成绩已公布" in refused and "没有计分" in refused
    entry = db.session.scalar(select(ContestEntry).where(ContestEntry.user_id == people["first"].id))
    assert entry.is_late and entry.score == 0 and entry.rank is None
    assert "你的成绩" not in refused and "你目前排第" not in refused  # no score, no rank after the rankings are out


def test_who_may_not_see_or_enter_meets_404(client, auth, setting, clock):
    course, people = setting
    contest = competitions.create_contest(people["admin"], {**FORM, "courses": [str(course.id)]})
    db.session.commit()
    for username in ("far", "welder"):
        auth.login(username)
        assert client.get(f"/contests/{contest.id}").status_code == 404
        assert auth.post(f"/contests/{contest.id}/enter").status_code == 404
        assert contest.title not in client.get("/contests/").get_data(as_text=True)
        auth.logout()
    auth.login("first")
    assert auth.post(f"/contests/{contest.id}/publish").status_code == 404


def test_ties_share_a_rank_and_faster_is_better(setting, clock):
    course, people = setting
    contest = competitions.create_contest(people["admin"], {**FORM, "courses": [str(course.id)]})
    for name, minutes in (("first", 5), ("second", 2)):
        entry = competitions.enter(people[name], contest)
        clock["at"] += timedelta(minutes=minutes)
        paper = competitions.entry_paper(entry)
        competitions.submit(people[name], contest, {k[1:]: v for k, v in _right([q.id for q, _c in paper]).items()})
    ranking = competitions.individual_ranking(contest)
    assert [(rank, name) for rank, _e, name, _u in ranking] == [(1, "李二"), (2, "张一")]


def test_the_demo_has_an_open_contest_and_an_earlier_round_with_results(app, tmp_path, monkeypatch):
    from pathlib import Path

    from learnhub.catalog.importing import import_packages
    from learnhub.demo import load_demo

    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    import_packages(Path(__file__).resolve().parents[2] / "courses" / "electrical-safety")
    load_demo(extra_workers=40)
    load_demo(extra_workers=40)  # safe to run again
    contests = {c.title: c for c in db.session.scalars(select(Contest))}
    assert set(contests) == {"滨江市电工技术比武（演示）", "滨江市电工技术比武（演示·第一轮）"}
    earlier = contests["滨江市电工技术比武（演示·第一轮）"]
    assert earlier.results_published_at is not None and competitions.individual_ranking(earlier)
    # Its results count: a ledger entry each, a credential for each of the first three.
    from learnhub.credits.models import LedgerEntry
    from learnhub.recognition.models import Credential

    ranked = len(competitions.individual_ranking(earlier))
    assert db.session.scalar(select(func.count()).where(LedgerEntry.kind == "competition")) == ranked
    assert 1 <= db.session.scalar(select(func.count()).where(Credential.kind == "contest")) <= max(3, ranked)
    worker = db.session.scalar(select(User).where(User.username == "demo-worker"))
    assert competitions.is_open(contests["滨江市电工技术比武（演示）"]) and competitions.may_enter(
        worker, contests["滨江市电工技术比武（演示）"]
    )
