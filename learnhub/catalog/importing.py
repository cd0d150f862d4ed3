"""Course packages in and out of the catalogue: `flask courses import` and `flask courses export`.

A module's content lives in numbered revisions that are never edited: quiz attempts and
progress point at them. A changed module gets a new revision; a dropped one is retired.
"""

import mimetypes
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from sqlalchemy import and_, func, select

from learnhub.catalog.hours import current_rule
from learnhub.catalog.models import BankChoice, BankQuestion, Choice, Course, Module, ModuleRevision, Question
from learnhub.catalog.package import BANK_FILE, PackageError, bank_hash, read_package
from learnhub.catalog.services import bank_questions, course_modules
from learnhub.core.storage import storage
from learnhub.extensions import db

_PACKAGE_FILES = (".md", ".yaml", ".yml")


@dataclass
class PackageResult:
    """What importing one package did: created, updated, unchanged or failed."""

    slug: str
    status: str = "unchanged"
    changes: list = field(default_factory=list)  # e.g. "lockout-tagout: revision 2"
    errors: list = field(default_factory=list)  # PackageError
    modules: int = 0


@dataclass
class ImportReport:
    """One PackageResult per package read."""

    packages: list = field(default_factory=list)

    @property
    def failed(self):
        """The results of the packages that were not written."""
        return [result for result in self.packages if result.status == "failed"]

    @property
    def errors(self):
        """Every error of every package, in the order found."""
        return [error for result in self.packages for error in result.errors]


def find_packages(root):
    """The package folders under `root`, or `root` itself when it is a package."""
    root = Path(root)
    if (root / "course.yaml").is_file():
        return [root]
    # A folder of lesson files without course.yaml is a broken package, not something to skip.
    return sorted(
        path
        for path in root.iterdir()
        if path.is_dir()
        and not path.name.startswith((".", "_"))
        and any(child.suffix in _PACKAGE_FILES for child in path.iterdir())
    )


def import_packages(*roots):
    """Check every package under the roots and write the valid ones (flush, no commit)."""
    folders = {}
    for root in roots:
        for folder in find_packages(root):
            folders.setdefault(folder.resolve(), folder)
    by_slug = defaultdict(list)
    for folder in folders.values():
        by_slug[folder.name].append(folder)

    report = ImportReport()
    for folder in folders.values():
        package, errors = read_package(folder)
        result = PackageResult(folder.name, errors=errors)
        for other in by_slug[folder.name]:
            if other is not folder:
                result.errors.append(
                    PackageError(
                        f"{folder.name}/course.yaml", None, f"the slug '{folder.name}' is also used by {other}"
                    )
                )
        if result.errors:
            result.status = "failed"
        else:
            _write_package(package, result)
        report.packages.append(result)
    return report


def _write_package(package, result):
    course = db.session.scalar(select(Course).where(Course.slug == package.slug))
    result.modules = len(package.modules)
    if course is not None and course.source_hash == package.source_hash:
        _note_media(result, _copy_media(package))
        return
    if course is None:
        course = Course(slug=package.slug)
        db.session.add(course)
        result.status = "created"
    values = dict(
        title=package.title,
        summary=package.summary,
        category=package.category,
        occupation=package.occupation,
        target_level=package.target_level,
        language=package.language,
        credits=package.credits,
        minutes=package.minutes,
        tags="|".join(package.tags),
        search_text=" ".join([package.title, package.summary, *package.tags]).lower(),
        status=package.status,
    )
    if any(getattr(course, name) != value for name, value in values.items()):
        result.changes.append("course details")
        for name, value in values.items():
            setattr(course, name, value)
    course.source_hash = package.source_hash
    db.session.flush()
    write_bank(course, package.bank, result.changes)
    _write_modules(course, package, result)
    _note_media(result, _copy_media(package))
    if result.status == "created":
        result.changes = []
    db.session.flush()


def _write_modules(course, package, result):
    existing = {m.key: m for m in db.session.scalars(select(Module).where(Module.course_id == course.id))}
    current = {
        r.module_id: r
        for r in db.session.scalars(
            select(ModuleRevision)
            .join(Module, and_(Module.id == ModuleRevision.module_id, Module.revision == ModuleRevision.revision))
            .where(Module.course_id == course.id)
        )
    }
    moved = False
    for position, spec in enumerate(package.modules, 1):
        module = existing.pop(spec.key, None)
        if module is None:
            module = Module(
                course_id=course.id,
                key=spec.key,
                kind=spec.kind,
                position=position,
                is_required=spec.is_required,
                revision=1,
            )
            db.session.add(module)
            db.session.flush()
            _add_revision(module, spec, 1)
            result.changes.append(f"{spec.key}: new")
            continue
        _update_module(module, spec, current.get(module.id), result)
        if module.position != position:
            module.position, moved = position, True
    for module in existing.values():
        if not module.is_retired:
            # Retired, not deleted: progress and quiz attempts on it stay explainable.
            module.is_retired = True
            result.changes.append(f"{module.key}: retired")
    if moved:
        result.changes.append("module order")
    if result.changes and result.status != "created":
        result.status = "updated"


def _update_module(module, spec, revision, result):
    """Bring an existing module up to its file: a new revision if its content changed."""
    if revision is None or revision.content_hash != spec.content_hash:
        # The highest number, not module.revision: numbers are never reused.
        latest = (
            db.session.scalar(select(func.max(ModuleRevision.revision)).where(ModuleRevision.module_id == module.id))
            or 0
        )
        _add_revision(module, spec, latest + 1)
        module.revision, module.kind = latest + 1, spec.kind
        result.changes.append(f"{spec.key}: revision {latest + 1}")
    if module.is_retired:
        module.is_retired = False
        result.changes.append(f"{spec.key}: back in the course")
    if module.is_required != spec.is_required:
        module.is_required = spec.is_required
        result.changes.append(f"{spec.key}: {'required' if spec.is_required else 'optional'}")


def _add_revision(module, spec, number):
    revision = ModuleRevision(
        module_id=module.id,
        revision=number,
        title=spec.title,
        body_source=spec.body_source,
        body_html=spec.body_html,
        video=spec.video,
        minutes=spec.minutes,
        credits=spec.credits,
        pass_mark=spec.pass_mark,
        reveal=spec.reveal,
        max_attempts=spec.max_attempts,
        draw=spec.draw,
        time_limit=spec.time_limit,
        content_hash=spec.content_hash,
        questions=[
            Question(
                position=qn,
                kind=q.kind,
                text=q.text,
                explanation=q.explanation,
                answer=q.answer,
                choices=[
                    Choice(position=cn, text=text, is_correct=correct)
                    for cn, (text, correct) in enumerate(q.choices, 1)
                ],
            )
            for qn, q in enumerate(spec.questions, 1)
        ],
    )
    db.session.add(revision)
    return revision


def write_bank(course, specs, changes):
    """Bring a course's bank up to `specs` (QuestionSpec with keys): unchanged questions stay,
    a changed one is retired and written anew (attempts keep what they asked), a missing one is retired.
    """
    live = {question.key: question for question in bank_questions(course.id)}
    counts = {"new": 0, "changed": 0, "retired": 0}
    for spec in specs:
        digest = bank_hash(spec)
        current = live.pop(spec.key, None)
        if current is not None and current.content_hash == digest:
            continue
        if current is not None:
            current.is_retired = True
        counts["changed" if current is not None else "new"] += 1
        db.session.add(new_bank_question(course, spec, digest))
    for question in live.values():
        question.is_retired = True
        counts["retired"] += 1
    if any(counts.values()):
        changes.append("bank: " + ", ".join(f"{n} {what}" for what, n in counts.items() if n))
    db.session.flush()
    return counts


def new_bank_question(course, spec, digest=None):
    """A BankQuestion row for a QuestionSpec (not yet added to the session)."""
    return BankQuestion(
        course_id=course.id,
        key=spec.key,
        topic=spec.topic,
        difficulty=spec.difficulty,
        kind=spec.kind,
        text=spec.text,
        explanation=spec.explanation,
        answer=spec.answer,
        content_hash=digest or bank_hash(spec),
        choices=[
            BankChoice(position=n, text=text, is_correct=correct) for n, (text, correct) in enumerate(spec.choices)
        ],
    )


def media_key(slug, name):
    """The storage key (core.storage) of a file of a course's media/ folder: media/<slug>/<name>."""
    return f"media/{slug}/{name}"


def _copy_media(package):
    files = storage()
    copied = []
    for name in package.media:
        source, dest = package.folder / name, media_key(package.slug, Path(name).relative_to("media").as_posix())
        if files.matches(dest, source):
            continue
        files.put_file(dest, source, mime=mimetypes.guess_type(name)[0])
        copied.append(name)
    return copied


def _note_media(result, copied):
    if copied and result.status != "created":
        result.changes.extend(f"{name}: copied" for name in copied)
        result.status = "updated"


# ---------------------------------------------------------------- export


def export_course(course, folder):
    """Write `course` as a package in `folder` that imports back to the same content."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = course_modules(course)
    names = []
    for number, (module, revision) in enumerate(rows, 1):
        name = f"{number:02d}-{module.key}.{'yaml' if module.kind == 'quiz' else 'md'}"
        (folder / name).write_text(_module_text(module, revision), encoding="utf-8")
        names.append(name)
    data = dict(
        title=course.title,
        summary=course.summary,
        category=course.category,
        occupation=course.occupation,
        target_level=course.target_level,
        language=course.language,
        credits=_number(course.credits),
        # 学时 with two places are always within half a minute, so the minutes come back exact.
        hours=_number(current_rule().minutes_to_xueshi(course.minutes)),
        tags=course.tag_list,
    )
    if course.status == "draft":
        data["status"] = "draft"
    data["modules"] = names
    (folder / "course.yaml").write_text(_dump(data), encoding="utf-8")
    bank = bank_questions(course.id)
    if bank:
        items = [dict(id=q.key, topic=q.topic, difficulty=q.difficulty, **_question_data(q)) for q in bank]
        (folder / BANK_FILE).write_text(_dump({"questions": items}), encoding="utf-8")
    files, prefix = storage(), media_key(course.slug, "")
    for key in files.keys(prefix):
        files.download(key, folder / "media" / key.removeprefix(prefix))
    return names


def _module_text(module, revision):
    data = dict(
        title=revision.title,
        kind=module.kind,
        minutes=revision.minutes,
        credits=_number(revision.credits),
        required=module.is_required,
    )
    if module.kind != "quiz":
        if revision.video:
            data["video"] = revision.video
        return f"---\n{_dump(data)}---\n\n{revision.body_source}\n"
    data.update(pass_mark=revision.pass_mark, attempts=revision.max_attempts or 0)
    if revision.reveal != "passed":
        data["reveal"] = revision.reveal
    if revision.time_limit:
        data["time_limit"] = revision.time_limit
    if revision.draw:
        data["draw"] = revision.draw
    else:
        data["questions"] = [_question_data(q) for q in revision.questions]
    return _dump(data)


def _question_data(q):
    """A question as a package writes it."""
    data = dict(type=q.kind, text=q.text)
    if q.kind == "number":
        data.update(answer=_number(q.answer["value"]), tolerance=_number(q.answer["tolerance"]))
        if q.answer.get("unit"):
            data["unit"] = q.answer["unit"]
    elif q.kind == "text":
        data["accept"] = list(q.answer["accepted"])
    else:
        data["choices"] = [dict(text=c.text, correct=True) if c.is_correct else dict(text=c.text) for c in q.choices]
    data["explanation"] = q.explanation
    return data


def _number(value):
    # YAML has no decimals: write 2 or 1.75, which read back through str() exactly.
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _dump(data):
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
