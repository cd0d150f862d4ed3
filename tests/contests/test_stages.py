"""Stages (enterprise → city → province) and who may enter: occupation, skill level, and going through."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from learnhub.contests import competitions
from learnhub.contests.models import Contest, ContestEntry
from learnhub.core.errors import DomainError
from learnhub.extensions import db
from tests.contests.test_competitions import FORM, clock  # noqa: F401 (a fixture)
from tests.contests.test_drills import add_bank


@pytest.fixture
def people(tree, make_user, make_course, clock):  # noqa: F811
    course = make_course("wiring", occupation="electrician")
    add_bank(course, count=12)
    found = dict(
        course=course,
        city_admin=make_user("city-admin", role="admin", org=tree.city_a),
        province_admin=make_user("province-admin", role="admin", org=tree.prov_a),
        best=make_user("best", occupation="electrician", org=tree.ent_a1, name="张一", skill_level="level4"),
        runner=make_user("runner", occupation="electrician", org=tree.ent_a1, name="王三", skill_level="level4"),
        other=make_user("other", occupation="electrician", org=tree.ent_a2, name="李二", skill_level="level5"),
    )
    db.session.commit()
    return found


def sit(user, contest, clock, right, minutes=3):  # noqa: F811
    """Enter `contest` as `user` and hand in a paper with `right` questions answered right."""
    entry = competitions.enter(user, contest)
    clock["at"] += timedelta(minutes=minutes)
    answers = {}
    for n, (question, _choices) in enumerate(competitions.entry_paper(entry)):
        pick = [c for c in question.choices if c.is_correct == (n < right)][0]
        answers[str(question.id)] = [str(pick.id)]
    return competitions.submit(user, contest, answers)


def new_round(admin, course, **values):
    return competitions.create_contest(admin, {**FORM, "courses": [str(course.id)], **values})


def test_each_enterprise_sends_its_best_to_the_city_and_each_city_its_share_to_the_province(people, clock):  # noqa: F811
    p = people
    first = new_round(p["city_admin"], p["course"], title="甲市电工技术比武（企业赛）", stage="enterprise")
    city = new_round(
        p["city_admin"],
        p["course"],
        title="甲市电工技术比武（市赛）",
        stage="city",
        previous=str(first.id),
        admit_top="1",
    )
    # Before the round below publishes, nobody has gone through.
    assert not competitions.may_enter(p["best"], city)
    with pytest.raises(DomainError):
        competitions.enter(p["best"], city)

    sit(p["best"], first, clock, right=6)
    sit(p["runner"], first, clock, right=3)
    sit(p["other"], first, clock, right=2)  # the weakest, but the best of 甲市电缆厂
    competitions.publish_results(p["city_admin"], first)
    ranks = {
        e.user_id: (e.rank, e.union_rank)
        for e in db.session.scalars(select(ContestEntry).where(ContestEntry.contest_id == first.id))
    }
    assert ranks == {p["best"].id: (1, 1), p["runner"].id: (2, 2), p["other"].id: (3, 1)}

    # The best of each enterprise goes through: 张一 of the machine-tool works, 李二 of the cable works.
    assert competitions.may_enter(p["best"], city) and competitions.may_enter(p["other"], city)
    assert not competitions.may_enter(p["runner"], city) and competitions.may_see(p["runner"], city)
    with pytest.raises(DomainError, match="晋级"):
        competitions.enter(p["runner"], city)
    sit(p["best"], city, clock, right=4)
    sit(p["other"], city, clock, right=5)
    competitions.publish_results(p["city_admin"], city)

    # The province admits the best half (rounded up) of each city: of 甲市's two, one.
    province = new_round(
        p["province_admin"],
        p["course"],
        title="甲省电工技术比武（省赛）",
        stage="province",
        previous=str(city.id),
        admit_percent="50",
    )
    assert competitions.may_enter(p["other"], province) and not competitions.may_enter(p["best"], province)


def test_a_round_is_for_its_occupation_and_skill_levels_and_others_meet_404(client, auth, people, clock):  # noqa: F811
    p = people
    contest = new_round(p["city_admin"], p["course"], levels=["level4"])
    db.session.commit()
    auth.login("other")  # an electrician of level 5
    assert client.get(f"/contests/{contest.id}").status_code == 404
    assert auth.post(f"/contests/{contest.id}/enter").status_code == 404
    assert contest.title not in client.get("/contests/").get_data(as_text=True)
    auth.logout()
    auth.login("best")
    page = client.get(f"/contests/{contest.id}").get_data(as_text=True)
    assert "四级" in page and "参加比武" in page


def test_the_form_says_what_is_wrong_with_the_stages(client, auth, people):
    p = people
    first = new_round(p["city_admin"], p["course"], stage="enterprise")
    db.session.commit()
    auth.login("city-admin")
    base = {**FORM, "courses": [str(p["course"].id)]}
    cases = {
        "previous": dict(stage="enterprise", previous=str(first.id), admit_top="3"),  # a round of the same stage
        "admit_top": dict(stage="city", previous=str(first.id), admit_top="3", admit_percent="10"),
        "stage": dict(stage="province"),  # above a city's union
    }
    for field, values in cases.items():
        page = auth.post("/contests/new", {**base, **values})
        assert page.status_code == 400 and f'id="{field}-error"' in page.get_data(as_text=True), field
    no_round_below = auth.post("/contests/new", {**base, "admit_top": "3"})
    assert 'id="previous-error"' in no_round_below.get_data(as_text=True)
    assert db.session.scalar(select(Contest).where(Contest.previous_id.is_not(None))) is None
    made = auth.post("/contests/new", {**base, "stage": "city", "previous": str(first.id), "admit_percent": "10"})
    assert made.status_code == 302
    assert db.session.scalar(select(Contest.admit_percent).where(Contest.previous_id == first.id)) == 10
