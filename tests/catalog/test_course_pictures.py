"""Pictures where they teach: the shipped courses' SVG drawings are light, self-contained and described.

A worker on a weak network gets each picture within the page budget; a worker who cannot see it
(a screen reader, a picture that did not load) reads the same content in its alternative text.
"""

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

COURSES = Path(__file__).resolve().parents[2] / "courses"
SVG = "{http://www.w3.org/2000/svg}"
PICTURE = re.compile(r"!\[([^\]]*)\]\((media/[^)\s]+)\)")
MAX_BYTES = 8 * 1024  # a worker page is at most 60 KB on a first visit (DESIGN.md)


def drawings():
    return sorted(COURSES.glob("*/media/*.svg"))


def pictures_in_lessons():
    """(lesson path, alt text, media path) of every picture a shipped lesson shows."""
    return [
        (lesson, alt, lesson.parent / target)
        for lesson in sorted(COURSES.glob("*/*.md"))
        for alt, target in PICTURE.findall(lesson.read_text(encoding="utf-8"))
    ]


def test_at_least_six_courses_teach_with_pictures():
    courses = {lesson.parent.name for lesson, _alt, _path in pictures_in_lessons()}
    assert len(courses) >= 6, sorted(courses)


@pytest.mark.parametrize("lesson, alt, path", pictures_in_lessons(), ids=lambda v: getattr(v, "name", ""))
def test_a_picture_is_there_and_says_in_words_what_it_shows(lesson, alt, path):
    assert path.is_file(), f"{lesson}: {path} is missing"
    assert len(alt) >= 40, f"{lesson}: the alternative text of {path.name} should describe what it teaches"


@pytest.mark.parametrize("path", drawings(), ids=lambda path: f"{path.parent.parent.name}/{path.name}")
def test_a_drawing_is_light_and_self_contained(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.encode()) <= MAX_BYTES, f"{path.name}: {len(text.encode())} bytes"
    root = ElementTree.fromstring(text)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("viewBox")
    assert (root.findtext(f"{SVG}title") or "").strip(), "a drawing names itself in <title>"
    for element in root.iter():
        assert element.tag != f"{SVG}script" and element.tag != f"{SVG}foreignObject", element.tag
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{path.name}: {name}"
            if name.endswith("href"):
                assert value.startswith("#"), f"{path.name}: links outside itself: {value}"
    assert "url(" not in text.replace("url(#", ""), "no outside resources"


def test_every_drawing_is_shown_by_a_lesson():
    shown = {path.resolve() for _lesson, _alt, path in pictures_in_lessons()}
    assert [p for p in drawings() if p.resolve() not in shown] == []
