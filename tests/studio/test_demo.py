from sqlalchemy import func, select

from learnhub.catalog.services import course_modules
from learnhub.extensions import db
from learnhub.learning.models import Enrolment
from learnhub.studio import learners
from learnhub.studio.sample import load_demo_courses


def test_the_demo_trainer_starts_with_a_published_course_with_learners_and_a_draft(make_user, tree):
    trainer = make_user("demo-trainer", role="trainer", org=tree.prov_a)
    for number in range(1, 5):
        make_user(f"demo-w{number:03d}", org=tree.ent_a1)
    course = load_demo_courses(trainer)
    assert course.status == "published" and [m.key for m, _r in course_modules(course)] == ["briefing", "check"]
    assert learners.summary(course)["enrolled"] == 4
    assert learners.item_analysis(course)  # some answered wrong
    load_demo_courses(trainer)  # a second run adds nothing
    assert db.session.scalar(select(func.count(Enrolment.id))) == 4
