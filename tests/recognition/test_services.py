"""Pathways, eligibility from the ledger, applications and review."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from learnhub.core.errors import DomainError, NotFound
from learnhub.credits.models import LedgerEntry
from learnhub.extensions import db
from learnhub.recognition import services as recognition
from learnhub.recognition.models import Application, Credential, PathwayVersion
from learnhub.recognition.pathways import save_pathway
from tests.conftest import ledger_rewritable


def _entries(user, kind=None):
    from learnhub.credits.models import Account

    stmt = select(LedgerEntry).join(Account).where(Account.user_id == user.id)
    if kind:
        stmt = stmt.where(LedgerEntry.kind == kind)
    return db.session.scalars(stmt).all()


@pytest.fixture
def worker(make_user):
    return make_user("li.ming", name="李明辉")


@pytest.fixture
def admin(make_user, tree):
    return make_user("city.admin", role="admin", org=tree.city_a)


# ---------------------------------------------------------------- progress


def test_progress_counts_the_required_course_and_the_credits_in_its_categories(
    worker, make_pathway, safety_course, make_course, finish
):
    version = make_pathway(min_credits="2")
    view = recognition.get_pathway_view(worker, version.pathway_id)
    assert [g.is_done for g in view.progress.groups] == [False]
    assert view.progress.credits == 0 and not view.progress.is_met

    finish(worker, safety_course)
    other = make_course("ethics", modules=(("read", "lesson", "3", 30),), category="ideology")
    finish(worker, other)  # ideology does not count toward a work-safety pathway
    view = recognition.get_pathway_view(worker, version.pathway_id)
    assert [g.is_done for g in view.progress.groups] == [True]
    assert view.progress.credits == Decimal("1.50")
    assert not view.progress.is_met  # 1.5 of 2 credits
    assert 0 < view.progress.fraction < 1


def test_any_course_of_a_group_will_do(worker, make_pathway, make_course, finish):
    english = make_course("safety-en", category="safety")
    version = make_pathway(required_courses="safety-a | safety-en", min_credits="0")
    finish(worker, english)
    assert recognition.get_pathway_view(worker, version.pathway_id).progress.is_met


def test_learning_older_than_the_window_and_corrected_entries_do_not_count(
    worker, make_user, make_pathway, safety_course, finish, tree
):
    from learnhub.credits.services import reverse_entry

    version = make_pathway(within_years="1", min_credits="1")
    finish(worker, safety_course)
    assert recognition.get_pathway_view(worker, version.pathway_id).progress.is_met
    with ledger_rewritable():
        for entry in _entries(worker):
            entry.created_at = datetime.now(UTC) - timedelta(days=400)
    assert not recognition.get_pathway_view(worker, version.pathway_id).progress.is_met

    with ledger_rewritable():
        for entry in _entries(worker):
            entry.created_at = datetime.now(UTC)
    quiz_entry = next(e for e in _entries(worker) if e.kind == "module" and e.credits == 1)
    reverse_entry(quiz_entry, reason="重复计分", created_by=make_user("fixer", role="admin", org=tree.national))
    progress = recognition.get_pathway_view(worker, version.pathway_id).progress
    assert progress.credits == Decimal("0.50") and not progress.is_met


def test_prior_learning_counts_only_where_the_pathway_says_so(worker, make_pathway):
    from learnhub.credits.services import award

    hours = make_pathway(
        target_kind="skill_level",
        occupation="electrician",
        level="level4",
        target_hours="60",
        required_courses="",
        min_credits="0",
        min_hours="1",
        counts_prior_learning=True,
    )
    credits = make_pathway(required_courses="", min_credits="1")
    award(worker, kind="prior_learning", source_type="prior_learning", source_id=1, credits=2, minutes=90)
    assert recognition.get_pathway_view(worker, hours.pathway_id).progress.is_met
    assert not recognition.get_pathway_view(worker, credits.pathway_id).progress.is_met


def test_a_worker_sees_only_pathways_kept_above_their_union(worker, make_pathway, tree):
    mine = make_pathway(org=tree.prov_a)
    make_pathway(org=tree.prov_b)
    assert [v.pathway.id for v in recognition.pathway_views(worker)] == [mine.pathway_id]
    with pytest.raises(NotFound):
        recognition.get_pathway_view(worker, mine.pathway_id + 1)


# ---------------------------------------------------------------- applying


def test_applying_to_a_pathway_not_met_is_refused_and_writes_nothing(worker, make_pathway, safety_course):
    version = make_pathway()
    with pytest.raises(DomainError):
        recognition.apply(worker, version.pathway_id)
    assert db.session.scalars(select(Application)).all() == []


def test_one_open_application_per_worker_and_pathway(worker, make_pathway, safety_course, finish):
    version = make_pathway()
    finish(worker, safety_course)
    application = recognition.apply(worker, version.pathway_id, "请审核")
    assert application.status == "submitted" and application.version_id == version.id
    assert application.evidence["credits"] == "1.50"
    # The hours as the worker saw them (20 + 10 minutes: 0.4 + 0.2 学时 of 45 minutes shown), for the reviewer.
    assert application.evidence["tenths"] == 6 and application.evidence_hours.value == Decimal("0.6")
    with pytest.raises(DomainError):
        recognition.apply(worker, version.pathway_id)


def test_the_database_itself_refuses_a_second_open_application(worker, make_pathway, safety_course, finish):
    from sqlalchemy.exc import IntegrityError

    version = make_pathway()
    finish(worker, safety_course)
    recognition.apply(worker, version.pathway_id)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            Application(
                user_id=worker.id,
                pathway_id=version.pathway_id,
                version_id=version.id,
                status="info_requested",
                evidence={},
                note="",
                reason="",
            )
        )
        db.session.flush()


# ---------------------------------------------------------------- review


@pytest.fixture
def applied(worker, make_pathway, safety_course, finish):
    version = make_pathway()
    finish(worker, safety_course)
    return recognition.apply(worker, version.pathway_id)


def test_approval_writes_one_ledger_entry_and_one_credential(applied, admin, worker):
    recognition.approve(admin, applied)
    assert applied.status == "approved" and applied.credits == Decimal("2.00")
    [entry] = _entries(worker, "recognition")
    assert entry.source_id == str(applied.id) and entry.created_by_id == admin.id
    assert "电工安全技术" in entry.note
    credential = db.session.scalar(select(Credential).where(Credential.kind == "recognition"))
    assert credential.credits == Decimal("2.00") and credential.user_id == worker.id
    with pytest.raises(DomainError):
        recognition.approve(admin, applied)
    assert len(_entries(worker, "recognition")) == 1
    assert [e.action for e in applied.events] == ["submitted", "approved"]


def test_a_reviewer_outside_the_subtree_cannot_see_or_decide(applied, make_user, tree):
    stranger = make_user("other.admin", role="admin", org=tree.prov_b)
    with pytest.raises(NotFound):
        recognition.get_application_in_scope(stranger, applied.id)
    with pytest.raises(NotFound):
        recognition.approve(stranger, applied)
    assert applied.status == "submitted"
    assert db.session.scalars(recognition.review_query(stranger)).all() == []


def test_an_applicant_promoted_to_admin_cannot_decide_their_own_application(applied, worker):
    worker.role = "admin"  # of their own enterprise union, which contains them
    db.session.flush()
    for decide in (recognition.approve, lambda a, app: recognition.reject(a, app, "不行")):
        with pytest.raises(NotFound):
            decide(worker, applied)
    with pytest.raises(NotFound):
        recognition.get_application_in_scope(worker, applied.id)
    assert applied.status == "submitted" and _entries(worker, "recognition") == []
    assert db.session.scalars(recognition.review_query(worker, "all")).all() == []
    assert recognition.waiting_count(worker) == 0


def test_rejecting_needs_a_reason_and_lets_the_worker_apply_again(applied, admin, worker):
    with pytest.raises(DomainError):
        recognition.reject(admin, applied, "  ")
    recognition.reject(admin, applied, "证明材料不清楚")
    assert applied.status == "rejected" and applied.reason == "证明材料不清楚"
    again = recognition.apply(worker, applied.pathway_id)
    assert again.status == "submitted" and again.id != applied.id


def test_asking_for_information_and_answering_it(applied, admin, worker):
    recognition.ask_for_information(admin, applied, "请说明在哪里完成了实操")
    assert applied.status == "info_requested"
    assert recognition.waiting_count(admin) == 0  # waits for the worker, not the reviewer
    recognition.respond(worker, applied, "在厂内培训中心完成")
    assert applied.status == "submitted"
    assert [e.action for e in applied.events] == ["submitted", "info_requested", "info_given"]
    assert recognition.waiting_count(admin) == 1


def test_a_new_version_never_changes_a_decision_made(applied, admin, worker, make_user, tree):
    keeper = make_user("root", role="admin", org=tree.national)
    recognition.approve(admin, applied)
    old_version = applied.version
    fields = dict(
        title="电工安全学分转换",
        target_kind="academic",
        institution="滨江职业技术学院",
        programme="电气自动化技术专业",
        course_name="电工安全技术",
        target_credits="4",
        required_courses="safety-a",
        min_credits="10",
        categories=["safety"],
    )
    new = save_pathway(keeper, applied.pathway, base_version=1, **fields)
    assert new.version == 2 and applied.pathway.current_version == 2
    db.session.expire_all()
    application = db.session.get(Application, applied.id)
    assert application.version_id == old_version.id and application.credits == Decimal("2.00")
    assert db.session.get(PathwayVersion, old_version.id).min_credits == Decimal("1.00")
    # The worker now falls short of version 2, and is told so.
    assert not recognition.get_pathway_view(worker, applied.pathway_id).progress.is_met
    # An editor who saved from the old version is refused rather than overwriting version 2.
    with pytest.raises(DomainError):
        save_pathway(keeper, applied.pathway, base_version=1, **fields)


def test_an_open_application_is_decided_under_the_version_applied_to(applied, admin, make_user, tree):
    keeper = make_user("root", role="admin", org=tree.national)
    save_pathway(
        keeper,
        applied.pathway,
        base_version=1,
        title="更严格",
        target_kind="academic",
        institution="滨江职业技术学院",
        programme="电气自动化技术专业",
        course_name="电工安全技术",
        target_credits="2",
        required_courses="safety-a",
        min_credits="10",
    )
    recognition.approve(admin, applied)
    assert applied.status == "approved" and applied.version.version == 1


def test_the_cap_limits_credits_recognised_toward_a_programme(worker, admin, make_pathway, safety_course, finish):
    first = make_pathway(cap="3", required_courses="", min_credits="1")
    second = make_pathway(cap="3", required_courses="", min_credits="1", course_name="电工基础")
    third = make_pathway(cap="3", required_courses="", min_credits="1", course_name="电机与变压器")
    finish(worker, safety_course)
    recognition.approve(admin, recognition.apply(worker, first.pathway_id))
    application = recognition.apply(worker, second.pathway_id)
    recognition.approve(admin, application)
    assert application.credits == Decimal("1.00")  # 2 asked, 1 left under the cap of 3
    view = recognition.get_pathway_view(worker, third.pathway_id)
    assert view.progress.is_capped and not view.can_apply
    with pytest.raises(DomainError):
        recognition.apply(worker, third.pathway_id)


def test_only_workers_apply(make_user, make_pathway, tree):
    trainer = make_user("trainer", role="trainer", org=tree.ent_a1)
    version = make_pathway()
    with pytest.raises(DomainError):
        recognition.apply(trainer, version.pathway_id)


def test_nearest_pathway_is_the_one_closest_to_done(worker, make_pathway, safety_course, finish):
    make_pathway(title="远", required_courses="", min_credits="100")
    near = make_pathway(title="近", required_courses="", min_credits="2")
    finish(worker, safety_course)
    assert recognition.nearest_pathway(worker).pathway.id == near.pathway_id


# ---------------------------------------------------------------- keeping pathways


def test_only_national_and_provincial_admins_keep_pathways(make_user, tree, make_pathway):
    city = make_user("city", role="admin", org=tree.city_a)
    fields = dict(title="x", target_kind="certificate", institution="中心", programme="证书", min_hours="1")
    with pytest.raises(NotFound):
        save_pathway(city, **fields)
    province = make_user("prov", role="admin", org=tree.prov_a)
    version = save_pathway(province, **fields)
    assert version.pathway.org_id == tree.prov_a.id and version.target.minutes == 0
    other = make_pathway(org=tree.prov_b)
    with pytest.raises(NotFound):
        save_pathway(province, other.pathway, base_version=1, **fields)


@pytest.mark.parametrize(
    "changes, field",
    [
        (dict(required_courses="no-such-course"), "required_courses"),
        (dict(required_courses="", min_credits="0", min_hours=""), "required_courses"),
        (dict(target_credits="0"), "target_credits"),
        (dict(cap="1"), "cap"),
        (dict(within_years="0"), "within_years"),
        (dict(min_credits="1e3"), "min_credits"),
        (dict(min_hours="-2"), "min_hours"),
        (dict(categories=["weapons"]), "categories"),
        (dict(target_kind="skill_level", occupation="astronaut", level="level4"), "occupation"),
        (dict(target_kind="skill_level", occupation="welder", level="none"), "level"),
        (dict(title="\u202e恶意"), "title"),
    ],
)
def test_a_bad_rule_is_refused_naming_its_field(make_user, tree, safety_course, changes, field):
    keeper = make_user("root", role="admin", org=tree.national)
    fields = dict(
        title="电工安全学分转换",
        target_kind="academic",
        institution="滨江职业技术学院",
        programme="电气自动化技术专业",
        course_name="电工安全技术",
        target_credits="2",
        required_courses="safety-a",
        min_credits="1",
    )
    fields.update(changes)
    with pytest.raises(DomainError) as caught:
        save_pathway(keeper, **fields)
    assert caught.value.field == field


def test_finishing_a_course_issues_one_credential(worker, safety_course, finish):
    finish(worker, safety_course)
    [credential] = db.session.scalars(select(Credential).where(Credential.user_id == worker.id)).all()
    assert credential.kind == "course" and credential.title == safety_course.title
    assert credential.credits == Decimal("1.50") and credential.minutes == 30
    assert len(credential.uuid) == 36


def test_an_approved_demo_pathway_records_nothing_twice(app, tree, worker, admin, finish, tmp_path, monkeypatch):
    from pathlib import Path

    from learnhub.catalog.importing import import_packages
    from learnhub.catalog.models import Course
    from learnhub.credits.services import balance, get_account
    from learnhub.recognition.demo_data import JIANGNAN, NATIONAL, load_demo_pathways

    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    import_packages(Path(app.root_path).parent / "courses")
    load_demo_pathways({NATIONAL: tree.national, JIANGNAN: tree.prov_a})
    # The demo journey: the electrician finishes two safety courses and meets the learning certificate.
    for slug in ("electrical-safety", "work-safety-basics"):
        finish(worker, db.session.scalar(select(Course).where(Course.slug == slug)))
    views = {v.pathway.code: v for v in recognition.pathway_views(worker)}
    certificate = views["demo-safety-training-certificate"]
    assert certificate.can_apply
    before = balance(get_account(worker))
    recognition.approve(admin, recognition.apply(worker, certificate.pathway.id))
    assert (
        balance(get_account(worker)) == before == (Decimal("0.09"), 33 + 36)
    )  # the minutes of the modules done: electrical safety's drawn quiz asks 10
    college = views["demo-electrical-automation-credit"].progress
    assert [g.is_done for g in college.groups] == [True, False] and college.credits == Decimal("0.09")
    # The CNC programme counts machining courses and those for every trade, not electrical safety.
    cnc = views["demo-cnc-credit"].progress
    assert {c.slug for c in cnc.counted} == {"work-safety-basics"}
