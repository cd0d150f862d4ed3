"""Course packages (courses/<slug>/): read one folder, check every field, normalise; no database.

Every problem becomes a PackageError pointing at a file and line, so that a trainer can fix a
whole package in one pass; a package with any error yields no CoursePackage at all.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from markdown_it import MarkdownIt

from learnhub.catalog import questions as kinds
from learnhub.catalog.hours import current_rule, module_problem
from learnhub.catalog.models import CATEGORIES, DIFFICULTIES, LANGUAGES, QUESTION_KINDS
from learnhub.catalog.package_checks import (
    INVALID,
    Checker,
    PackageError,  # noqa: F401  (part of this module's interface)
    load_yaml,
)
from learnhub.core.sanitize import TOO_DEEP, clean_html
from learnhub.core.vocab import OCCUPATION_CODES, SKILL_LEVELS

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_NUMBER_PREFIX = re.compile(r"^\d+-")
# HTML inside Markdown is let through to the sanitiser, which keeps what is safe of it.
_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table")

COURSE_KEYS = (
    "title",
    "summary",
    "category",
    "occupation",
    "target_level",
    "language",
    "credits",
    "hours",
    "tags",
    "status",
    "modules",
)
LESSON_KEYS = ("title", "kind", "minutes", "credits", "required", "video")
REVEAL_POLICIES = ("passed", "last", "never")  # see catalog.models.ModuleRevision.reveal
QUIZ_KEYS = (
    "title",
    "kind",
    "minutes",
    "credits",
    "required",
    "pass_mark",
    "attempts",
    "reveal",
    "time_limit",
    "questions",
    "draw",
)
QUESTION_KEYS = ("type", "text", "choices", "explanation", "answer", "tolerance", "unit", "accept")
BANK_QUESTION_KEYS = ("id", "topic", "difficulty", *QUESTION_KEYS)
DRAW_KEYS = ("basic", "harder", "each_topic", "topics")
CHOICE_KEYS = ("text", "correct")
BANK_FILE = "bank.yaml"
MAX_BANK_QUESTIONS = 2000


@dataclass
class QuestionSpec:
    kind: str
    text: str
    explanation: str
    choices: list  # [(text, is_correct)]
    answer: dict | None = None  # number and short-answer questions (catalog.questions)
    # Bank questions only: the stable name, topic and difficulty.
    key: str = ""
    topic: str = ""
    difficulty: str = "basic"
    is_retired: bool = False

    def hashed(self):
        """What identifies the question's content (the answer only when it has one, as before it existed)."""
        return [self.kind, self.text, self.explanation, self.choices] + ([self.answer] if self.answer else [])


@dataclass
class ModuleSpec:
    key: str
    file: str
    kind: str
    title: str
    minutes: int
    credits: Decimal
    is_required: bool
    video: str | None = None
    body_source: str = ""
    body_html: str = ""
    pass_mark: int | None = None
    max_attempts: int | None = None
    reveal: str = "passed"
    questions: list = field(default_factory=list)
    draw: dict | None = None  # a paper drawn from the course's bank (catalog.questions.draw)
    time_limit: int | None = None  # minutes
    content_hash: str = ""

    @property
    def question_count(self):
        """The questions a learner answers: the quiz's own, or as many as its draw asks."""
        return kinds.rule_count(self.draw) if self.draw else len(self.questions)


@dataclass
class CoursePackage:
    slug: str
    folder: Path
    title: str
    summary: str
    category: str
    occupation: str
    target_level: str
    language: str
    credits: Decimal
    minutes: int
    tags: list
    status: str
    modules: list
    media: dict  # "media/x.mp4" -> sha256 of its bytes
    bank: list = field(default_factory=list)  # QuestionSpec of bank.yaml
    source_hash: str = ""


def module_key(file_name):
    """The module's stable key: its file name without extension and leading number."""
    return _NUMBER_PREFIX.sub("", Path(file_name).stem, count=1)


def read_package(folder, prefix=None):
    """Read and check the package in `folder`: (CoursePackage, []) or (None, errors).

    Error paths start with `prefix` (default "<slug>/"), so they read relative to the folder
    the user named.
    """
    folder = Path(folder)
    slug = folder.name
    prefix = f"{slug}/" if prefix is None else prefix
    errors = []
    c = Checker(errors, prefix + "course.yaml")
    if not SLUG.match(slug):
        c.error(
            None,
            f"the folder name '{slug}' is the course's slug and must be 2-80 lower-case "
            "letters, digits or '-', starting with a letter or digit",
        )
    data = _load_file(c, folder / "course.yaml")
    if data is None:
        return None, errors
    c.check_keys(data, COURSE_KEYS, "course.yaml")
    values = dict(
        title=c.text(data, "title", max_len=120, one_line=True),
        summary=c.text(data, "summary"),
        category=c.choice(data, "category", CATEGORIES),
        occupation=c.choice(
            data,
            "occupation",
            sorted(OCCUPATION_CODES) + ["all"],
            "all",
            hint="an occupation code from learnhub/core/vocab.py, or 'all'",
        ),
        target_level=c.choice(data, "target_level", [code for code, _ in SKILL_LEVELS], "none"),
        language=c.choice(data, "language", LANGUAGES, "zh_CN"),
        credits=c.decimal(data, "credits"),
        tags=c.tags(data, "tags"),
        status=c.choice(data, "status", ("published", "draft"), "published"),
    )
    rule = current_rule()
    hours = c.decimal(data, "hours")
    values["minutes"] = rule.xueshi_to_minutes(hours) if hours is not None else None
    media = _media_files(c, folder, prefix)
    bank = _read_bank(Checker(errors, prefix + BANK_FILE), folder / BANK_FILE)
    modules = _read_modules(errors, c, data, folder, prefix, media, rule)
    _check_draws(errors, prefix, modules, bank)
    total = sum((m.credits for m in modules if m.credits is not None), Decimal(0))
    if values["credits"] is not None and total > values["credits"]:
        c.error(
            data.key_lines.get("credits"),
            f"the modules' credits add up to {total}, more than the course's {values['credits']}",
        )
    _check_course_hours(c, data, values, modules, rule)
    if errors:
        return None, errors
    package = CoursePackage(slug=slug, folder=folder, modules=modules, media=media, bank=bank, **values)
    package.source_hash = _source_hash(package)
    return package, []


def _check_course_hours(c, data, values, modules, rule):
    """A course declares at most its modules' minutes, and at most the credits those earn (hours.py)."""
    minutes, credits = values["minutes"], values["credits"]
    content = sum(m.minutes or 0 for m in modules)
    if not rule.is_checked:
        return
    if minutes is not None and minutes > content:
        c.error(
            data.key_lines.get("hours"),
            f"'hours' is {minutes} minutes ({rule.minutes_per_xueshi} minutes a 学时), more than its modules' "
            f"{content} minutes; at most {rule.minutes_to_xueshi(content)}",
        )
    elif minutes is not None and credits is not None and credits > rule.max_credits(minutes):
        c.error(
            data.key_lines.get("credits"),
            f"'credits' is {credits}, more than {minutes} minutes earn under the rule of "
            f"{rule.minutes_per_credit} minutes a credit: at most {rule.max_credits(minutes)}",
        )


def _check_module_hours(c, data, module, rule):
    """A module declares at most 1.5 times what its content takes, and the credits its minutes earn."""
    found = module_problem(rule, module.kind, module.minutes, module.credits, module.body_source, module.question_count)
    if found is None:
        return
    field, values = found
    if field == "minutes":
        what = {"lesson": "its text takes", "quiz": "its questions take (one minute each)"}[module.kind]
        c.error(
            data.key_lines.get("minutes"),
            f"'minutes' is {values['minutes']}, but {what} {values['content']}; "
            f"declare at most {values['most']} (one and a half times)",
        )
    else:
        c.error(
            data.key_lines.get("credits"),
            f"'credits' is {values['credits']}, more than {values['minutes']} minutes earn under the rule of "
            f"{rule.minutes_per_credit} minutes a credit: at most {values['most']}",
        )


def _load_file(checker, path):
    """The YAML mapping in `path`, or None after reporting why there is none."""
    text = _read_text(checker, path)
    if text is None:
        return None
    data = load_yaml(checker, text)
    if data is None:
        checker.error(None, "the file is empty")
    elif data is not INVALID and not isinstance(data, dict):
        checker.error(1, "expected 'key: value' lines at the top of the file")
    return data if isinstance(data, dict) else None


def _read_text(checker, path):
    if not path.is_file():
        checker.error(None, "missing: the file does not exist")
        return None
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except OSError as error:
        checker.error(None, f"cannot be read: {error.strerror}")
        return None
    except UnicodeDecodeError as error:
        checker.error(data[: error.start].count(b"\n") + 1, "not UTF-8 text")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _inside(folder, path):
    # A symlink could point outside the package; only what really lives inside is read.
    return path.resolve().is_relative_to(folder.resolve())


def _media_files(checker, folder, prefix):
    media = {}
    root = folder / "media"
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            if any(part.startswith(".") for part in path.relative_to(root).parts) or path.is_dir():
                continue
            if not _inside(folder, path) or not path.is_file():
                Checker(checker.errors, prefix + rel).error(None, "not a file inside the package")
                continue
            with path.open("rb") as file:  # videos can be large: hash in chunks
                media[rel] = hashlib.file_digest(file, "sha256").hexdigest()
    return media


def _read_modules(errors, c, data, folder, prefix, media, rule):
    items = data.get("modules")
    if not isinstance(items, list) or not items:
        c.error(
            data.key_lines.get("modules", data.line), "'modules' must list the module files in order (at least one)"
        )
        return []
    modules, files, keys = [], set(), set()
    for name, line in zip(items, items.item_lines, strict=True):
        problem = _module_name_problem(name, files, keys)
        if problem:
            c.error(line, problem)
            continue
        key = module_key(name)
        files.add(name)
        keys.add(key)
        path = folder / name
        if not path.is_file() or not _inside(folder, path):
            c.error(line, f"module file '{name}' does not exist")
            continue
        checker = Checker(errors, prefix + name)
        reader = _read_lesson if name.endswith(".md") else _read_quiz
        module = reader(checker, path, key, media, rule)
        if module is not None:
            module.content_hash = content_hash(module)
            modules.append(module)
    return modules


def _module_name_problem(name, files, keys):
    """What is wrong with an entry of 'modules', or None (`files` and `keys`: those listed before it)."""
    if not isinstance(name, str) or not name.strip():
        return "each entry of 'modules' must be a file name"
    if "/" in name or "\\" in name or ".." in name or name.startswith("."):
        return f"'{name}' must be a plain file name in the course folder, without '/', '\\' or '..'"
    if not name.endswith((".md", ".yaml")):
        return f"'{name}': a module is a lesson (.md) or a quiz (.yaml)"
    key = module_key(name)
    if name in files:
        return f"'{name}' is listed twice"
    if not _KEY.match(key):
        return (
            f"'{name}': the module key '{key}' (the file name without number and extension) "
            "may hold only lower-case letters, digits and '-'"
        )
    if key in keys:
        return f"'{name}': another module already has the key '{key}'"
    return None


def _common(c, data, name, key, kinds):
    kind = c.choice(data, "kind", kinds)
    return ModuleSpec(
        key=key,
        file=name,
        kind=kind,
        title=c.text(data, "title", max_len=120, one_line=True),
        minutes=c.integer(data, "minutes", 0, 600),
        credits=c.decimal(data, "credits", Decimal("0.00")),
        is_required=c.boolean(data, "required", True),
    )


def _front_matter_end(c, lines):
    """The index of the line that closes a lesson's front matter, or None (reported)."""
    if lines[0].strip() != "---":
        c.error(
            1,
            "a lesson starts with a '---' line, its front matter (title, kind, minutes...), "
            "then another '---' line and the Markdown text",
        )
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        c.error(1, "the front matter opened on line 1 is never closed by a '---' line")
    return end


def _lesson_body(lines, end):
    """The Markdown after the front matter closed on line index `end`, without blank lines around
    it, and the file's line number of its first line."""
    body = lines[end + 1 :]
    first = end + 2
    while body and not body[0].strip():
        body, first = body[1:], first + 1
    while body and not body[-1].strip():
        body = body[:-1]
    return "\n".join(body), first


def _read_lesson(c, path, key, media, rule):
    text = _read_text(c, path)
    if text is None:
        return None
    lines = text.split("\n")
    end = _front_matter_end(c, lines)
    if end is None:
        return None
    front = Checker(c.errors, c.path, offset=1)  # the front matter's YAML starts on line 2
    data = load_yaml(front, "\n".join(lines[1:end]))
    if not isinstance(data, dict):
        if data is not INVALID:
            c.error(2, "the front matter must be 'key: value' lines (title, kind, minutes...)")
        return None
    front.check_keys(data, LESSON_KEYS, "a lesson's front matter")
    if data.get("kind") == "quiz":
        front.error(data.key_lines["kind"], "a quiz is a .yaml file, not a Markdown lesson")
        return None
    module = _common(front, data, path.name, key, ("lesson", "video"))
    if module.kind == "video":
        module.video = front.video(data, "video", media)
    elif "video" in data and module.kind:
        front.error(data.key_lines["video"], "'video' is only for modules of kind: video")
    module.body_source, first = _lesson_body(lines, end)
    if not module.body_source and module.kind == "lesson":
        c.error(end + 1, "the lesson has no text after its front matter")
    module.body_html = render_markdown(module.body_source, path.parent.name, c, first, media)
    _check_module_hours(front, data, module, rule)
    return module


def render_markdown(source, slug, checker=None, first_line=1, media=(), removed=None):
    """Markdown as sanitised HTML; with a checker, report bad headings and missing media.

    `removed`, a set, collects what the sanitiser took out (see core.sanitize.clean_html).
    """
    tokens = _MARKDOWN.parse(source)
    for token in tokens:
        line = first_line + token.map[0] if token.map else None
        if checker and token.type == "heading_open" and token.tag not in ("h2", "h3", "h4"):
            checker.error(
                line,
                f"headings go from ## to ####, not {'#' * int(token.tag[1])} "
                "(the lesson's title is its page's top heading)",
            )
        for child in token.children or ():
            attr = "src" if "src" in child.attrs else "href"
            ref = str(child.attrs.get(attr, ""))
            if ref.startswith("media/"):
                if checker and ref not in media:
                    checker.error(line, f"'{ref}' is not a file in the package's media/ folder")
                # Copied to <instance>/media/<slug>/ and served by catalog.media.
                child.attrs[attr] = f"/media/{slug}/{ref.removeprefix('media/')}"
    removed = set() if removed is None else removed
    html = clean_html(_MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {}), removed)
    if checker and TOO_DEEP in removed:
        checker.error(first_line, "the text nests its elements too deeply; only its words were kept")
    return html


def _read_quiz(c, path, key, media, rule):
    data = _load_file(c, path)
    if data is None:
        return None
    c.check_keys(data, QUIZ_KEYS, "a quiz")
    module = _common(c, data, path.name, key, ("quiz",))
    module.pass_mark = c.integer(data, "pass_mark", 0, 100)
    module.max_attempts = c.integer(data, "attempts", 0, 1000, 0)
    module.reveal = c.choice(data, "reveal", REVEAL_POLICIES, default="passed")
    module.time_limit = c.integer(data, "time_limit", 1, 600, None)
    if "draw" in data:
        if "questions" in data:
            c.error(
                data.key_lines["questions"],
                "a quiz either lists its 'questions' or draws them from the bank ('draw'), not both",
            )
        module.draw = _read_draw(c, data)
        _check_module_hours(c, data, module, rule)
        return module
    items = data.get("questions")
    if not isinstance(items, list) or not items:
        c.error(
            data.key_lines.get("questions", data.line),
            "'questions' must list at least one question (or 'draw' them from the course's bank.yaml)",
        )
        return module
    for number, (item, line) in enumerate(zip(items, items.item_lines, strict=True), 1):
        if not isinstance(item, dict):
            c.error(line, f"question {number} must be 'key: value' lines (type, text, choices, explanation)")
            continue
        module.questions.append(_read_question(c, item, number))
    _check_module_hours(c, data, module, rule)
    return module


def _read_question(c, data, number, keys=QUESTION_KEYS):
    where = f"question {number}"
    c.check_keys(data, keys, where)
    question = QuestionSpec(
        kind=c.choice(data, "type", tuple(QUESTION_KINDS)),
        text=c.text(data, "text"),
        explanation=c.text(data, "explanation"),
        choices=[],
    )
    if question.kind in ("number", "text"):
        _read_typed_answer(c, data, question, where)
        return question
    for key in ("answer", "tolerance", "unit", "accept"):
        if key in data and question.kind:
            c.error(data.key_lines[key], f"'{key}' is for questions of type number or text; {where} has choices")
    _read_choices(c, data, question, where)
    return question


def _read_choices(c, data, question, where):
    items = data.get("choices")
    if not isinstance(items, list) or len(items) < 2:
        c.error(data.key_lines.get("choices", data.line), f"{where} needs a list of at least two choices")
        return
    for item, line in zip(items, items.item_lines, strict=True):
        if not isinstance(item, dict):
            c.error(line, f"each choice of {where} must be 'text: ...' (and 'correct: true' if right)")
            continue
        c.check_keys(item, CHOICE_KEYS, f"a choice of {where}")
        text = c.text(item, "text")
        if text is not None and text in (t for t, _ in question.choices):
            c.error(line, f"{where} has the choice '{text}' twice")
        question.choices.append((text, c.boolean(item, "correct", False)))
    right = sum(1 for _, correct in question.choices if correct)
    if right == 0:
        c.error(data.line, f"{where} has no correct answer: mark one choice with 'correct: true'")
    elif right > 1 and question.kind in ("single", "true_false"):
        c.error(data.line, f"{where} is {question.kind} but has {right} correct answers; it needs exactly one")
    if question.kind == "true_false" and len(items) != 2:
        c.error(data.line, f"{where} is true_false and needs exactly two choices, not {len(items)}")


def _read_typed_answer(c, data, question, where):
    """The answer of a number question (answer, tolerance, unit) or a short answer (accept)."""
    if "choices" in data:
        c.error(data.key_lines["choices"], f"{where} is of type {question.kind}: it has no choices")
    if question.kind == "number":
        if "accept" in data:
            c.error(data.key_lines["accept"], f"{where} is a number: give 'answer' (and 'tolerance', 'unit')")
        value, line = data.get("answer"), data.key_lines.get("answer", data.line)
        tolerance = data.get("tolerance", 0)
        unit = data.get("unit", "")
        if not isinstance(unit, str) or len(unit) > 20:
            c.error(data.key_lines.get("unit", line), f"'unit' of {where} must be short text such as mm or V")
            unit = ""
        bad = lambda v: isinstance(v, bool) or not isinstance(v, (int, float, str))  # noqa: E731
        if value is None or bad(value) or bad(tolerance):
            c.error(line, f"{where} needs 'answer: <number>' (and optionally 'tolerance' and 'unit')")
            return
        try:
            question.answer = kinds.number_answer(str(value), str(tolerance), unit)
        except ValueError:
            c.error(line, f"'answer' and 'tolerance' of {where} must be numbers such as 3.5, not {value!r}")
        return
    for key in ("answer", "tolerance", "unit"):
        if key in data:
            c.error(data.key_lines[key], f"{where} is a short answer: list what is accepted under 'accept'")
    items = data.get("accept")
    if not isinstance(items, list) or not items or not all(isinstance(i, (str, int)) and str(i).strip() for i in items):
        c.error(
            data.key_lines.get("accept", data.line),
            f"{where} needs 'accept: [answer, another way of writing it, ...]' (text, at least one)",
        )
        return
    question.answer = kinds.text_answer(items)


def _read_draw(c, data):
    """A quiz's draw rule: {basic, harder, each_topic, topics}."""
    rule = data.get("draw")
    line = data.key_lines["draw"]
    if not isinstance(rule, dict):
        c.error(line, "'draw' must be 'basic: 6', 'harder: 4' (and optionally 'each_topic: true', 'topics: [...]')")
        return None
    c.check_keys(rule, DRAW_KEYS, "'draw'")
    basic = c.integer(rule, "basic", 0, 100, 0)
    harder = c.integer(rule, "harder", 0, 100, 0)
    if basic is None or harder is None:
        return None
    if basic + harder == 0:
        c.error(line, "'draw' asks for no questions: give 'basic' and/or 'harder' counts")
        return None
    draw = {"basic": basic, "harder": harder, "each_topic": bool(c.boolean(rule, "each_topic", False))}
    topics = rule.get("topics")
    if topics is not None:
        if not isinstance(topics, list) or not all(isinstance(t, str) and t.strip() for t in topics):
            c.error(
                rule.key_lines["topics"], "'topics' must be a list of the bank's topics, such as [触电急救, 漏电保护]"
            )
            return None
        draw["topics"] = sorted({t.strip() for t in topics})
    return draw


def _read_bank(c, path):
    """The questions of a course's bank.yaml ([] when there is none)."""
    if not path.is_file():
        return []
    data = _load_file(c, path)
    if data is None:
        return []
    c.check_keys(data, ("questions",), BANK_FILE)
    items = data.get("questions")
    if not isinstance(items, list) or not items:
        c.error(data.key_lines.get("questions", data.line), "'questions' must list the bank's questions")
        return []
    if len(items) > MAX_BANK_QUESTIONS:
        c.error(data.key_lines["questions"], f"a bank has at most {MAX_BANK_QUESTIONS} questions")
        return []
    bank, keys = [], {}
    for number, (item, line) in enumerate(zip(items, items.item_lines, strict=True), 1):
        if not isinstance(item, dict):
            c.error(line, f"question {number} must be 'key: value' lines (topic, difficulty, type, text...)")
            continue
        question = _read_question(c, item, number, BANK_QUESTION_KEYS)
        question.topic = c.text(item, "topic", max_len=80, one_line=True)
        question.difficulty = c.choice(item, "difficulty", tuple(DIFFICULTIES), "basic")
        key = item.get("id")
        if key is None:
            key = "q-" + _hash([question.kind, question.text])[:12]
        elif not isinstance(key, str) or not _KEY.match(key):
            c.error(item.key_lines["id"], f"'id' of question {number} has lower-case letters, digits and '-' only")
        if key in keys:
            c.error(
                line, f"question {number} has the same id as question {keys[key]} ('{key}'); give each its own 'id'"
            )
        keys[key] = number
        question.key = str(key)
        bank.append(question)
    return bank


def _check_draws(errors, prefix, modules, bank):
    """Every quiz that draws from the bank can be given a paper by it."""
    for module in modules:
        if not module.draw:
            continue
        c = Checker(errors, prefix + module.file)
        found = kinds.rule_problem(module.draw, bank)
        if found is None:
            continue
        key, numbers = found
        if not bank:
            c.error(None, f"the quiz draws from the course's bank, but the course has no {BANK_FILE}")
        elif key in ("basic", "harder"):
            c.error(
                None,
                f"'draw' asks for {numbers['want']} {key} questions, but the bank has {numbers['have']}"
                + (" in the topics asked" if module.draw.get("topics") else ""),
            )
        elif key == "topics":
            c.error(
                None,
                f"'draw' asks one question of each topic, but the bank has {numbers['topics']} topics "
                f"for {numbers['count']} questions",
            )


def bank_hash(question):
    """A hash of what a bank question asks: a changed question is a new one (catalog.importing)."""
    return _hash([question.topic, question.difficulty, *question.hashed()])


def content_hash(module):
    """A hash of what a learner sees in a module (not its position or whether it is required)."""
    return _hash(
        {
            "kind": module.kind,
            "title": module.title,
            "body": module.body_source,
            "video": module.video,
            "minutes": module.minutes,
            "credits": str(module.credits),
            "pass_mark": module.pass_mark,
            "attempts": module.max_attempts,
            "questions": [q.hashed() for q in module.questions],
            # Only a policy other than the default changes the hash: quizzes imported before it stay unchanged.
            **({"reveal": module.reveal} if module.reveal != "passed" else {}),
            **({"draw": module.draw} if module.draw else {}),
            **({"time_limit": module.time_limit} if module.time_limit else {}),
        }
    )


def _source_hash(package):
    # Of the normalised content, not the bytes: an export re-imports as unchanged.
    return _hash(
        {
            "course": [
                package.title,
                package.summary,
                package.category,
                package.occupation,
                package.target_level,
                package.language,
                str(package.credits),
                package.minutes,
                package.tags,
                package.status,
            ],
            "modules": [[m.key, m.is_required, m.content_hash] for m in package.modules],
            "media": package.media,
            # Only a package with a bank hashes one: packages from before banks stay unchanged.
            **({"bank": sorted([q.key, bank_hash(q)] for q in package.bank)} if package.bank else {}),
        }
    )


def _hash(value):
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
