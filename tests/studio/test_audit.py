"""Publications go to the audit log of the course's union."""

from learnhub.core.audit import AuditEvent
from learnhub.extensions import db
from learnhub.studio import publishing


def test_publishing_unpublishing_and_archiving_are_audited(studio_course, trainer, tree):
    course = studio_course()
    publishing.publish(trainer, course)
    publishing.unpublish(trainer, course)
    publishing.archive(trainer, course)
    events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["course.published", "course.unpublished", "course.archived"]
    assert {e.org_path for e in events} == {tree.prov_a.path} and events[0].details["publication"] == 1
