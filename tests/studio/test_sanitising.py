"""Trainer HTML: every payload through the sanitiser, the editor, the preview, the importer
and the page a worker sees; nothing executable survives, and cleaning twice changes nothing."""

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from learnhub.catalog.models import Module, ModuleRevision
from learnhub.core.sanitize import TOO_DEEP, clean_html
from learnhub.extensions import db
from learnhub.studio import modules as authoring
from learnhub.studio import publishing
from tests.studio.xss import PAYLOADS, executable_parts

TINY = Path(__file__).resolve().parents[1] / "catalog" / "packages" / "tiny-course"


def _lesson(html):
    match = re.search(r'<div class="lesson"[^>]*>(.*?)</div>\s*</article>', html, re.S)
    assert match, "no lesson on the page"
    return match.group(1)


def test_there_are_at_least_thirty_payloads():
    assert len(PAYLOADS) >= 30


def test_the_inspector_catches_what_it_should():
    assert executable_parts("<img src=x onerror=alert(1)>") == ["img onerror="]
    assert executable_parts("<a href='jav&#x09;ascript:alert(1)'>x</a>")
    assert not executable_parts('<p><a href="https://example.org">ok</a> <img src="/media/x/y.png"></p>')


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_sanitiser_leaves_nothing_executable_and_is_idempotent(payload):
    removed = set()
    cleaned = clean_html(payload, removed)
    assert executable_parts(cleaned) == [], cleaned
    assert clean_html(cleaned) == cleaned
    if "<" in payload and cleaned != payload:
        assert removed  # the editor can say what it took out


def test_safe_html_survives_cleaning():
    html = (
        '<h2>标题</h2><p><strong>粗</strong> <em>斜</em> <a href="https://example.org" title="t">链接</a> '
        '<a href="mailto:a@example.org">信</a></p><ol start="2"><li>一</li></ol>'
        '<img src="/media/c/x.png" alt="图"><pre><code class="language-python">x = 1</code></pre>'
        '<table><thead><tr><th scope="col">甲</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>'
    )
    assert clean_html(html) == html


def test_ten_thousand_nested_elements_keep_only_their_text():
    removed = set()
    cleaned = clean_html("<div>" * 10_000 + "<b onclick=x>深</b>" + "</div>" * 10_000, removed)
    assert cleaned == "深" and TOO_DEEP in removed


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_through_the_editor_the_preview_and_the_workers_page(
    payload, client, auth, trainer, studio_course, make_user
):
    course = studio_course()
    auth.login("trainer1")
    body = f"## 正文\n\n{payload}\n\n结尾"
    preview = auth.post(f"/studio/{course.slug}/preview", {"body": body}).get_json()
    assert executable_parts(preview["html"]) == [], preview["html"]
    page = auth.post(
        f"/studio/{course.slug}/modules/why",
        {"title": "课文", "minutes": "5", "credits": "0", "body": body, "action": "preview"},
    )
    assert executable_parts(_lesson(page.get_data(as_text=True))) == []
    response = auth.post(
        f"/studio/{course.slug}/modules/why",
        {"title": "课文", "minutes": "5", "credits": "0", "body": body, "is_required": "y", "action": "save"},
    )
    assert response.status_code == 302
    revision = authoring.get_working_module(course, "why")[2]
    assert executable_parts(revision.body_html) == []
    assert clean_html(revision.body_html) == revision.body_html
    publishing.publish(trainer, course)
    db.session.commit()
    auth.logout()
    make_user("worker1", locale="en")
    db.session.commit()
    auth.login("worker1")
    auth.post(f"/courses/{course.slug}/enrol")
    html = client.get(f"/courses/{course.slug}/why").get_data(as_text=True)
    assert "<h2>正文</h2>" in html  # (an unclosed <style> or <textarea> rightly takes the rest)
    assert executable_parts(_lesson(html)) == []


def test_payloads_through_the_importer(runner, tmp_path):
    folder = tmp_path / "pkgs" / "tiny-course"
    shutil.copytree(TINY, folder)
    with (folder / "01-intro.md").open("a", encoding="utf-8") as file:
        file.write("\n\n" + "\n\n".join(PAYLOADS) + "\n")
    result = runner.invoke(args=["courses", "import", str(folder.parent)])
    assert result.exit_code == 0, result.output
    html = db.session.scalar(select(ModuleRevision.body_html).join(Module).where(Module.key == "intro"))
    assert "三件事" in html
    assert executable_parts(html) == [], html
    assert clean_html(html) == html
