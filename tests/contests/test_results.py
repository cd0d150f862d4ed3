"""Results count: a ledger entry for each ranked paper, a credential for the winners, a pathway that asks for a placing."""

from decimal import Decimal

from sqlalchemy import select

from learnhub.contests import competitions
from learnhub.credits.models import LedgerEntry
from learnhub.credits.services import get_account, reverse_entry
from learnhub.extensions import db
from learnhub.recognition import pathways
from learnhub.recognition.models import Credential
from tests.contests.test_competitions import clock  # noqa: F401 (a fixture)
from tests.contests.test_stages import new_round, people, sit  # noqa: F401 (people: a fixture)


def _pathway(tree, **placing):
    version = pathways.load_pathway(
        "city-electrician-placing",
        tree.prov_a,
        title="电工四级：市级比武前10%",
        target_kind="skill_level",
        institution="甲省职业技能鉴定中心",
        occupation="electrician",
        level="level4",
        target_hours="8",
        **placing,
    )
    db.session.commit()
    return version


def test_a_published_result_is_a_ledger_entry_and_the_winner_gets_a_credential(client, auth, people, clock):  # noqa: F811
    p = people
    contest = new_round(p["city_admin"], p["course"], stage="city", credits="0.5", hours="1", winners="1")
    sit(p["best"], contest, clock, right=6)
    sit(p["other"], contest, clock, right=2)
    competitions.publish_results(p["city_admin"], contest)
    competitions.publish_results(p["city_admin"], contest)  # a second click changes nothing
    db.session.commit()

    entries = {
        e.account.user_id: e for e in db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "competition"))
    }
    assert set(entries) == {p["best"].id, p["other"].id}
    assert entries[p["best"].id].credits == Decimal("0.50") and entries[p["best"].id].minutes == 45
    assert "第1名" in entries[p["best"].id].note and "第2名" in entries[p["other"].id].note

    credentials = db.session.scalars(select(Credential).where(Credential.kind == "contest")).all()
    assert [c.user_id for c in credentials] == [p["best"].id]  # one winner
    public = client.get(f"/credentials/{credentials[0].uuid}")
    assert public.status_code == 200 and contest.title in public.get_data(as_text=True)
    badge = client.get(f"/credentials/{credentials[0].uuid}.json").get_json()
    assert badge["credentialSubject"]["achievement"]["achievementType"] == "Award"

    auth.login("best")
    record = client.get("/me/record").get_data(as_text=True)
    assert "技术比武" in record and contest.title in record
    auth.logout()

    # Correcting the entry away withdraws the credential it stood for.
    reverse_entry(entries[p["best"].id], reason="复核发现答卷雷同", created_by=p["city_admin"])
    db.session.commit()
    assert db.session.get(Credential, credentials[0].id).is_revoked


def test_a_contest_granting_nothing_still_records_the_result(people, clock):  # noqa: F811
    p = people
    contest = new_round(p["city_admin"], p["course"], winners="0")
    sit(p["best"], contest, clock, right=6)
    competitions.publish_results(p["city_admin"], contest)
    entry = db.session.scalar(select(LedgerEntry).where(LedgerEntry.account_id == get_account(p["best"]).id))
    assert entry.kind == "competition" and entry.credits == 0 and entry.minutes == 0
    assert db.session.scalar(select(Credential.id).where(Credential.kind == "contest")) is None


def test_a_pathway_that_asks_for_a_placing_shows_as_met(client, auth, tree, people, clock):  # noqa: F811
    p = people
    version = _pathway(tree, placing_stage="city", placing_occupation="electrician", placing_percent="10")
    enterprise = new_round(p["city_admin"], p["course"], stage="enterprise")
    sit(p["best"], enterprise, clock, right=6)
    competitions.publish_results(p["city_admin"], enterprise)
    db.session.commit()
    auth.login("best")
    page = client.get(f"/recognition/pathways/{version.pathway_id}").get_data(as_text=True)
    assert "市级比赛" in page and "已达到" not in page  # first of an enterprise round: below the city's
    auth.logout()

    city = new_round(p["city_admin"], p["course"], stage="city")
    sit(p["best"], city, clock, right=6)
    sit(p["other"], city, clock, right=1)
    competitions.publish_results(p["city_admin"], city)
    db.session.commit()
    auth.login("best")
    page = client.get(f"/recognition/pathways/{version.pathway_id}").get_data(as_text=True)
    assert f"{city.title}，第1名，共2人" in page and "已达到" in page
    auth.logout()
    auth.login("other")  # second of two: not in the top 10%
    page = client.get(f"/recognition/pathways/{version.pathway_id}").get_data(as_text=True)
    assert "已达到" not in page


def test_the_placing_rule_says_what_is_wrong(tree, make_user):
    keeper = make_user("keeper", role="admin", org=tree.prov_a)
    base = dict(
        title="电工四级",
        target_kind="skill_level",
        institution="甲省职业技能鉴定中心",
        occupation="electrician",
        level="level4",
    )
    for fields, field in (
        (dict(placing_percent="10"), "placing_stage"),
        (dict(placing_stage="city"), "placing_top"),
        (dict(placing_stage="city", placing_top="3", placing_percent="10"), "placing_top"),
        (dict(placing_stage="city", placing_percent="101"), "placing_percent"),
        (dict(placing_stage="county", placing_top="3"), "placing_stage"),
    ):
        try:
            pathways.save_pathway(keeper, **base, **fields)
        except Exception as error:  # noqa: BLE001
            assert getattr(error, "field", None) == field, (fields, error)
        else:
            raise AssertionError(fields)
