"""The credit bank through the browser: a worker applies, an admin reviews, strangers check."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from learnhub.credits.models import LedgerEntry
from learnhub.extensions import db
from learnhub.recognition.models import Application, Credential, Pathway
from tests.conftest import count_queries

EN = {"Accept-Language": "en"}


@pytest.fixture
def worker(make_user):
    return make_user("li.ming", name="李明辉", locale="en")


@pytest.fixture
def admin(make_user, tree):
    return make_user("city.admin", role="admin", org=tree.city_a, locale="en")


@pytest.fixture
def pathway(make_pathway):
    return make_pathway(title="电工安全学分转换", min_credits="1")


def _text(response):
    return response.get_data(as_text=True)


def test_a_worker_sees_how_far_they_are_and_what_is_missing(client, auth, worker, pathway, safety_course):
    auth.login("li.ming")
    page = _text(client.get("/recognition/"))
    assert "电工安全学分转换" in page
    assert "0 of 1 credits" in page and "Courses: 0 of 1 done" in page
    assert f'href="/courses/{safety_course.slug}"' in page  # the missing course, one tap away
    assert 'href="/recognition/"' in _text(client.get("/"))  # the menu


def test_applying_ignores_fields_it_does_not_ask_for(client, auth, worker, pathway, safety_course, finish):
    finish(worker, safety_course)
    auth.login("li.ming")
    page = _text(client.get(f"/recognition/pathways/{pathway.pathway_id}"))
    assert "Apply for recognition" in page
    response = auth.post(
        f"/recognition/pathways/{pathway.pathway_id}/apply",
        {"note": "请审核", "status": "approved", "credits": "999", "user_id": "1", "version_id": "999"},
    )
    assert response.status_code == 302
    [application] = db.session.scalars(select(Application)).all()
    assert application.status == "submitted" and application.credits is None
    assert application.user_id == worker.id and application.version_id == pathway.id
    followed = _text(client.get(response.headers["Location"]))
    assert "Waiting for review" in followed and "请审核" in followed


def test_applying_without_meeting_the_pathway_is_refused(client, auth, worker, pathway):
    auth.login("li.ming")
    response = auth.post(f"/recognition/pathways/{pathway.pathway_id}/apply", {"note": ""}, headers=EN)
    assert response.status_code == 400 and "You do not meet this pathway yet" in _text(response)
    assert db.session.scalars(select(Application)).all() == []
    assert auth.post("/recognition/pathways/99999/apply", {}).status_code == 404


def test_the_review_journey(client, auth, worker, admin, pathway, safety_course, finish):
    finish(worker, safety_course)
    auth.login("li.ming")
    auth.post(f"/recognition/pathways/{pathway.pathway_id}/apply", {"note": ""})
    application = db.session.scalar(select(Application))
    auth.logout()

    auth.login("city.admin")
    assert "1 application waits for review." in _text(client.get("/"))
    queue = _text(client.get("/recognition/review/"))
    assert "李明辉" in queue and "电工安全学分转换" in queue
    review = _text(client.get(f"/recognition/review/{application.id}"))
    assert "Meets the pathway" in review
    asked = auth.post(f"/recognition/review/{application.id}", {"action": "info", "message": ""})
    assert asked.status_code == 400  # a question needs words
    assert (
        auth.post(f"/recognition/review/{application.id}", {"action": "info", "message": "请上传实操照片"}).status_code
        == 302
    )
    auth.logout()

    auth.login("li.ming")
    page = _text(client.get(f"/recognition/applications/{application.id}"))
    assert "请上传实操照片" in page and "More information asked for" in page
    assert (
        auth.post(f"/recognition/applications/{application.id}/respond", {"message": "照片已交给工会"}).status_code
        == 302
    )
    auth.logout()

    auth.login("city.admin")
    approved = auth.post(f"/recognition/review/{application.id}", {"action": "approve", "credits": "999"})
    assert approved.status_code == 302
    again = auth.post(f"/recognition/review/{application.id}", {"action": "approve"})
    assert again.status_code == 400 and "already been decided" in _text(again)
    auth.logout()

    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "recognition")).all()
    assert len(entries) == 1
    credential = db.session.scalar(select(Credential).where(Credential.kind == "recognition"))
    assert credential.credits == Decimal("2.00")
    auth.login("li.ming")
    page = _text(client.get(f"/recognition/applications/{application.id}"))
    assert "Approved" in page
    assert credential.uuid in _text(client.get("/recognition/"))
    public = _text(client.get(f"/credentials/{credential.uuid}"))
    assert "滨江职业技术学院" in public and "李*辉" in public


def test_a_reviewer_outside_the_subtree_meets_404_and_changes_nothing(
    client, auth, make_user, worker, pathway, safety_course, finish, tree
):
    from learnhub.recognition import services

    finish(worker, safety_course)
    application = services.apply(worker, pathway.pathway_id)
    make_user("far.admin", role="admin", org=tree.prov_b)
    auth.login("far.admin")
    assert client.get(f"/recognition/review/{application.id}").status_code == 404
    assert auth.post(f"/recognition/review/{application.id}", {"action": "approve"}).status_code == 404
    assert "李明辉" not in _text(client.get("/recognition/review/"))
    assert db.session.get(Application, application.id).status == "submitted"
    assert db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "recognition")).all() == []


def test_workers_cannot_open_review_pages_or_each_others_applications(
    client, auth, make_user, worker, pathway, safety_course, finish
):
    from learnhub.recognition import services

    finish(worker, safety_course)
    application = services.apply(worker, pathway.pathway_id)
    make_user("peer")
    auth.login("peer")
    assert client.get("/recognition/review/").status_code == 404
    assert client.get(f"/recognition/applications/{application.id}").status_code == 404
    assert auth.post(f"/recognition/applications/{application.id}/withdraw").status_code == 404
    assert client.get("/recognition/pathways/").status_code == 404
    assert db.session.get(Application, application.id).status == "submitted"


def test_the_home_page_shows_the_nearest_pathway(client, auth, worker, pathway, safety_course, finish):
    finish(worker, safety_course)
    auth.login("li.ming")
    home = _text(client.get("/"))
    assert "Nearest recognition" in home and "You meet it: apply" in home


def test_the_transcript_lists_credits_recognitions_and_checkable_credentials(
    client, auth, worker, admin, pathway, safety_course, finish
):
    from learnhub.recognition import services

    finish(worker, safety_course)
    services.approve(admin, services.apply(worker, pathway.pathway_id))
    auth.login("li.ming")
    page = _text(client.get("/recognition/transcript"))
    credentials = db.session.scalars(select(Credential)).all()
    assert len(credentials) == 2
    for credential in credentials:
        assert f"http://localhost/credentials/{credential.uuid}" in page
    assert page.count('<svg role="img"') == 2
    assert "李明辉" in page and "电工安全学分转换" in page and "1.5" in page


def test_a_national_admin_keeps_pathways_in_versions(client, auth, make_user, tree, safety_course):
    make_user("root", role="admin", org=tree.national, locale="en")
    auth.login("root")
    form = {
        "title": "安全证书",
        "target_kind": "certificate",
        "institution": "安全教育中心",
        "programme": "安全生产培训合格证明",
        "required_courses": "safety-a",
        "categories": ["safety"],
        "within_years": "2",
    }
    bad = auth.post("/recognition/pathways/new", dict(form, required_courses="missing-course"))
    assert bad.status_code == 400 and "missing-course" in _text(bad)
    assert db.session.scalars(select(Pathway)).all() == []
    assert auth.post("/recognition/pathways/new", form).status_code == 302
    pathway = db.session.scalar(select(Pathway))
    edit = _text(client.get(f"/recognition/pathways/{pathway.id}/edit"))
    assert "safety-a" in edit and 'value="1"' in edit
    saved = auth.post(f"/recognition/pathways/{pathway.id}/edit", dict(form, base_version="1", title="安全证书（新）"))
    assert saved.status_code == 302
    db.session.refresh(pathway)
    assert pathway.current_version == 2
    stale = auth.post(f"/recognition/pathways/{pathway.id}/edit", dict(form, base_version="1"))
    assert stale.status_code == 400 and "newer version" in _text(stale)


def test_a_keeper_picks_only_courses_within_reach(client, auth, make_user, make_course, tree, safety_course):
    """Another union's draft, or a course for another union's members, is neither listed nor accepted."""
    make_course("b-draft", title="乙市草稿", status="draft", org_id=tree.city_b.id)
    make_course("b-only", title="乙市专属", audience_org_id=tree.city_b.id)
    make_course("a-draft", title="甲市草稿", status="draft", org_id=tree.city_a.id)
    make_user("prov.a", role="admin", org=tree.prov_a, locale="en")
    auth.login("prov.a")
    page = _text(client.get("/recognition/pathways/new"))
    assert "safety-a" in page and "a-draft" in page
    assert "b-draft" not in page and "乙市草稿" not in page and "b-only" not in page
    form = {
        "title": "安全证书",
        "target_kind": "certificate",
        "institution": "安全教育中心",
        "programme": "安全生产培训合格证明",
        "categories": ["safety"],
        "within_years": "2",
    }
    for slug in ("b-draft", "b-only"):
        refused = auth.post("/recognition/pathways/new", dict(form, required_courses=slug))
        assert refused.status_code == 400 and "No course has the address" in _text(refused)
    assert auth.post("/recognition/pathways/new", dict(form, required_courses="a-draft | safety-a")).status_code == 302


def test_city_admins_do_not_keep_pathways(client, auth, admin, pathway):
    auth.login("city.admin")
    assert client.get("/recognition/pathways/").status_code == 404
    assert client.get(f"/recognition/pathways/{pathway.pathway_id}/edit").status_code == 404
    assert auth.post("/recognition/pathways/new", {"title": "x"}).status_code == 404


def _count_queries(client, url):
    """(SELECTs, bytes) of a page: SAVEPOINTs belong to the test's rolled-back transaction, not to the page."""
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements.selects()), len(response.data)


def test_the_pathways_page_costs_the_same_queries_however_many_pathways(
    client, auth, worker, make_pathway, safety_course, finish
):
    from learnhub.recognition import services

    finish(worker, safety_course)
    services.apply(worker, make_pathway(title="一").pathway_id)
    auth.login("li.ming")
    client.get("/")  # the first page after login also checks consent once
    few, _size = _count_queries(client, "/recognition/")
    for number in range(6):
        version = make_pathway(title=f"路径{number}", min_credits=str(number + 1), required_courses="")
        if number == 0:
            services.apply(worker, version.pathway_id)
    many, size = _count_queries(client, "/recognition/")
    assert many == few
    assert size < 60 * 1024


def test_the_review_queue_costs_the_same_queries_however_many_rows(
    client, auth, make_user, admin, make_pathway, safety_course, finish, tree
):
    from learnhub.recognition import services

    version = make_pathway()

    def applicant(number):
        worker = make_user(f"w{number}", org=tree.ent_a1 if number % 2 else tree.ent_a2)
        finish(worker, safety_course)
        services.apply(worker, version.pathway_id)

    applicant(1)
    auth.login("city.admin")
    client.get("/")  # the first page after login also checks consent once
    few, _size = _count_queries(client, "/recognition/review/")
    for number in range(2, 8):
        applicant(number)
    many, _size = _count_queries(client, "/recognition/review/")
    assert many == few


def test_a_worker_withdraws_and_may_apply_again(client, auth, worker, pathway, safety_course, finish):
    from learnhub.recognition import services

    finish(worker, safety_course)
    application = services.apply(worker, pathway.pathway_id)
    auth.login("li.ming")
    assert auth.post(f"/recognition/applications/{application.id}/withdraw").status_code == 302
    assert db.session.get(Application, application.id).status == "withdrawn"
    again = auth.post(f"/recognition/applications/{application.id}/withdraw")
    assert again.status_code == 302  # told, not failed
    assert "Withdrawn" in _text(client.get(f"/recognition/applications/{application.id}"))
    assert auth.post(f"/recognition/pathways/{pathway.pathway_id}/apply", {}).status_code == 302


def test_a_pathway_no_longer_offered_disappears_but_its_applications_are_still_decided(
    client, auth, make_user, worker, admin, pathway, safety_course, finish, tree
):
    from learnhub.recognition import services

    finish(worker, safety_course)
    application = services.apply(worker, pathway.pathway_id)
    make_user("root", role="admin", org=tree.national)
    auth.login("root")
    assert auth.post(f"/recognition/pathways/{pathway.pathway_id}/active", {"active": "0"}).status_code == 302
    auth.logout()
    auth.login("li.ming")
    assert "电工安全学分转换" not in _text(client.get("/recognition/")).split("My applications")[0]
    assert client.get(f"/recognition/pathways/{pathway.pathway_id}").status_code == 404
    auth.logout()
    auth.login("city.admin")
    assert auth.post(f"/recognition/review/{application.id}", {"action": "approve"}).status_code == 302
    assert db.session.get(Application, application.id).status == "approved"


def test_a_pathway_counts_only_what_counts_toward_it_and_its_rows_add_up(
    client, auth, worker, make_pathway, make_course, safety_course, finish
):
    import re

    cnc = make_course(
        "cnc-a",
        modules=tuple((key, "lesson", "0.5", 20) for key in ("a", "b", "c")),  # 0.4 学时 shown each
        category="vocational",
        occupation="cnc_operator",
    )
    general = make_course("safety-all", modules=(("a", "lesson", "0.25", 20),), category="safety", occupation="all")
    version = make_pathway(
        title="数控学分",
        required_courses="cnc-a",
        min_credits="3",
        min_hours="4",
        categories=["safety", "vocational"],
        occupations=["cnc_operator"],
    )
    for course in (cnc, general, safety_course):  # the electrician's course does not count here
        finish(worker, course)
    db.session.commit()
    auth.login("li.ming")
    page = _text(client.get(f"/recognition/pathways/{version.pathway.id}"))
    assert "1.75 of 3 credits" in page and "1.6 of 4 learning hours" in page  # 80 min would round to 1.8
    rows = re.findall(
        r'<tr><td class="wrap">([^<]*)</td><td class="num">([^<]*)</td><td class="num">([^<]*)</td></tr>', page
    )
    assert [title for title, _c, _h in rows] == [cnc.title, general.title]
    total = re.search(
        r'<tfoot><tr><th scope="row">Total</th><td class="num">([^<]*)</td><td class="num">([^<]*)</td>', page
    )
    assert total.groups() == ("1.75", "1.6")
    assert sum(Decimal(c) for _t, c, _h in rows) == Decimal("1.75")
    assert sum(Decimal(h) for _t, _c, h in rows) == Decimal("1.6")


def test_a_choice_of_courses_reads_any_one_of_in_the_page_language(client, auth, make_user, make_pathway, make_course):
    make_course("first-aid", title="现场急救", category="safety")
    make_course("first-aid-en", title="First Aid at Work", category="safety", language="en")
    make_course("cpr", title="心肺复苏", category="safety")
    version = make_pathway(required_courses="first-aid | first-aid-en | cpr", min_credits="0")
    make_user("zh.worker", locale="zh_CN")
    auth.login("zh.worker")
    page = _text(client.get(f"/recognition/pathways/{version.pathway_id}"))
    assert "以下课程任选一门：" in page and "现场急救</a>、<a" in page
    assert "First Aid at Work" not in page and " 或 " not in page


def test_the_kept_nearest_pathway_follows_learning_applying_and_a_decision(
    client, auth, worker, admin, pathway, safety_course, finish
):
    from learnhub.recognition import services

    auth.login("li.ming")
    home = _text(client.get("/", headers=EN))
    assert "Nearest recognition" in home and "0 of 1 credits" in home and "You meet it: apply" not in home
    assert _text(client.get("/", headers=EN)) == home  # kept: the same card

    finish(worker, safety_course)
    db.session.commit()
    home = _text(client.get("/", headers=EN))
    assert "1.5 of 1 credits" in home and "You meet it: apply" in home

    assert auth.post(f"/recognition/pathways/{pathway.pathway_id}/apply", {"note": ""}).status_code == 302
    assert "Nearest recognition" not in _text(client.get("/", headers=EN))  # applied: nothing to suggest

    application = db.session.scalars(select(Application)).one()
    services.reject(admin, application, "材料不全")
    db.session.commit()
    assert "You meet it: apply" in _text(client.get("/", headers=EN))  # may apply again

    db.session.get(Pathway, pathway.pathway_id).is_active = False  # the union retires the pathway
    db.session.commit()
    assert "Nearest recognition" not in _text(client.get("/", headers=EN))
