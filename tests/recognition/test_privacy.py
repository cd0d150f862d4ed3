"""The credit bank and the worker's privacy rights."""

import json

from learnhub.extensions import db
from learnhub.recognition.models import Credential
from tests.conftest import PASSWORD


def test_my_data_holds_my_credentials_and_deleting_withdraws_them(client, auth, make_user, make_course):
    from learnhub.catalog.services import course_modules
    from learnhub.learning import services as learning

    worker = make_user("holder1", phone="13912345670")
    course = make_course("held")
    learning.enrol(worker, course)
    for module, revision in course_modules(course):
        if module.kind == "quiz":
            learning.submit_quiz(
                worker,
                course,
                module,
                revision,
                {str(q.id): [str(c.id) for c in q.choices if c.is_correct] for q in revision.questions},
            )
        else:
            learning.complete_module(worker, course, module, revision)
    credential = db.session.scalars(db.select(Credential).where(Credential.user_id == worker.id)).one()
    auth.login("holder1")
    data = json.loads(client.get("/me/data.json").get_data(as_text=True))
    assert data["recognition"]["credentials"][0]["id"] == credential.uuid
    assert auth.post("/me/delete", {"password": PASSWORD}).status_code == 200
    page = client.get(f"/credentials/{credential.uuid}").get_data(as_text=True)
    assert credential.revoked_at is not None and "注销" in page
    assert client.get(f"/credentials/{credential.uuid}/status").json["status"] == "revoked"


def test_the_completion_page_links_to_the_course_credential(client, auth, make_user, make_course):
    from tests.conftest import quiz_answers

    make_user("finisher")
    course = make_course("finished-course")
    auth.login("finisher")
    auth.post("/courses/finished-course/enrol")
    auth.post("/courses/finished-course/intro/done")
    from learnhub.catalog.services import course_modules

    revision = {m.key: r for m, r in course_modules(course)}["check"]
    auth.post("/courses/finished-course/check/quiz", quiz_answers(revision))
    page = client.get("/courses/finished-course/complete").get_data(as_text=True)
    credential = db.session.scalars(db.select(Credential)).one()
    assert f'href="/credentials/{credential.uuid}"' in page
