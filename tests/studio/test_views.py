import re

import pytest
from sqlalchemy import select

from learnhub.catalog.services import course_modules
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.studio import publishing
from learnhub.studio.models import CourseDraft
from tests.conftest import quiz_answers
from tests.studio.conftest import DETAILS


@pytest.fixture
def signed_in(trainer, auth):
    auth.login("trainer1")
    return trainer


def test_the_studio_is_in_the_menu_for_trainers_and_admins_only(client, auth, make_user, signed_in):
    assert 'href="/studio/"' in client.get("/").get_data(as_text=True)
    assert client.get("/studio/").status_code == 200
    auth.logout()
    make_user("worker1", locale="en")
    auth.login("worker1")
    assert 'href="/studio/"' not in client.get("/").get_data(as_text=True)
    assert client.get("/studio/").status_code == 404


def test_trainer_builds_and_publishes_a_course_in_the_browser(client, auth, signed_in, make_user):
    # Paying no credits and for the trainer's own union: it goes live without review.
    details = {**DETAILS, "slug": "fire-drill", "title": "消防演练", "audience": str(signed_in.org_id)}
    response = auth.post("/studio/new", details)
    assert response.status_code == 302 and response.headers["Location"].endswith("/studio/fire-drill/")
    assert "消防演练" in client.get("/studio/").get_data(as_text=True)
    assert "Your courses" in client.get("/").get_data(as_text=True)  # the home section

    response = auth.post("/studio/fire-drill/modules", {"kind": "lesson", "title": "报警", "key": "alarm"})
    assert response.headers["Location"].endswith("/studio/fire-drill/modules/alarm")
    body = "## 先报警\n\n拨打 **119**。<script>alert(1)</script>"
    page = auth.post(
        "/studio/fire-drill/modules/alarm",
        {"title": "报警", "minutes": "15", "credits": "0", "body": body, "is_required": "y", "action": "preview"},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h2>先报警</h2>" in html and "&lt;script&gt;" in html  # the report
    assert "Removed because lessons may not contain it" in html
    assert db.session.scalar(select(CourseDraft.title).join_from(CourseDraft, CourseDraft.course)) == "消防演练"
    response = auth.post(
        "/studio/fire-drill/modules/alarm",
        {"title": "报警", "minutes": "15", "credits": "0", "body": body, "is_required": "y", "action": "save"},
    )
    assert response.status_code == 302
    saved = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved in the draft." in saved and "&lt;script&gt;" in saved

    auth.post("/studio/fire-drill/modules", {"kind": "quiz", "title": "小测", "key": "quiz"})
    response = auth.post(
        "/studio/fire-drill/modules/quiz/questions/new",
        {
            "kind": "single",
            "text": "火警电话是？",
            "choice1": "119",
            "correct1": "y",
            "choice2": "110",
            "explanation": "119 是火警。",
        },
    )
    assert response.status_code == 302
    assert "火警电话是？" in client.get("/studio/fire-drill/modules/quiz").get_data(as_text=True)

    assert "Publish" in client.get("/studio/fire-drill/").get_data(as_text=True)
    response = auth.post("/studio/fire-drill/publish")
    assert "Published (version 1)" in client.get(response.headers["Location"]).get_data(as_text=True)

    # A worker takes it and the trainer sees the progress.
    auth.logout()
    worker = make_user("worker1", locale="en")
    auth.login("worker1")
    assert "消防演练" in client.get("/courses/").get_data(as_text=True)
    auth.post("/courses/fire-drill/enrol")
    assert "拨打" in client.get("/courses/fire-drill/alarm").get_data(as_text=True)
    auth.post("/courses/fire-drill/alarm/done")
    revision = dict(
        (m.key, r) for m, r in course_modules(db.session.scalar(select(CourseDraft).join(CourseDraft.course)).course)
    )["quiz"]
    auth.post("/courses/fire-drill/quiz/quiz", quiz_answers(revision, right=False))
    auth.logout()
    auth.login("trainer1")
    page = client.get("/studio/fire-drill/learners").get_data(as_text=True)
    assert worker.name in page and "火警电话是？" in page  # item analysis: answered wrong
    csv = client.get("/studio/fire-drill/learners.csv")
    assert csv.mimetype == "text/csv" and worker.name in csv.get_data(as_text=True)


def test_preview_works_without_saving_and_keeps_the_text(client, auth, signed_in, studio_course):
    course = studio_course()
    page = auth.post(
        f"/studio/{course.slug}/modules/why",
        {"title": "为什么要交底", "minutes": "20", "credits": "0", "body": "## 草稿中的新段落", "action": "preview"},
    )
    assert "草稿中的新段落" in page.get_data(as_text=True)
    revision = [
        r
        for _d, m, r in __import__("learnhub.studio.services", fromlist=["x"]).working_modules(course)
        if m.key == "why"
    ][0]
    assert "草稿中的新段落" not in revision.body_source


def test_live_preview_answers_json(client, auth, signed_in, studio_course):
    course = studio_course()
    data = auth.post(f"/studio/{course.slug}/preview", {"body": "**粗体** <img src=x onerror=alert(1)>"}).get_json()
    assert "<strong>粗体</strong>" in data["html"] and "onerror" not in data["html"]
    assert "onerror=" in data["removed"]


def test_bad_lesson_input_gets_a_clear_message_and_keeps_the_text(client, auth, signed_in, studio_course, app):
    course = studio_course()
    huge = "安" * 1_000_000
    page = auth.post(
        f"/studio/{course.slug}/modules/why",
        {"title": "x", "minutes": "1", "credits": "0", "body": huge, "action": "save"},
    )
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "1,000,000 characters" in text and huge in text
    for depth in (10_000, 300):  # 10,000 levels are also too long; 300 fit, but nest too deep
        nested = "<div>" * depth + "深" + "</div>" * depth
        page = auth.post(
            f"/studio/{course.slug}/modules/why",
            {"title": "x", "minutes": "1", "credits": "0", "body": nested, "action": "save"},
        )
        assert page.status_code == 400
        assert ("nests more than" if depth == 300 else "a lesson has at most") in page.get_data(as_text=True)
    page = auth.post(
        f"/studio/{course.slug}/modules/why",
        {"title": "安全\u202e交底", "minutes": "1", "credits": "0", "body": "正文", "action": "save"},
    )
    assert page.status_code == 400 and "invisible characters" in page.get_data(as_text=True)
    page = auth.post(
        f"/studio/{course.slug}/modules/why",
        {"title": "x", "minutes": "1", "credits": "0", "body": "# 一级标题", "action": "save"},
    )
    assert "Line 1: use headings ## to ####" in page.get_data(as_text=True)


def test_everyone_else_gets_404(client, auth, studio_course, make_user, tree):
    course = studio_course()
    pages = [
        f"/studio/{course.slug}/",
        f"/studio/{course.slug}/details",
        f"/studio/{course.slug}/modules/why",
        f"/studio/{course.slug}/media/",
        f"/studio/{course.slug}/history",
        f"/studio/{course.slug}/learners",
        f"/studio/{course.slug}/learners.csv",
        f"/studio/{course.slug}/export",
        f"/studio/{course.slug}/editors",
        f"/courses/{course.slug}",
    ]
    make_user("other1", role="trainer", org=tree.prov_a, locale="en")
    auth.login("other1")
    for url in pages:
        assert client.get(url).status_code == 404, url
    assert auth.post(f"/studio/{course.slug}/publish").status_code == 404
    assert course.status == "draft"
    auth.logout()
    make_user("admin1", role="admin", org=tree.national, locale="en")
    auth.login("admin1")
    for url in pages[:-1]:
        assert client.get(url).status_code == 200, url


def test_co_trainers_are_added_by_username(client, auth, signed_in, studio_course, make_user, tree):
    course = studio_course()
    make_user("co1", role="trainer", org=tree.ent_b1, locale="en", name="李师傅")
    response = auth.post(f"/studio/{course.slug}/editors", {"username": "co1"})
    assert "李师傅 can now edit this course." in client.get(response.headers["Location"]).get_data(as_text=True)
    page = auth.post(f"/studio/{course.slug}/editors", {"username": "nobody"})
    assert page.status_code == 400 and "No trainer has this username." in page.get_data(as_text=True)
    auth.logout()
    auth.login("co1")
    assert client.get(f"/studio/{course.slug}/").status_code == 200


def test_publishing_keeps_learners_progress(client, auth, signed_in, studio_course, make_user):
    course = studio_course()
    publishing.publish(signed_in, course)
    worker = make_user("worker1", locale="en")
    learning.enrol(worker, course)
    module, revision = [(m, r) for m, r in course_modules(course) if m.key == "why"][0]
    learning.complete_module(worker, course, module, revision)
    auth.post(
        f"/studio/{course.slug}/modules/why",
        {
            "title": "新标题",
            "minutes": "20",
            "credits": "0",
            "body": "新的正文",
            "is_required": "y",
            "action": "save",
        },
    )
    page = client.get(f"/studio/{course.slug}/").get_data(as_text=True)
    assert "changed, not yet published" in page and "Unpublished changes" in page
    auth.post(f"/studio/{course.slug}/publish")
    auth.logout()
    auth.login("worker1")
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "新标题" in page and "1 of 2 modules done" in page


def test_history_says_who_and_when(client, auth, signed_in, studio_course):
    course = studio_course()
    auth.post(f"/studio/{course.slug}/publish")
    page = client.get(f"/studio/{course.slug}/history").get_data(as_text=True)
    assert "Published" in page and "version 1" in page and "周老师" in page and "Created the course" in page


def test_reorder_and_remove_from_the_course_page(client, auth, signed_in, studio_course):
    course = studio_course()
    auth.post(f"/studio/{course.slug}/modules/check/move", {"to": "up"})
    page = client.get(f"/studio/{course.slug}/").get_data(as_text=True)
    assert page.index("小测验") < page.index("为什么要交底")
    auth.post(f"/studio/{course.slug}/modules/check/remove")
    assert "小测验" not in client.get(f"/studio/{course.slug}/").get_data(as_text=True)


def test_quiz_editor_edits_moves_and_deletes_questions(client, auth, signed_in, studio_course):
    course = studio_course()
    base = f"/studio/{course.slug}/modules/check"
    form = client.get(f"{base}/questions/1").get_data(as_text=True)
    assert 'value="开工前"' in form and re.search(r'name="correct1"[^>]*checked|checked[^>]*name="correct1"', form)
    page = auth.post(
        f"{base}/questions/1",
        {"kind": "single", "text": "改过的问题", "choice1": "甲", "correct1": "y", "choice2": "乙", "explanation": ""},
    )
    assert page.status_code == 400 and "Explain the right answer" in page.get_data(as_text=True)
    auth.post(f"{base}/questions/2/up")
    page = client.get(base).get_data(as_text=True)
    assert page.index("交底要讲哪些？") < page.index("交底在什么时候做？")
    auth.post(f"{base}/questions/1/delete")
    assert "交底要讲哪些？" not in client.get(base).get_data(as_text=True)
    assert client.get(f"{base}/questions/9").status_code == 404
    page = auth.post(base, {"title": "小测验", "minutes": "10", "credits": "0", "pass_mark": "120", "attempts": "3"})
    assert page.status_code == 400 and "percentage from 0 to 100" in page.get_data(as_text=True)


def test_learners_filter_by_union_and_its_subtree(client, auth, signed_in, studio_course, make_user, tree):
    course = studio_course()
    publishing.publish(signed_in, course)
    for username, org in (("wa", tree.ent_a1), ("wb", tree.ent_b1)):
        learning.enrol(make_user(username, org=org, name=f"学员{username}"), course)
    db.session.commit()
    page = client.get(f"/studio/{course.slug}/learners?org={tree.city_a.id}").get_data(as_text=True)
    assert "学员wa" in page and "学员wb" not in page
    assert f'value="{tree.prov_a.id}"' in page  # a union above a learner's can be chosen too
    assert f'value="{tree.ent_b1.id}"' not in page  # but none outside the trainer's reach
    csv = client.get(f"/studio/{course.slug}/learners.csv?org={tree.city_a.id}").get_data(as_text=True)
    assert "学员wa" in csv and "学员wb" not in csv and csv.startswith("\ufeff")


def test_learners_outside_the_viewers_reach_are_only_counted(client, auth, signed_in, studio_course, make_user, tree):
    # The trainer keeps 甲省 (prov_a); a worker of 乙省 takes the course too.
    course = studio_course()
    publishing.publish(signed_in, course)
    for username, org in (("wa", tree.ent_a1), ("wb", tree.ent_b1)):
        learning.enrol(make_user(username, org=org, name=f"学员{username}"), course)
    db.session.commit()
    for query in ("", f"?org={tree.prov_b.id}", f"?org={tree.national.id}"):
        page = client.get(f"/studio/{course.slug}/learners{query}").get_data(as_text=True)
        csv = client.get(f"/studio/{course.slug}/learners.csv{query}").get_data(as_text=True)
        for text in (page, csv):
            assert "学员wb" not in text and tree.ent_b1.name not in text
    page = client.get(f"/studio/{course.slug}/learners").get_data(as_text=True)
    assert "学员wa" in page and 'class="big">2<' in page  # counted among the enrolled
    assert "1 learner in unions outside yours" in page


def test_the_learners_page_says_what_each_average_averages(client, signed_in, studio_course, make_user):
    course = studio_course()
    publishing.publish(signed_in, course)
    quiz, revision = dict((m.key, (m, r)) for m, r in course_modules(course))["check"]
    for username, tries in (("wa", (False, True)), ("wb", (True,))):
        worker = make_user(username, name=f"学员{username}")
        learning.enrol(worker, course)
        for right in tries:
            answers = {key[1:]: picked for key, picked in quiz_answers(revision, right=right).items()}
            learning.submit_quiz(worker, course, quiz, revision, answers)
    db.session.commit()
    page = client.get(f"/studio/{course.slug}/learners").get_data(as_text=True)
    module_row = re.search(r"<td class=\"wrap\">小测验</td>.*?</tr>", page, re.S).group(0)
    best, attempts = re.findall(r'<td class="num">(\d+)%<br><span class="meta">([^<]*)</span>', module_row)
    # One failed attempt (0%) and two passed (100%): 67% of three attempts; each learner's best
    # is 100%, and the average of the learners' rows is the module's average of best scores.
    assert best == ("100", "of 2 learners") and attempts == ("67", "of 3 attempts")
    learner_scores = re.findall(r'<td class="num">(\d+)%<br><span class="meta">([^<]*)</span></td><td>', page)
    assert learner_scores == [("100", "over 1 of 1 quizzes")] * 2
    assert sum(int(score) for score, _n in learner_scores) / len(learner_scores) == int(best[0])
