"""The shipped catalogue serves the trades: a worker who searches for their trade's name finds a course made for it."""

from pathlib import Path

from learnhub.catalog.models import ALL_OCCUPATIONS
from learnhub.catalog.services import catalogue_query
from learnhub.core.i18n import force_locale
from learnhub.core.vocab import OCCUPATION_SYNONYMS, OCCUPATIONS
from learnhub.extensions import db

COURSES = Path(__file__).resolve().parents[2] / "courses"

# Issue 17: courses for at least ten of the occupations of core/vocab.py.
TRADES_SERVED = {
    "electrician",
    "electrical_maintenance",
    "welder",
    "lathe_operator",
    "cnc_operator",
    "chemical_operator",
    "crane_operator",
    "forklift_driver",
    "warehouse_worker",
    "industrial_robot_operator",
}


def test_searching_for_a_trade_finds_a_course_made_for_it(app, runner, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    result = runner.invoke(args=["courses", "import", str(COURSES)])
    assert result.exit_code == 0, result.output
    served = {}
    for code, label in OCCUPATIONS:
        with force_locale("zh_CN"):
            names = {str(label), *OCCUPATION_SYNONYMS.get(code, ())}
        for name in sorted(names):
            found = db.session.scalars(catalogue_query(None, text=name)).all()
            trade_courses = [c.slug for c in found if c.occupation != ALL_OCCUPATIONS]
            if trade_courses:
                served[code] = (name, trade_courses)
                break
    assert set(served) >= TRADES_SERVED, {code: served.get(code) for code in TRADES_SERVED - set(served)}
    assert len(served) >= 10, served
