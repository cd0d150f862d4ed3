import pytest

from learnhub.catalog.services import course_modules
from learnhub.credits.models import LedgerEntry
from learnhub.extensions import db
from tests.conftest import count_queries, quiz_answers


@pytest.fixture
def learner(make_user, auth):
    user = make_user("worker1")
    auth.login("worker1")
    return user


def _revision(course, key):
    return {m.key: r for m, r in course_modules(course)}[key]


def test_worker_learns_a_course_end_to_end(client, auth, learner, make_course):
    course = make_course("fire-safety", title="消防安全")
    page = client.get("/courses/fire-safety").get_data(as_text=True)
    assert "消防安全" in page and "开始学习" in page
    response = auth.post("/courses/fire-safety/enrol", {}, headers={"Accept-Language": "zh-CN"})
    assert response.headers["Location"].endswith("/courses/fire-safety/intro")
    assert "正文" in client.get("/courses/fire-safety/intro").get_data(as_text=True)
    response = auth.post("/courses/fire-safety/intro/done")
    assert response.headers["Location"].endswith("/courses/fire-safety/check")
    quiz_page = client.get("/courses/fire-safety/check").get_data(as_text=True)
    assert 'type="radio"' in quiz_page and 'type="checkbox"' in quiz_page
    response = auth.post("/courses/fire-safety/check/quiz", quiz_answers(_revision(course, "check")))
    assert "/attempts/" in response.headers["Location"]
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "本次得分100分，已通过。" in result and "因为甲对。" in result
    completed = client.get("/courses/fire-safety/complete").get_data(as_text=True)
    assert "消防安全" in completed and "1.5" in completed
    record = client.get("/me/record").get_data(as_text=True)
    assert "1.5" in record and "单元 intro" in record


def test_quiz_page_never_sends_the_answers(client, auth, learner, make_course):
    course = make_course()
    auth.post(f"/courses/{course.slug}/enrol")
    html = client.get(f"/courses/{course.slug}/check").get_data(as_text=True)
    assert "is_correct" not in html and "因为甲对" not in html and "✓" not in html
    assert "data-correct" not in html


@pytest.mark.parametrize("policy", ["passed", "last", "never"])
def test_a_failed_attempt_shows_what_was_wrong_and_never_the_answers_before_the_policy_allows(
    client, auth, learner, make_course, policy
):
    course = make_course(max_attempts=2)
    _revision(course, "check").reveal = policy
    auth.post(f"/courses/{course.slug}/enrol")
    wrong = quiz_answers(_revision(course, "check"), right=False)
    first = client.get(auth.post(f"/courses/{course.slug}/check/quiz", wrong).headers["Location"])
    page = first.get_data(as_text=True)
    assert 'class="wrong"' in page and "✓" not in page and "因为甲对。" not in page  # the explanation gives it away
    last = client.get(auth.post(f"/courses/{course.slug}/check/quiz", wrong).headers["Location"])
    shown = "✓" in last.get_data(as_text=True) and "因为甲对。" in last.get_data(as_text=True)
    assert shown == (policy == "last")
    again = auth.post(f"/courses/{course.slug}/check/quiz", quiz_answers(_revision(course, "check")))
    assert again.status_code == 400  # no attempt left: refused, on the module's own page
    assert db.session.scalar(db.select(db.func.count()).select_from(LedgerEntry)) == 0


def test_a_passed_attempt_shows_the_answers_and_explanations_under_the_default(client, auth, learner, make_course):
    course = make_course()
    auth.post(f"/courses/{course.slug}/enrol")
    passed = client.get(
        auth.post(f"/courses/{course.slug}/check/quiz", quiz_answers(_revision(course, "check"))).headers["Location"]
    )
    assert "✓" in passed.get_data(as_text=True) and "因为甲对。" in passed.get_data(as_text=True)


def test_tampered_quiz_post_is_refused_with_a_message(client, auth, learner, make_course):
    course = make_course()
    auth.post(f"/courses/{course.slug}/enrol")
    answers = quiz_answers(_revision(course, "check"))
    first_key = next(iter(answers))
    answers[first_key] = ["99999999"]
    response = auth.post(f"/courses/{course.slug}/check/quiz", answers)
    assert response.status_code == 400 and "重新" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(LedgerEntry)) == 0


def test_progress_without_enrolment_is_refused(client, auth, learner, make_course):
    course = make_course()
    assert client.get(f"/courses/{course.slug}/intro").status_code == 302  # to the course page
    assert auth.post(f"/courses/{course.slug}/intro/done").status_code == 404
    assert auth.post(f"/courses/{course.slug}/check/quiz", quiz_answers(_revision(course, "check"))).status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(LedgerEntry)) == 0


def test_hidden_courses_and_foreign_modules_are_404(client, auth, learner, make_course, tree):
    make_course("draft-course", status="draft")
    make_course("for-others", audience_org_id=tree.prov_b.id)
    make_course("mine", audience_org_id=tree.prov_a.id)
    make_course("other", modules=(("elsewhere", "lesson", "1", 5),))
    for url in (
        "/courses/draft-course",
        "/courses/for-others",
        "/courses/nope",
        "/courses/mine/elsewhere",
        "/courses/other/intro",
    ):
        assert client.get(url).status_code in (404, 302), url
    assert client.get("/courses/draft-course").status_code == 404
    assert client.get("/courses/for-others").status_code == 404
    assert client.get("/courses/mine").status_code == 200
    auth.post("/courses/mine/enrol")
    assert client.get("/courses/mine/elsewhere").status_code == 404
    assert auth.post("/courses/for-others/enrol").status_code == 404
    listing = client.get("/courses/").get_data(as_text=True)
    assert "/courses/mine" in listing and "/courses/other" in listing
    assert "/courses/for-others" not in listing and "/courses/draft-course" not in listing


def test_state_changes_refuse_get_and_missing_csrf(client, auth, learner, make_course):
    course = make_course()
    assert client.get(f"/courses/{course.slug}/enrol").status_code in (404, 405)
    assert client.post(f"/courses/{course.slug}/enrol").status_code == 400
    auth.post(f"/courses/{course.slug}/enrol")
    assert client.post(f"/courses/{course.slug}/intro/done").status_code == 400


@pytest.mark.parametrize("value", ["-5", "NaN", "1e309", "abc"])
def test_video_position_endpoint(client, auth, learner, make_course, value):
    course = make_course(modules=(("clip", "video", "1", 10),))
    auth.post(f"/courses/{course.slug}/enrol")
    assert auth.post(f"/courses/{course.slug}/clip/position", {"position": "42"}).status_code == 204
    assert auth.post(f"/courses/{course.slug}/clip/position", {"position": value}).status_code == 400
    assert 'data-start="42"' in client.get(f"/courses/{course.slug}/clip").get_data(as_text=True)


def test_the_player_only_reads_and_its_heartbeat_records_the_opening(client, auth, learner, make_course):
    from learnhub.learning.models import ActivityDay, Enrolment, Progress

    course = make_course("night-shift", modules=(("first", "lesson", "0.5", 10), ("second", "lesson", "0.5", 10)))
    auth.post("/courses/night-shift/enrol")
    second = course_modules(course)[1][0]
    with count_queries() as statements:
        page = client.get("/courses/night-shift/second")
    assert page.status_code == 200 and statements.writes() == []
    assert 'data-heartbeat-url="/courses/night-shift/second/heartbeat"' in page.get_data(as_text=True)
    assert db.session.scalar(db.select(Progress).where(Progress.module_id == second.id)) is None

    assert auth.post("/courses/night-shift/second/heartbeat").status_code == 204
    progress = db.session.scalar(
        db.select(Progress).where(Progress.user_id == learner.id, Progress.module_id == second.id)
    )
    assert progress is not None and progress.started_at is not None and progress.completed_at is None
    enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.user_id == learner.id))
    assert enrolment.last_module_id == second.id
    assert (
        db.session.scalar(db.select(db.func.count()).select_from(ActivityDay).where(ActivityDay.user_id == learner.id))
        == 1
    )
    # Home: "continue" now points at the module the worker had open.
    assert "/courses/night-shift/second" in client.get("/").get_data(as_text=True)
    # A second heartbeat is fine; a heartbeat for a course not taken is not theirs.
    assert auth.post("/courses/night-shift/second/heartbeat").status_code == 204
    make_course("not-taken")
    assert auth.post(f"/courses/not-taken/{course_modules(course)[0][0].key}/heartbeat").status_code == 404


def test_pages_run_a_bounded_number_of_queries(client, auth, learner, make_course):
    small = make_course("small", modules=(("a", "lesson", "1", 5), ("q", "quiz", "1", 5)))
    many = [(f"m{i}", "lesson", "0.5", 5) for i in range(12)] + [("q", "quiz", "1", 5)]
    big = make_course("big", modules=many)
    for course in (small, big):
        auth.post(f"/courses/{course.slug}/enrol")
        auth.post(f"/courses/{course.slug}/{course_modules(course)[0][0].key}/done")
    for i in range(25):
        make_course(f"filler-{i:02d}")
    counts = {}
    pages = {
        "catalogue": "/courses/",
        "small": "/courses/small",
        "big": "/courses/big",
        "small-module": "/courses/small/q",
        "big-module": "/courses/big/q",
        "home": "/",
        "record": "/me/record",
    }
    client.get("/")  # what pages keep for the person (core.cache) is read once, by the first
    for name, url in pages.items():
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        counts[name] = len(statements)
    assert counts["small"] == counts["big"], counts
    assert counts["small-module"] == counts["big-module"], counts
    # The test session adds SAVEPOINT statements of its own.
    assert max(counts.values()) <= 16, counts


def test_record_entries_link_to_what_earned_them(client, auth, learner, make_course):
    make_course("linked")
    auth.post("/courses/linked/enrol")
    auth.post("/courses/linked/intro/done")
    assert 'href="/courses/linked/intro"' in client.get("/me/record").get_data(as_text=True)


def test_the_completed_page_says_what_the_course_paid_as_the_record_shows_it(client, auth, learner, make_course):
    from learnhub.demo import finish_course

    # Two 20-minute lessons: 0.4 学时 (of 45 minutes) each in the record, 0.8 paid; 40 minutes alone would show 0.9.
    course = make_course("two-lessons", modules=(("a", "lesson", "0.5", 20), ("b", "lesson", "0.5", 20)))
    finish_course(learner, course)
    db.session.commit()
    completed = client.get("/courses/two-lessons/complete").get_data(as_text=True)
    assert "记入1学分、0.8学时" in completed and "0.9" not in completed
