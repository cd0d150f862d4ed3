"""Course packages, as a trainer running `flask courses import` and `export` would see them."""

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from learnhub.catalog.models import BankChoice, BankQuestion, Choice, Course, Module, ModuleRevision, Question
from learnhub.catalog.package import read_package
from learnhub.extensions import db

ROOT = Path(__file__).resolve().parents[2]
COURSES = ROOT / "courses"
TINY = Path(__file__).resolve().parent / "packages" / "tiny-course"


@pytest.fixture(autouse=True)
def _instance(app, tmp_path, monkeypatch):
    """Media go to a temporary instance folder, not the developer's."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    return tmp_path / "instance"


@pytest.fixture
def tiny(tmp_path):
    """A copy of the small valid package, in a folder of packages of its own."""
    folder = tmp_path / "pkgs" / "tiny-course"
    shutil.copytree(TINY, folder)
    return folder


def run(runner, *paths):
    result = runner.invoke(args=["courses", "import", *map(str, paths)])
    # Never a traceback: a failed import ends with exit code 1, not an exception.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Course, Module, ModuleRevision, Question, Choice)
    )


def course(slug):
    return db.session.scalar(select(Course).where(Course.slug == slug))


def modules(slug):
    return {
        m.key: m
        for m in db.session.scalars(select(Module).join(Course).where(Course.slug == slug).order_by(Module.position))
    }


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path, fragment, nth=1):
    """The 1-based line of the nth line in `path` that contains `fragment`."""
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if fragment in line]
    return hits[nth - 1]


def snapshot(slug):
    """Everything a learner sees of a course, minus ids and dates."""
    c = course(slug)
    rows = []
    for module in db.session.scalars(
        select(Module).where(Module.course_id == c.id, Module.is_retired.is_(False)).order_by(Module.position)
    ):
        rev = db.session.scalar(
            select(ModuleRevision).where(
                ModuleRevision.module_id == module.id, ModuleRevision.revision == module.revision
            )
        )
        rows.append(
            (
                module.key,
                module.kind,
                module.position,
                module.is_required,
                rev.title,
                rev.body_source,
                rev.body_html,
                rev.video,
                rev.minutes,
                rev.credits,
                rev.pass_mark,
                rev.max_attempts,
                rev.content_hash,
                [
                    (q.kind, q.text, q.explanation, [(ch.text, ch.is_correct) for ch in q.choices])
                    for q in rev.questions
                ],
            )
        )
    return (
        (
            c.title,
            c.summary,
            c.category,
            c.occupation,
            c.target_level,
            c.language,
            c.credits,
            c.minutes,
            c.tags,
            c.search_text,
            c.status,
            c.source_hash,
        ),
        rows,
    )


# ---------------------------------------------------------------- the shipped catalogue


def test_shipped_packages_import_cleanly_and_a_second_run_changes_nothing(runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "HOURS_RULE_CHECKED", True)  # the shipped courses keep the hours rule
    result = run(runner, COURSES)
    assert result.exit_code == 0, result.output
    shipped = sum(1 for folder in COURSES.iterdir() if (folder / "course.yaml").is_file())
    assert shipped >= 13
    assert f"{shipped} created, 0 updated, 0 unchanged, 0 failed." in result.output
    before = counts()
    assert before[0] == shipped

    c = course("electrical-safety")
    assert (c.status, c.category, c.occupation, c.credits, c.minutes) == (
        "published",
        "safety",
        "electrician",
        Decimal("0.04"),  # 31 minutes of content (0.69 学时 of 45 minutes) earn 31 / 720 = 0.043 credits
        31,
    )
    assert c.tag_list[:2] == ["用电安全", "电工安全"] and "触电急救" in c.search_text
    quiz = modules("electrical-safety")["quiz"]
    rev = db.session.scalar(select(ModuleRevision).where(ModuleRevision.module_id == quiz.id))
    assert (quiz.kind, rev.pass_mark, rev.max_attempts, rev.questions) == ("quiz", 80, 3, [])
    assert rev.draw == {"basic": 6, "harder": 4, "each_topic": True}  # each paper drawn from the bank
    bank = db.session.scalars(select(BankQuestion).where(BankQuestion.course_id == c.id)).all()
    assert len(bank) >= 30 and len({q.topic for q in bank}) == 5
    assert all(len(q.choices) == 2 for q in bank if q.kind == "true_false")
    lesson = modules("electrical-safety")["why-electricity-hurts"]
    assert lesson.position == 1 and lesson.revision == 1
    assert "<h2>" in db.session.scalar(select(ModuleRevision.body_html).where(ModuleRevision.module_id == lesson.id))

    result = run(runner, COURSES)
    assert result.exit_code == 0, result.output
    assert f"0 created, 0 updated, {shipped} unchanged, 0 failed." in result.output
    assert counts() == before


# ---------------------------------------------------------------- changes keep progress


def test_editing_one_lesson_makes_one_new_revision_and_progress_survives(runner, tmp_path, make_user):
    from learnhub.learning.models import Progress

    folder = tmp_path / "courses" / "electrical-safety"
    shutil.copytree(COURSES / "electrical-safety", folder)
    run(runner, folder.parent)
    ids = {key: m.id for key, m in modules("electrical-safety").items()}
    worker = make_user("worker-1")
    db.session.add(Progress(user_id=worker.id, module_id=ids["safety-measures"]))
    db.session.flush()
    before = counts()

    edit(folder / "02-safety-measures.md", "## ", "## 先看一个例子\n\n例子的正文。\n\n## ")
    result = run(runner, folder.parent)
    assert result.exit_code == 0, result.output
    assert "electrical-safety: updated: safety-measures: revision 2\n" in result.output
    assert counts() == (before[0], before[1], before[2] + 1, before[3], before[4])

    now = modules("electrical-safety")
    assert {key: m.id for key, m in now.items()} == ids
    assert {key: m.revision for key, m in now.items() if m.revision != 1} == {"safety-measures": 2}
    old, new = db.session.scalars(
        select(ModuleRevision)
        .where(ModuleRevision.module_id == ids["safety-measures"])
        .order_by(ModuleRevision.revision)
    ).all()
    assert "先看一个例子" in new.body_source and "先看一个例子" not in old.body_source
    assert db.session.scalar(select(Progress.module_id).where(Progress.user_id == worker.id)) == ids["safety-measures"]


def test_a_changed_quiz_answer_is_a_new_revision(runner, tiny):
    run(runner, tiny.parent)
    edit(tiny / "03-check.yaml", "      - text: 耳机", "      - text: 耳塞")
    result = run(runner, tiny.parent)
    assert "tiny-course: updated: check: revision 2\n" in result.output
    assert modules("tiny-course")["check"].revision == 2


def test_removing_a_module_retires_it_and_putting_it_back_restores_it(runner, tiny):
    run(runner, tiny.parent)
    ids = {key: m.id for key, m in modules("tiny-course").items()}
    edit(tiny / "course.yaml", "  - 02-demo-video.md\n", "")
    result = run(runner, tiny.parent)
    assert "demo-video: retired" in result.output and "module order" in result.output
    assert [m.key for m in course("tiny-course").modules] == ["intro", "check"]
    assert modules("tiny-course")["demo-video"].is_retired

    edit(tiny / "course.yaml", "  - 01-intro.md\n", "  - 01-intro.md\n  - 02-demo-video.md\n")
    before = counts()
    result = run(runner, tiny.parent)
    assert "demo-video: back in the course" in result.output
    assert counts() == before  # the same content: no new revision
    assert {key: m.id for key, m in modules("tiny-course").items()} == ids
    assert [m.key for m in course("tiny-course").modules] == ["intro", "demo-video", "check"]


def test_required_flag_and_course_details_update_in_place(runner, tiny):
    run(runner, tiny.parent)
    edit(tiny / "02-demo-video.md", "required: false", "required: true")
    edit(tiny / "course.yaml", "language: zh_CN", "language: zh_CN\nstatus: draft")
    result = run(runner, tiny.parent)
    assert "course details" in result.output and "demo-video: required" in result.output
    assert course("tiny-course").status == "draft" and modules("tiny-course")["demo-video"].is_required
    assert modules("tiny-course")["demo-video"].revision == 1


# ---------------------------------------------------------------- export


def _wipe_catalogue(instance):
    for model in (Choice, Question, ModuleRevision, Module, BankChoice, BankQuestion, Course):
        db.session.execute(delete(model))
    shutil.rmtree(instance / "media", ignore_errors=True)


def test_export_then_import_round_trips(runner, tiny, tmp_path, _instance):
    run(runner, COURSES, tiny.parent)
    slugs = sorted(db.session.scalars(select(Course.slug)))
    before = {slug: snapshot(slug) for slug in slugs}
    out = tmp_path / "out"
    for slug in slugs:
        result = runner.invoke(args=["courses", "export", slug, str(out)])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "tiny-course").iterdir()) == [
        "01-intro.md",
        "02-demo-video.md",
        "03-check.yaml",
        "course.yaml",
        "media",
    ]

    result = run(runner, out)  # over the original: nothing changes
    assert f"0 created, 0 updated, {len(slugs)} unchanged, 0 failed." in result.output

    _wipe_catalogue(_instance)
    result = run(runner, out)  # into an empty catalogue: the same courses
    assert f"{len(slugs)} created" in result.output
    assert {slug: snapshot(slug) for slug in slugs} == before
    assert (_instance / "media" / "tiny-course" / "clip.mp4").read_bytes() == (tiny / "media" / "clip.mp4").read_bytes()


def test_export_refuses_unknown_course_and_a_folder_in_use(runner, tiny, tmp_path):
    assert runner.invoke(args=["courses", "export", "nope", str(tmp_path)]).exit_code == 1
    run(runner, tiny.parent)
    result = runner.invoke(args=["courses", "export", "tiny-course", str(tiny.parent)])
    assert result.exit_code == 1 and "not empty" in result.output


# ---------------------------------------------------------------- media and Markdown


def test_media_are_copied_and_links_point_at_them(runner, tiny, _instance):
    result = run(runner, tiny.parent)
    assert result.exit_code == 0, result.output
    assert (_instance / "media" / "tiny-course" / "clip.mp4").is_file()
    intro = modules("tiny-course")["intro"]
    html = db.session.scalar(select(ModuleRevision.body_html).where(ModuleRevision.module_id == intro.id))
    assert 'src="/media/tiny-course/wiring.png"' in html

    (tiny / "media" / "clip.mp4").write_bytes(b"a better video")
    result = run(runner, tiny.parent)
    assert "tiny-course: updated: media/clip.mp4: copied" in result.output
    assert (_instance / "media" / "tiny-course" / "clip.mp4").read_bytes() == b"a better video"


def test_raw_html_and_javascript_links_never_reach_body_html(runner, tiny):
    with (tiny / "01-intro.md").open("a", encoding="utf-8") as file:
        file.write(
            '\n<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\n'
            "[点这里](javascript:alert(1)) 和 [这里](JAVASCRIPT:alert(2))"
            ' <a href="javascript:alert(3)">链接</a>\n\n![x](javascript:alert(4))\n'
        )
    result = run(runner, tiny.parent)
    assert result.exit_code == 0, result.output
    html = db.session.scalar(select(ModuleRevision.body_html).join(Module).where(Module.key == "intro"))
    assert "<script" not in html.lower()
    assert not re.search(r"<[a-z][^>]*(javascript:|onerror)", html, re.I), html
    assert "alert(1)</" not in html  # a script goes with its content
    assert "<img" in html and "链接" in html  # what is safe of the HTML stays


# ---------------------------------------------------------------- broken packages


def _course_line(tiny, fragment):
    return line_of(tiny / "course.yaml", fragment)


BROKEN = {
    "missing module file": (
        lambda t: (t / "01-intro.md").unlink(),
        lambda t: f"tiny-course/course.yaml:{_course_line(t, '01-intro.md')}: module file '01-intro.md' does not exist",
    ),
    "bad YAML in a quiz": (
        lambda t: edit(t / "03-check.yaml", "minutes: 5\n", "minutes: 5\n  credits 0.5: x: y\n"),
        lambda t: f"tiny-course/03-check.yaml:{line_of(t / '03-check.yaml', 'credits 0.5')}: invalid YAML: ",
    ),
    "unclosed quote in front matter": (
        lambda t: edit(t / "01-intro.md", "title: 进车间之前", 'title: "进车间之前'),
        lambda t: "tiny-course/01-intro.md:2: invalid YAML: ",
    ),
    "no correct answer": (
        lambda t: edit(t / "03-check.yaml", "      - text: 扣好\n        correct: true\n", "      - text: 扣好\n"),
        lambda t: (
            f"tiny-course/03-check.yaml:{line_of(t / '03-check.yaml', 'type: single')}: "
            "question 1 has no correct answer"
        ),
    ),
    "single choice with two correct answers": (
        lambda t: edit(
            t / "03-check.yaml",
            "      - text: 敞开，方便干活\n",
            "      - text: 敞开，方便干活\n        correct: true\n",
        ),
        lambda t: (
            f"tiny-course/03-check.yaml:{line_of(t / '03-check.yaml', 'type: single')}: "
            "question 1 is single but has 2 correct answers"
        ),
    ),
    "true_false with three choices": (
        lambda t: edit(t / "03-check.yaml", "      - text: 正确\n", "      - text: 正确\n      - text: 不一定\n"),
        lambda t: (
            f"tiny-course/03-check.yaml:{line_of(t / '03-check.yaml', 'type: true_false')}: "
            "question 3 is true_false and needs exactly two choices"
        ),
    ),
    "unknown category": (
        lambda t: edit(t / "course.yaml", "category: safety", "category: safty"),
        lambda t: "tiny-course/course.yaml:4: 'category' must be one of: vocational, safety",
    ),
    "credits abc": (
        lambda t: edit(t / "course.yaml", "credits: 1", "credits: abc"),
        lambda t: "tiny-course/course.yaml:8: 'credits' must be a decimal number from 0 to 999999.99",
    ),
    "negative credits": (
        lambda t: edit(t / "course.yaml", "credits: 1", "credits: -1"),
        lambda t: "tiny-course/course.yaml:8: 'credits' must not be negative",
    ),
    "NaN credits": (
        lambda t: edit(t / "course.yaml", "credits: 1", "credits: .nan"),
        lambda t: "tiny-course/course.yaml:8: 'credits' must be a decimal number",
    ),
    "three decimal places": (
        lambda t: edit(t / "01-intro.md", "credits: 0.25", "credits: 0.125"),
        lambda t: "tiny-course/01-intro.md:5: 'credits' may have at most two decimal places",
    ),
    "module path with ../": (
        lambda t: edit(t / "course.yaml", "  - 01-intro.md", "  - ../01-intro.md"),
        lambda t: (
            f"tiny-course/course.yaml:{_course_line(t, '../01-intro.md')}: '../01-intro.md' must be a plain file name"
        ),
    ),
    "typo in a key": (
        lambda t: edit(t / "02-demo-video.md", "required: false", "requird: false"),
        lambda t: (
            "tiny-course/02-demo-video.md:6: unknown key 'requird' in a lesson's front matter; did you mean 'required'?"
        ),
    ),
    "modules worth more than the course": (
        lambda t: edit(t / "03-check.yaml", "credits: 0.5", "credits: 2"),
        lambda t: "tiny-course/course.yaml:8: the modules' credits add up to 2.50, more than the course's 1.00",
    ),
    "video file missing": (
        lambda t: (t / "media" / "clip.mp4").unlink(),
        lambda t: (
            "tiny-course/02-demo-video.md:7: 'video': 'media/clip.mp4' is not a file in the package's media/ folder"
        ),
    ),
    "image missing": (
        lambda t: (t / "media" / "wiring.png").unlink(),
        lambda t: (
            f"tiny-course/01-intro.md:{line_of(t / '01-intro.md', 'wiring.png')}: 'media/wiring.png' is not a file"
        ),
    ),
    "no front matter": (
        lambda t: edit(t / "01-intro.md", "---\ntitle", "title"),
        lambda t: "tiny-course/01-intro.md:1: a lesson starts with a '---' line",
    ),
    "a duplicate key": (
        lambda t: edit(t / "course.yaml", "hours: 0.75", "hours: 0.75\nhours: 1"),
        lambda t: "tiny-course/course.yaml:10: invalid YAML: the key 'hours' appears twice",
    ),
    "missing course.yaml": (lambda t: (t / "course.yaml").unlink(), lambda t: "tiny-course/course.yaml: missing"),
    "a top-level heading": (
        lambda t: edit(t / "01-intro.md", "## 三件事", "# 三件事"),
        lambda t: "tiny-course/01-intro.md:8: headings go from ## to ####",
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_package_reports_file_and_line_and_writes_nothing(runner, tiny, case, _instance):
    damage, expected = BROKEN[case]
    damage(tiny)
    shutil.copytree(COURSES / "labour-law-basics", tiny.parent / "labour-law-basics")
    before = counts()
    result = run(runner, tiny.parent)
    assert result.exit_code == 1
    assert expected(tiny) in result.output, result.output
    assert "tiny-course: failed" in result.output and "labour-law-basics: created" in result.output
    assert course("tiny-course") is None and not (_instance / "media" / "tiny-course").exists()
    assert counts()[0] == before[0] + 1  # the good package next to it is written


def test_a_broken_edit_leaves_the_imported_course_as_it_was(runner, tiny):
    run(runner, tiny.parent)
    before = snapshot("tiny-course"), counts()
    edit(tiny / "01-intro.md", "三件事", "四件事")
    edit(tiny / "03-check.yaml", "pass_mark: 60", "pass_mark: 160")
    result = run(runner, tiny.parent)
    assert result.exit_code == 1
    assert "tiny-course/03-check.yaml:6: 'pass_mark' must be a whole number from 0 to 100, not 160" in result.output
    assert (snapshot("tiny-course"), counts()) == before


def test_the_same_slug_twice_fails_both(runner, tiny, tmp_path):
    other = tmp_path / "more" / "tiny-course"
    shutil.copytree(TINY, other)
    result = run(runner, tiny.parent, other.parent)
    assert result.exit_code == 1
    assert result.output.count("tiny-course/course.yaml: the slug 'tiny-course' is also used by") == 2
    assert counts()[0] == 0


def test_every_error_of_a_package_is_reported_at_once(tiny):
    edit(tiny / "course.yaml", "category: safety", "category: safty")
    edit(tiny / "course.yaml", "language: zh_CN", "language: fr")
    edit(tiny / "03-check.yaml", "pass_mark: 60", "pass_mark: yes")
    package, errors = read_package(tiny)
    assert package is None
    assert [(e.path, e.line) for e in errors] == [
        ("tiny-course/course.yaml", 4),
        ("tiny-course/course.yaml", 7),
        ("tiny-course/03-check.yaml", 6),
    ]


def test_a_yaml_scanner_error_points_at_the_line_to_fix(tiny):
    edit(tiny / "course.yaml", "hours: 0.75\n", "hours: 0.75\nthis line has no colon\n")
    _package, errors = read_package(tiny)
    assert [str(e).split(" ")[0] for e in errors] == ["tiny-course/course.yaml:10:"]


def test_a_bad_folder_name_is_not_a_slug(tmp_path):
    shutil.copytree(TINY, tmp_path / "Tiny_Course")
    _package, errors = read_package(tmp_path / "Tiny_Course")
    assert "is the course's slug" in errors[0].message


def test_an_empty_root_is_an_error(runner, tmp_path):
    result = runner.invoke(args=["courses", "import", str(tmp_path)])
    assert result.exit_code == 1 and "no course packages" in result.output
