"""The hours rule: what content may declare for its time and what that time may pay (catalog/hours.py)."""

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from learnhub.catalog.hours import HoursRule, reading_units
from learnhub.catalog.package import read_package

TINY = Path(__file__).resolve().parent / "packages" / "tiny-course"


@pytest.fixture(autouse=True)
def _rule_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "HOURS_RULE_CHECKED", True)


def test_characters_are_counted_han_one_latin_word_two_and_marks_nothing():
    assert reading_units("## 安全第一！") == 4
    assert reading_units("Look around before you move.") == 10
    assert reading_units("电压220 V，don't touch") == 2 + 2 * 4
    assert reading_units("![漏电保护器](media/rcd-trip.svg) **刹车**") == 5 + 2


def test_credits_are_rounded_down_to_the_cent():
    rule = HoursRule()
    assert rule.minutes_per_credit == 720
    assert rule.max_credits(720) == Decimal("1.00")
    assert rule.max_credits(719) == Decimal("0.99")  # 0.9986 would round up to 1.00: down, never more
    assert rule.max_credits(31) == Decimal("0.04")
    assert rule.max_credits(5) == Decimal("0.00")
    assert rule.minutes_to_xueshi(31) == Decimal("0.69") and rule.xueshi_to_minutes(Decimal("0.69")) == 31


def test_declared_minutes_may_exceed_the_content_by_half_at_most():
    rule = HoursRule()
    assert rule.content_minutes("lesson", "字" * 900) == 3 and rule.max_minutes(3) == 4
    assert rule.content_minutes("lesson", "字" * 901) == 4 and rule.max_minutes(4) == 6
    assert rule.content_minutes("quiz", questions=8) == 8 and rule.max_minutes(8) == 12
    assert rule.content_minutes("video") is None and rule.max_minutes(None) == 600


def _package(tmp_path):
    """The tiny package with numbers that keep the rule: 1 + 10 + 3 minutes, 0.01 credits."""
    folder = tmp_path / "tiny-course"
    shutil.copytree(TINY, folder)
    _set(folder / "01-intro.md", "minutes: 15\ncredits: 0.25\n", "minutes: 1\ncredits: 0\n")
    _set(folder / "02-demo-video.md", "minutes: 10\ncredits: 0.25\n", "minutes: 10\ncredits: 0.01\n")
    _set(folder / "03-check.yaml", "minutes: 5\ncredits: 0.5\n", "minutes: 3\ncredits: 0\n")
    _set(folder / "course.yaml", "credits: 1\nhours: 0.75\n", "credits: 0.01\nhours: 0.31\n")
    return folder


def test_a_package_keeping_the_rule_is_read(tmp_path):
    package, errors = read_package(_package(tmp_path))
    assert errors == [] and (package.minutes, package.credits) == (14, Decimal("0.01"))


def _set(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_importer_refuses_a_lesson_declaring_far_more_than_its_text(tmp_path):
    folder = _package(tmp_path)
    _set(folder / "01-intro.md", "minutes: 1\n", "minutes: 600\n")
    package, errors = read_package(folder)
    assert package is None
    assert [str(e) for e in errors] == [
        "tiny-course/01-intro.md:4: 'minutes' is 600, but its text takes 1; declare at most 1 (one and a half times)"
    ]


def test_the_importer_refuses_credits_beyond_what_the_minutes_earn(tmp_path):
    folder = _package(tmp_path)
    _set(folder / "course.yaml", "credits: 0.01\n", "credits: 999999.99\n")
    package, errors = read_package(folder)
    assert package is None
    assert [str(e) for e in errors] == [
        "tiny-course/course.yaml:8: 'credits' is 999999.99, more than 14 minutes earn under the rule of "
        "720 minutes a credit: at most 0.01"
    ]


def test_the_importer_refuses_a_course_declaring_more_hours_than_its_modules(tmp_path):
    folder = _package(tmp_path)
    _set(folder / "course.yaml", "hours: 0.31\n", "hours: 13.33\n")
    _package_errors = read_package(folder)[1]
    assert [str(e) for e in _package_errors] == [
        "tiny-course/course.yaml:9: 'hours' is 600 minutes (45 minutes a 学时), more than its modules' "
        "14 minutes; at most 0.31"
    ]


def test_the_importer_refuses_a_quiz_of_more_minutes_than_half_again_its_questions(tmp_path):
    folder = _package(tmp_path)
    _set(folder / "03-check.yaml", "minutes: 3\n", "minutes: 5\n")
    errors = read_package(folder)[1]
    assert [str(e) for e in errors] == [
        "tiny-course/03-check.yaml:3: 'minutes' is 5, but its questions take (one minute each) 3; "
        "declare at most 4 (one and a half times)"
    ]
