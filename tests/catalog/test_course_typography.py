"""Chinese typography of the shipped courses: one style in every zh_CN package under courses/.

The rule, as courses/FORMAT.md states it ("Chinese text"):

- Chinese prose takes full-width punctuation: “” for quotes, ，：；？！ and （） around Chinese words.
  An ASCII " , : ; ? ! ( ) or ' right next to a Chinese character is a mistake.
- No space before or after Chinese punctuation.
- No space between a Chinese character and Latin letters or Arabic numerals: 第7部分, 5米, 用G01,
  N线. A number keeps its space before a Latin unit symbol (30 mA, 220 V), as GB 3101 writes it.

Only prose is checked: the Markdown text outside code, and the strings of the YAML (front matter,
course.yaml, quizzes) after parsing, so YAML syntax (key: value, [a, b], "12333") is not prose, while
a space that folding a multi-line summary puts after a Chinese comma is.
"""

import re
from pathlib import Path

import pytest
import yaml

from learnhub.catalog.package import read_package

COURSES = Path(__file__).resolve().parents[2] / "courses"

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Chinese characters (CJK ideographs)
PUNCT = "，。、；：？！“”‘’（）《》〈〉【】「」…—～"  # Chinese (full-width) punctuation
LATIN = r"A-Za-z0-9%Ω℃°+()\-"  # letters, numerals, signs, and the symbols written with them
RULES = (
    (
        re.compile(f"(?<=[{HAN}])[,:;?!()']|[,:;?!()'](?=[{HAN}])"),
        "ASCII punctuation next to a Chinese character (use ，：；？！（）)",
    ),
    (re.compile(f"[ \t\u3000]+(?=[{PUNCT}])|(?<=[{PUNCT}])[ \t\u3000]+"), "a space next to Chinese punctuation"),
    (
        re.compile(f"(?<=[{HAN}])[ \t\u3000]+(?=[{LATIN}])|(?<=[{LATIN}])[ \t\u3000]+(?=[{HAN}])"),
        "a space between a Chinese character and Latin letters or numerals",
    ),
    (
        re.compile(f"(?<=[{HAN}])[ \t]+(?=[{HAN}])"),
        "a space between Chinese characters (the parts of a standard's title take a full-width space)",
    ),
)
_HAS_HAN = re.compile(f"[{HAN}]")
_QUOTE = "an ASCII double quote in Chinese text (use “…”)"
# Markdown's own marks at the start of a line: list items, headings, quotes.
_BLOCK_MARKS = re.compile(r"^\s*(?:(?:[-*+]|\d+[.)])\s+|#{1,6}\s+|>\s?)*")
_INLINE_CODE = re.compile(r"`+[^`]*`+")
_FENCE = re.compile(r"^\s*(```|~~~)")


def problems_in_text(text):
    """(offset, message, excerpt) for every break of the rule in one piece of prose."""
    found = (
        [(match.start(), _QUOTE, _excerpt(text, match)) for match in re.finditer('"', text)]
        if _HAS_HAN.search(text)
        else []
    )
    for pattern, message in RULES:
        for match in pattern.finditer(text):
            found.append((match.start(), message, _excerpt(text, match)))
    return sorted(found)


def _excerpt(text, match):
    return text[max(0, match.start() - 8) : match.end() + 8].replace("\n", " ")


def _yaml_strings(text):
    """Every string value (not key) in a YAML document, as composed nodes that know where they are."""
    stack = [yaml.compose(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            stack.extend(value for _, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.ScalarNode):
            yield node


def _line_in_yaml(text, node, index):
    """The 1-based line of `text` that holds character `index` of the node's value.

    A folded or quoted scalar is not its source: walk the source, matching the value's characters
    in order (a space of the value may be a line break of the source).
    """
    position = node.start_mark.index
    for char in node.value[: index + 1]:
        while position < node.end_mark.index and not (
            text[position] == char or (char in " \n" and text[position] in " \n")
        ):
            position += 1
    return text.count("\n", 0, position) + 1


def check_yaml(text, first_line=1):
    """(line, message, excerpt) for the prose in a YAML document that starts at `first_line`."""
    found = []
    for node in _yaml_strings(text):
        for offset, message, excerpt in problems_in_text(node.value):
            found.append((_line_in_yaml(text, node, offset) + first_line - 1, message, excerpt))
    return found


def check_markdown(text, first_line=1):
    """(line, message, excerpt) for the prose of a Markdown text, skipping code."""
    found, in_code = [], False
    for number, line in enumerate(text.split("\n"), first_line):
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:
            continue
        prose = _INLINE_CODE.sub("C", _BLOCK_MARKS.sub("", line, count=1))
        found.extend((number, message, excerpt) for _, message, excerpt in problems_in_text(prose))
    return found


def check_file(path):
    """(line, message, excerpt) for one file of a package."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".yaml":
        return check_yaml(text)
    lines = text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    return check_yaml("\n".join(lines[1:end]), first_line=2) + check_markdown("\n".join(lines[end + 1 :]), end + 2)


def chinese_packages():
    return sorted(
        folder
        for folder in COURSES.iterdir()
        if (folder / "course.yaml").is_file()
        and yaml.safe_load((folder / "course.yaml").read_text(encoding="utf-8")).get("language") == "zh_CN"
    )


def test_there_are_chinese_courses_to_check():
    assert len(chinese_packages()) >= 8


@pytest.mark.parametrize("folder", chinese_packages(), ids=lambda folder: folder.name)
def test_chinese_course_follows_the_typography_rule(folder):
    report = [
        f"courses/{folder.name}/{path.name}:{line}: {message}: …{excerpt}…"
        for path in sorted(folder.iterdir())
        if path.suffix in (".md", ".yaml")
        for line, message, excerpt in sorted(check_file(path))
    ]
    assert not report, f"{len(report)} typography problems:\n" + "\n".join(report)


@pytest.mark.parametrize("folder", chinese_packages(), ids=lambda folder: folder.name)
def test_emphasis_next_to_chinese_text_renders(folder):
    """Markdown only sees ** as bold where its flanking rules allow; a stray ** would show as is."""
    package, errors = read_package(folder)
    assert not errors
    stray = [module.file for module in package.modules if "**" in module.body_html]
    assert not stray, f"literal ** in the rendered text of {stray}"


# ---------------------------------------------------------------- the checker itself


@pytest.mark.parametrize(
    "bad",
    [
        '按"OFFSET"键',
        "注意:先断电",
        "电流,电压",
        "（多选)",
        "(多选）",
        "是吗?",
        "停电， 验电",
        "停电 ，验电",
        "“危险” 和",
        "停电 验电",
        "是 +Z",
        "答案是 (40 - 34) ÷ 2",
        "第 7 部分",
        "5 米",
        "用 G01 切削",
        "30 mA 的电流",
        "约 16 mA",
        "19.5% 以上",
    ],
)
def test_the_checker_finds_each_kind_of_mistake(bad):
    assert problems_in_text(bad), bad


@pytest.mark.parametrize(
    "good",
    [
        "按“OFFSET”键",
        "注意：先断电",
        "第7部分",
        "5米",
        "用G01切削",
        "30 mA的电流",
        "约16 mA",
        "(50 - 38.52) ÷ 2 ≈ 5.7 mm",
        "G00 X50. Z5.",
        "GB/T 3805-2008《特低电压（ELV）限值》",
        "停电→验电",
        "《机械安全\u3000危险能量控制方法》",
        'He said "stop", then left.',
    ],
)
def test_the_checker_leaves_correct_text_alone(good):
    assert not problems_in_text(good), good


def test_yaml_syntax_is_not_prose_but_a_folded_line_is():
    text = 'tags: [用电安全, "12333"]\nsummary: >-\n  先断电，\n  再验电。\nquestions:\n  - text: 正确\n'
    assert check_yaml(text) == [(3, "a space next to Chinese punctuation", "先断电， 再验电。")]


def test_markdown_code_and_list_marks_are_not_prose():
    text = '- “危险”比“警告”严重\n\n```\nG00 X42. Z2.; (注释)\n```\n\n用 `G01 "X"` 切削'
    assert check_markdown(text, first_line=10) == [
        (16, "a space between a Chinese character and Latin letters or numerals", "用 C 切削"),
        (16, "a space between a Chinese character and Latin letters or numerals", "用 C 切削"),
    ]


def test_the_chinese_interface_follows_the_typography_rule():
    """The Chinese catalogue of the interface keeps the courses' style (issue 17)."""
    from babel.messages.pofile import read_po

    po = COURSES.parent / "learnhub" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalogue = read_po(fh, locale="zh_CN")
    report = [
        f"{message.id!r}: {problem}: …{excerpt}…"
        for message in catalogue
        if message.id
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
        for _offset, problem, excerpt in problems_in_text(text)
    ]
    assert not report, f"{len(report)} typography problems:\n" + "\n".join(report)
