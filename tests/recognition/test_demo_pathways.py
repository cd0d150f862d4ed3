"""The demo's pathways are plausible: a worker reaches each with the shipped courses, and no more cheaply.

Academic credit asks for at least 16 学时 (of 45 minutes) of learning a credit granted; the
ideological course counts toward an elective, never a compulsory political course; the safety
certificate says that it is not the statutory safety training.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from learnhub.catalog.importing import import_packages
from learnhub.catalog.models import Course
from learnhub.extensions import db
from learnhub.recognition import services as recognition
from learnhub.recognition.demo_data import JIANGNAN, NATIONAL, PATHWAYS, load_demo_pathways

COURSES = Path(__file__).resolve().parents[2] / "courses"
FIELDS = {code: fields for code, _union, fields in PATHWAYS}

# code: (the worker's trade, the shipped courses that meet the pathway, the last one tipping it)
REACHED_BY = {
    "demo-electrical-automation-credit": (
        "electrician",
        ["electrical-safety", "electrician-intermediate", "work-safety-basics", "skill-levels-and-credit-bank"],
    ),
    "demo-cnc-credit": ("cnc_operator", ["cnc-lathe-basics", "work-safety-basics", "skill-levels-and-credit-bank"]),
    "demo-electrician-level4-hours": (
        "electrician",
        ["electrical-safety", "electrician-intermediate", "work-safety-basics", "skill-levels-and-credit-bank"],
    ),
    "demo-safety-training-certificate": ("welder", ["welding-safety-quality", "work-safety-basics"]),
    "demo-workers-ethics-credit": (
        "welder",
        ["ideals-and-industrial-workers", "model-worker-spirit", "labour-law-basics"],
    ),
    "demo-digital-skills-certificate": ("welder", ["smartphone-public-services"]),
}


@pytest.fixture
def shipped(app, tree, tmp_path, monkeypatch):
    """The shipped catalogue and the demo pathways, kept by the test tree's national and first province."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    assert load_demo_pathways({NATIONAL: tree.national, JIANGNAN: tree.prov_a}) == 0  # no course yet
    import_packages(COURSES)
    assert load_demo_pathways({NATIONAL: tree.national, JIANGNAN: tree.prov_a}) == len(PATHWAYS)
    assert load_demo_pathways({NATIONAL: tree.national, JIANGNAN: tree.prov_a}) == 0


def test_every_demo_pathway_has_a_way_through_the_shipped_courses():
    assert set(REACHED_BY) == set(FIELDS)


@pytest.mark.parametrize("code", sorted(REACHED_BY))
def test_a_worker_meets_the_pathway_with_the_shipped_courses_and_not_one_fewer(code, shipped, make_user, finish):
    trade, slugs = REACHED_BY[code]
    worker = make_user(code.removeprefix("demo-")[:32], occupation=trade)  # usernames have 32 characters at most
    for number, slug in enumerate(slugs, 1):
        finish(worker, db.session.scalar(select(Course).where(Course.slug == slug)))
        [view] = [v for v in recognition.pathway_views(worker) if v.pathway.code == code]
        assert view.progress.is_met == (number == len(slugs)), (slug, view.progress)
    assert view.can_apply


@pytest.mark.parametrize("code", sorted(code for code, f in FIELDS.items() if f["target_kind"] == "academic"))
def test_academic_credit_asks_for_at_least_16_xueshi_a_credit(code):
    fields = FIELDS[code]
    granted = Decimal(fields["target_credits"])
    # A ledger credit stands for at least 720 minutes (the hours rule), so asking for as many ledger
    # credits as are granted, or 720 minutes a credit, asks for 16 学时 of 45 minutes a credit.
    assert (
        Decimal(fields.get("min_credits", "0")) >= granted
        or Decimal(fields.get("min_hours", "0")) * 60 >= granted * 720
    )
    assert "16学时" in fields["summary"]


def test_the_ideological_course_counts_toward_an_elective_not_a_compulsory_political_course():
    [(code, fields)] = [(c, f) for c, f in FIELDS.items() if "ideals-and-industrial-workers" in f["required_courses"]]
    assert "选修" in fields["course_name"] and "思想道德与法治" not in fields["course_name"]
    assert "必修课的学分不在此转换" in fields["summary"]


def test_the_safety_certificate_says_it_is_not_the_statutory_training():
    fields = FIELDS["demo-safety-training-certificate"]
    assert "合格证明" not in fields["title"] and "学习证明" in fields["programme"]
    assert "不是法定的安全培训合格证明" in fields["summary"] and "不少于24学时" in fields["summary"]


def test_the_demo_federation_is_not_named_after_the_real_one():
    from learnhub.demo import TREE

    assert TREE[0] == NATIONAL and "全国总工会" not in NATIONAL and "中华" not in NATIONAL
