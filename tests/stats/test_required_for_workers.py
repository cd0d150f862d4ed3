"""Required learning that workers see: on their home page, on the course page and in their record;
a requirement may ask only some occupations and skill levels, and the admin's lists follow it."""

from datetime import timedelta

import pytest

from learnhub.core.errors import DomainError
from learnhub.extensions import db
from learnhub.notify.models import Notification
from learnhub.stats import required
from learnhub.stats.models import RequiredCourse
from learnhub.stats.rollups import today


@pytest.fixture
def electricians_must(tree, make_user, make_course, admin_of):
    """A city admin requires a course of its electricians; an electrician and a welder of the city."""
    course = make_course("wiring-safety", title="配电作业安全")
    electrician = make_user("sparky", org=tree.ent_a1, occupation="electrician", skill_level="level4")
    welder = make_user("welder", org=tree.ent_a2, occupation="welder", skill_level="level4")
    admin_of(tree.city_a)
    due = today() + timedelta(days=20)
    return course, electrician, welder, due


def test_an_admin_requires_a_course_of_some_occupations_only(client, auth, tree, electricians_must):
    course, electrician, welder, due = electricians_must
    refused = auth.post(
        "/stats/required", {"course": str(course.id), "due_on": due.isoformat(), "occupations": "astronaut"}
    )
    assert refused.status_code == 400 and 'id="occupations-error"' in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(RequiredCourse)) is None
    response = auth.post(
        "/stats/required", {"course": str(course.id), "due_on": due.isoformat(), "occupations": "electrician"}
    )
    assert response.status_code == 302
    requirement = db.session.scalar(db.select(RequiredCourse))
    assert requirement.occupations == ["electrician"] and requirement.skill_levels == []
    page = client.get(f"/stats/{tree.city_a.id}/required").get_data(as_text=True)
    assert "仅限：" in page
    # Only the electrician is counted and chased; the welder was never asked.
    progress = {
        org.id: (asked, done) for org, asked, done in required.progress_by_child(db.session, tree.city_a, requirement)
    }
    assert progress == {tree.ent_a1.id: (1, 0), tree.ent_a2.id: (0, 0)}
    missing = [
        user.username
        for user, _org, _started in db.session.execute(required.not_finished_query(tree.city_a, requirement))
    ]
    assert missing == ["sparky"]


def test_the_worker_asked_sees_it_at_home_on_the_course_and_in_the_record(
    client, auth, tree, electricians_must, learn, make_course
):
    course, electrician, welder, due = electricians_must
    requirement = required.require_course(
        db.session.get(type(electrician), _admin_id(tree)), course.id, due, today(), occupations=["electrician"]
    )
    auth.logout()
    auth.login("sparky")
    home = client.get("/").get_data(as_text=True)
    assert (
        "工会要求的必修课" in home
        and "配电作业安全" in home
        and f"请在{due.year}年{due.month}月{due.day}日前学完" in home
    )
    assert "已完成0/2个单元" in home  # its progress: none of its two modules yet
    assert "请在" in client.get("/courses/wiring-safety").get_data(as_text=True)
    assert "必修课" in client.get("/me/record").get_data(as_text=True)
    # The catalogue's filter: only what my union requires of me.
    make_course("other-course", title="另一门课")
    assert "另一门课" in client.get("/courses/").get_data(as_text=True)
    narrowed = client.get("/courses/?required=y").get_data(as_text=True)
    assert "配电作业安全" in narrowed and "另一门课" not in narrowed and "只看工会要求我学的课程" in narrowed
    auth.logout()
    auth.login("welder")
    nothing = client.get("/courses/?required=y").get_data(as_text=True)
    assert "另一门课" not in nothing and "工会目前没有要求你学的课程" in nothing and "少输几个字" not in nothing
    assert "工会要求的必修课" not in client.get("/").get_data(as_text=True)
    assert "必修课" not in client.get("/courses/wiring-safety").get_data(as_text=True)
    # Overdue, then done.
    requirement.due_on = today() - timedelta(days=1)
    [asked] = required.requirements_of(electrician, today())
    assert asked.is_overdue and not asked.is_done
    learn(electrician, course)
    [asked] = required.requirements_of(electrician, today())
    assert asked.is_done and not asked.is_overdue


def test_a_requirement_refuses_unknown_occupations_and_levels(tree, electricians_must):
    course, electrician, _welder, due = electricians_must
    admin = db.session.get(type(electrician), _admin_id(tree))
    with pytest.raises(DomainError) as error:
        required.require_course(admin, course.id, due, today(), occupations=["astronaut"])
    assert error.value.field == "occupations"
    with pytest.raises(DomainError) as error:
        required.require_course(admin, course.id, due, today(), skill_levels=["level9"])
    assert error.value.field == "skill_levels"


def _admin_id(tree):
    from learnhub.accounts.models import User

    return db.session.scalar(db.select(User.id).where(User.role == "admin", User.org_id == tree.city_a.id))


def test_an_admin_reminds_those_who_have_not_finished_once_a_day(client, admin_of, tree, make_user, make_course, learn):
    from learnhub.core import tasks
    from learnhub.core.audit import AuditEvent

    course = make_course("remind-me", title="提醒课程")
    idle = make_user("idle-worker", org=tree.ent_a1)
    done = make_user("done-worker", org=tree.ent_a1)
    far = make_user("far-worker", org=tree.ent_b1)
    admin = admin_of(tree.city_a)
    province = make_user("province-admin", role="admin", org=tree.prov_a, occupation=None)
    requirement = required.require_course(province, course.id, today() + timedelta(days=9), today())
    learn(done, course)
    tasks.queue().flush()
    page = f"/stats/{tree.city_a.id}/required/{requirement.id}"
    from tests.conftest import csrf_token

    token = csrf_token(client, page)
    response = client.post(page + "/remind", data={"csrf_token": token, "everyone": "1"})
    assert response.status_code == 302
    [task] = tasks.queue().pending()
    assert task.name == "learnhub.stats.required.send_reminder"
    reminder_id = task.args[0]
    assert required.send_reminder(reminder_id) == 1 and required.send_reminder(reminder_id) == 0
    [message] = db.session.scalars(db.select(Notification).where(Notification.kind == "required.reminder")).all()
    assert message.user_id == idle.id and message.title == "提醒：提醒课程"
    again = client.post(page + "/remind", data={"csrf_token": token, "everyone": "1"})
    assert again.status_code == 400 and "今天已经提醒过" in again.get_data(as_text=True)
    assert (
        db.session.scalar(
            db.select(db.func.count()).select_from(AuditEvent).where(AuditEvent.action == "required.remind")
        )
        == 1
    )
    assert far.id not in {m.user_id for m in db.session.scalars(db.select(Notification))}
    tasks.queue().flush()
    assert admin is not None


def test_an_admin_reminds_only_the_workers_they_ticked(client, admin_of, tree, make_user, make_course, learn):
    from learnhub.core import tasks
    from tests.conftest import csrf_token

    course = make_course("remind-some", title="点名课程")
    ticked, other, done = (make_user(name, org=tree.ent_a1) for name in ("ticked-worker", "other-worker", "done-w"))
    admin_of(tree.city_a)
    province = make_user("province-admin", role="admin", org=tree.prov_a, occupation=None)
    requirement = required.require_course(province, course.id, today() + timedelta(days=9), today())
    learn(done, course)
    tasks.queue().flush()
    db.session.commit()  # a refusal rolls the request back: the list stays
    page = f"/stats/{tree.city_a.id}/required/{requirement.id}"
    html = client.get(page).get_data(as_text=True)
    assert f'name="people" value="{ticked.id}"' in html and f'value="{done.id}"' not in html
    token = csrf_token(client, page)

    # Ticking nobody, or someone not on the list (finished), reminds nobody and says why.
    nobody = client.post(page + "/remind", data={"csrf_token": token, "selected": "1"})
    assert nobody.status_code == 400 and "请勾选要提醒的职工" in nobody.get_data(as_text=True)
    finished = client.post(page + "/remind", data={"csrf_token": token, "selected": "1", "people": [done.id]})
    assert finished.status_code == 400 and "不在这份名单上" in finished.get_data(as_text=True)
    # What was ticked stays ticked on the page that says why.
    kept = client.post(page + "/remind", data={"csrf_token": token, "selected": "1", "people": [ticked.id, "x"]})
    assert kept.status_code == 400 and f'value="{ticked.id}" checked' in kept.get_data(as_text=True)
    assert not tasks.queue().pending()

    response = client.post(page + "/remind", data={"csrf_token": token, "selected": "1", "people": [ticked.id]})
    assert "提醒已发给你勾选的1名职工" in client.get(response.location).get_data(as_text=True)
    [task] = tasks.queue().pending()
    assert required.send_reminder(task.args[0]) == 1
    told = {
        m.user_id for m in db.session.scalars(db.select(Notification).where(Notification.kind == "required.reminder"))
    }
    assert told == {ticked.id} and other.id not in told
    tasks.queue().flush()


def test_a_requirement_set_or_withdrawn_shows_at_once_on_pages_the_worker_has_seen(
    client, auth, tree, electricians_must
):
    course, electrician, welder, due = electricians_must
    auth.logout()
    auth.login("sparky")
    pages = ("/", "/courses/wiring-safety", "/me/record")
    for path in pages:  # seen before anything is required: kept as "nothing required"
        assert "必修课" not in client.get(path).get_data(as_text=True)
    auth.logout()
    auth.login(db.session.get(type(electrician), _admin_id(tree)).username)
    response = auth.post("/stats/required", {"course": str(course.id), "due_on": due.isoformat()})
    assert response.status_code == 302
    auth.logout()
    auth.login("sparky")
    home = client.get("/").get_data(as_text=True)
    assert "工会要求的必修课" in home and "配电作业安全" in home
    assert "请在" in client.get("/courses/wiring-safety").get_data(as_text=True)
    assert "必修课" in client.get("/me/record").get_data(as_text=True)

    requirement = db.session.scalar(db.select(RequiredCourse))
    auth.logout()
    auth.login(db.session.get(type(electrician), _admin_id(tree)).username)
    assert auth.post(f"/stats/required/{requirement.id}/remove", {}).status_code == 302
    auth.logout()
    auth.login("sparky")
    for path in pages:
        assert "必修课" not in client.get(path).get_data(as_text=True)
