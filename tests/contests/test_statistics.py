"""Contest statistics on the admin's dashboard: by contest, by union, by occupation, with exports."""

from learnhub.contests import competitions
from learnhub.extensions import db
from tests.contests.test_competitions import clock  # noqa: F401 (a fixture)
from tests.contests.test_stages import new_round, people, sit  # noqa: F401 (people: a fixture)

PERIOD = {"period": "custom", "start": "2026-12-01", "end": "2026-12-02"}


def test_the_dashboard_shows_participation_and_scores_and_exports_them(client, auth, tree, people, clock):  # noqa: F811
    p = people
    contest = new_round(p["city_admin"], p["course"], title="甲市电工技术比武（统计）")
    sit(p["best"], contest, clock, right=6)  # 100
    sit(p["runner"], contest, clock, right=3)  # 50
    competitions.enter(p["other"], contest)  # entered, never handed in
    db.session.commit()

    auth.login("city-admin")
    page = client.get(f"/stats/{tree.city_a.id}/contests", query_string=PERIOD).get_data(as_text=True)
    assert contest.title in page and "甲市第一机床厂工会" in page and "甲市电缆厂工会" in page
    assert "75.0" in page  # the mean of the two scored papers

    unions = client.get(f"/stats/{tree.city_a.id}/export/contest-unions.csv", query_string=PERIOD)
    rows = unions.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[1].startswith("甲市第一机床厂工会,2,2,100.0,75.0,100")
    assert rows[2].startswith("甲市电缆厂工会,1,0,0.0,,")
    occupations = client.get(f"/stats/{tree.city_a.id}/export/contest-occupations.xlsx", query_string=PERIOD)
    assert occupations.status_code == 200 and occupations.data[:2] == b"PK"
    auth.logout()

    auth.login("best")  # a worker: not their page
    assert client.get(f"/stats/{tree.city_a.id}/contests").status_code in (403, 404)
