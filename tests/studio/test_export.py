"""A studio course exports as a course package that imports back identically."""

import io
import shutil
import zipfile

from PIL import Image
from sqlalchemy import select

from learnhub.catalog.models import Course
from learnhub.catalog.services import course_modules
from learnhub.extensions import db
from learnhub.studio import publishing
from learnhub.studio.media import store_upload


class _File:
    def __init__(self, data, filename):
        self.stream, self.filename = io.BytesIO(data), filename


def _png():
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 90, 200)).save(out, "PNG")
    return out.getvalue()


def _content(course):
    """What a learner gets from a course, with the course's own address taken out."""
    rows = []
    for module, revision in course_modules(course):
        rows.append(
            (
                module.key,
                module.kind,
                module.position,
                module.is_required,
                revision.title,
                revision.body_source,
                revision.body_html.replace(f"/media/{course.slug}/", "/media/*/"),
                revision.video,
                revision.minutes,
                revision.credits,
                revision.pass_mark,
                revision.max_attempts,
                revision.content_hash,
                [
                    (q.kind, q.text, q.explanation, [(c.text, c.is_correct) for c in q.choices])
                    for q in revision.questions
                ],
            )
        )
    fields = (
        "title",
        "summary",
        "category",
        "occupation",
        "target_level",
        "language",
        "credits",
        "minutes",
        "tags",
        "search_text",
        "status",
    )
    return {name: getattr(course, name) for name in fields}, rows


def test_export_then_import_gives_the_same_course(studio_course, trainer, runner, tmp_path):
    course = studio_course()
    upload = store_upload(trainer, course, _File(_png(), "示意图.png"))
    from learnhub.studio import modules as authoring

    authoring.save_lesson(
        trainer,
        course,
        "why",
        {
            "title": "为什么要交底",
            "minutes": "20",
            "credits": "0",
            "body": f"## 图\n\n![示意]({upload.path})\n\n<b>粗</b>",
            "is_required": "y",
        },
    )
    publishing.publish(trainer, course)
    before = _content(course)

    folder = tmp_path / "out" / course.slug
    publishing.export_working_copy(course, folder)
    assert (folder / upload.path).read_bytes() == (tmp_path / "instance" / "uploads" / upload.name).read_bytes()

    # Back into the same catalogue: nothing to change.
    result = runner.invoke(args=["courses", "import", str(folder)])
    assert result.exit_code == 0, result.output
    assert f"{course.slug}: unchanged" in result.output

    # Into a fresh slug: the same course, module for module.
    copy = tmp_path / "copy" / "shift-briefing-copy"
    shutil.copytree(folder, copy)
    result = runner.invoke(args=["courses", "import", str(copy)])
    assert result.exit_code == 0, result.output
    imported = db.session.scalar(select(Course).where(Course.slug == "shift-briefing-copy"))
    assert _content(imported) == before


def test_a_draft_exports_as_a_draft_package_from_the_studio(client, auth, studio_course, tmp_path):
    course = studio_course()
    auth.login("trainer1")
    response = client.get(f"/studio/{course.slug}/export")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = sorted(archive.namelist())
    assert names == [f"{course.slug}/01-why.md", f"{course.slug}/02-check.yaml", f"{course.slug}/course.yaml"]
    assert "status: draft" in archive.read(f"{course.slug}/course.yaml").decode()
    assert course_modules(course) == []  # exporting changed nothing
    assert course.status == "draft"
