from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from learnhub.accounts.models import User
from learnhub.credits.models import LedgerEntry
from learnhub.extensions import db
from learnhub.learning.models import ActivityDay, Enrolment, Progress
from learnhub.orgs.models import Org
from learnhub.stats.models import Rollup, SubtreeRollup


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_flask_demo_generate_makes_a_believable_dataset_once(runner, make_course):
    make_course("safe", category="safety")
    make_course("ethics", category="ideology", occupation="all")
    make_course("weld", category="vocational", occupation="welder")
    result = runner.invoke(args=["demo", "generate", "--workers", "400"])
    assert result.exit_code == 0, result.output
    generated = _count(User, User.phone.like("170%"))
    assert generated == 400
    enterprises = db.session.scalars(select(Org).where(Org.region_code == "generated", Org.kind == "enterprise")).all()
    assert len(enterprises) == 4 and all(org.path.startswith("/") for org in enterprises)
    enrolments, completed = _count(Enrolment), _count(Enrolment, Enrolment.completed_at.is_not(None))
    assert 0 < completed < enrolments  # fewer finish than start
    assert _count(Progress) > enrolments and _count(ActivityDay) > 0
    oldest = db.session.scalar(select(func.min(Enrolment.enrolled_at)))
    assert oldest < datetime.now(UTC) - timedelta(days=365)  # about 18 months of history
    never = _count(User, User.phone.like("170%"), ~select(Enrolment.id).where(Enrolment.user_id == User.id).exists())
    assert 0 < never < 200  # some have not learned yet
    # The rollups were rebuilt from what was generated, and agree with it.
    assert db.session.scalar(select(func.sum(Rollup.enrolments))) == enrolments
    assert db.session.scalar(select(func.sum(Rollup.completions))) == completed
    assert db.session.scalar(select(func.sum(Rollup.credits))) == db.session.scalar(
        select(func.sum(LedgerEntry.credits))
    )
    root = db.session.scalar(select(Org).where(Org.parent_id.is_(None)))
    assert (
        db.session.scalar(select(func.sum(SubtreeRollup.enrolments)).where(SubtreeRollup.org_id == root.id))
        == enrolments
    )
    again = runner.invoke(args=["demo", "generate", "--workers", "10"])
    assert again.exit_code != 0 and "Error" in again.output
    assert _count(User, User.phone.like("170%")) == 400  # made once, not twice


def test_generate_needs_courses(tree):
    # (`flask demo generate` itself always finds the demo trainer's course, which `demo load` adds.)
    import pytest

    from learnhub.core.errors import DomainError
    from learnhub.stats.generate import generate_dataset

    with pytest.raises(DomainError) as error:
        generate_dataset(tree.national, 10)
    assert "flask courses import courses/" in error.value.message
    assert _count(User, User.phone.like("170%")) == 0
