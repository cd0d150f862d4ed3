"""The inbox: a contest opens for me, closes within a day, its results are out; each told once."""

from datetime import timedelta

from sqlalchemy import select

from learnhub.contests import competitions, notices
from learnhub.extensions import db
from learnhub.notify.models import Notification
from tests.contests.test_competitions import clock  # noqa: F401 (a fixture)
from tests.contests.test_stages import new_round, people, sit  # noqa: F401 (people: a fixture)


def _told(kind):
    return sorted(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)).all())


def test_workers_are_told_a_contest_opened_and_closes_soon_once(make_user, tree, people, clock):  # noqa: F811
    p = people
    welder = make_user("welder", occupation="welder", org=tree.ent_a1)
    far = make_user("far", occupation="electrician", org=tree.ent_b1)
    contest = new_round(p["city_admin"], p["course"], closes_at="2026-12-05 18:00")
    electricians = sorted([p["best"].id, p["runner"].id, p["other"].id])

    assert notices.tell_contests(contest.opens_at - timedelta(minutes=5)) == 0  # not open yet
    assert notices.tell_contests(clock["at"]) == 3
    assert _told("contest.opened") == electricians and welder.id not in _told("contest.opened")
    assert far.id not in _told("contest.opened")
    assert notices.tell_contests(clock["at"]) == 0  # once

    sit(p["best"], contest, clock, right=6)
    assert notices.tell_contests(contest.closes_at - timedelta(hours=2)) == 2
    assert _told("contest.closing") == sorted([p["runner"].id, p["other"].id])  # not who handed in
    inbox = db.session.scalar(select(Notification).where(Notification.kind == "contest.closing"))
    assert inbox.link == f"/contests/{contest.id}" and contest.title in inbox.title


def test_entrants_are_told_the_results_and_their_place(people, clock):  # noqa: F811
    p = people
    contest = new_round(p["city_admin"], p["course"])
    sit(p["best"], contest, clock, right=6)
    sit(p["other"], contest, clock, right=2)
    competitions.enter(p["runner"], contest)  # entered, never handed in
    competitions.publish_results(p["city_admin"], contest)
    told = {
        n.user_id: n.body
        for n in db.session.scalars(select(Notification).where(Notification.kind == "contest.results"))
    }
    assert told[p["best"].id] == "你在2人中排第1名。" and told[p["other"].id] == "你在2人中排第2名。"
    assert "没有计分" in told[p["runner"].id]


def test_a_round_above_is_told_only_to_those_who_went_through(people, clock):  # noqa: F811
    p = people
    first = new_round(p["city_admin"], p["course"], title="甲市电工技术比武（企业赛）", stage="enterprise")
    city = new_round(p["city_admin"], p["course"], stage="city", previous=str(first.id), admit_top="1")
    sit(p["best"], first, clock, right=6)
    sit(p["runner"], first, clock, right=3)
    notices.tell_contests(clock["at"])
    assert db.session.scalar(select(Notification.id).where(Notification.key == f"contest:{city.id}:opened")) is None
    competitions.publish_results(p["city_admin"], first)
    notices.tell_contests(clock["at"])
    told = db.session.scalars(select(Notification.user_id).where(Notification.key == f"contest:{city.id}:opened"))
    assert list(told) == [p["best"].id]
