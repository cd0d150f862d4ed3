"""Issue 8, "no one sees what is not theirs": every id in every URL, tried by every role.

A world where each kind of record that shows as an id in an address has an owner in union
tree A (the 甲市 subtree), then every rule of the URL map with arguments is filled with those
ids and requested (GET, and POST with a valid CSRF token where the rule takes POST) by ten
roles. Whoever the matrix below does not name as legitimate must meet 404; a visitor meets
404 or the login page. The legitimate roles must get the page (200) or get their action done,
so a site that answered 404 to everyone would fail too.

New routes are picked up from the URL map: a rule with arguments that is neither in the
matrix nor in PUBLIC fails the test until someone decides who may open it.

Each request runs inside a savepoint rolled back afterwards, so a publish, a withdrawal or a
password reset by one role does not change what the next one sees. Totals are printed
(`pytest -s`).
"""

import io
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import pyotp
import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import MethodNotAllowed, NotFound

from learnhub.accounts import twofactor
from learnhub.catalog.services import course_modules
from learnhub.core import audit
from learnhub.extensions import db
from learnhub.learning import services as learning
from tests.conftest import Auth, csrf_token, quiz_answers

WHO = {
    "visitor": "not logged in",
    "owner": "worker of 甲市第一机床厂 who owns the records",
    "peer": "another worker of the same enterprise union",
    "far": "a worker of 乙市造船厂 (union tree B)",
    "author": "trainer of 甲市 who owns the draft course",
    "trainer": "another trainer of 甲市, not on that course",
    "admin_a": "admin of 甲市 (over the owner)",
    "admin_b": "admin of 乙市, the other city",
    "keeper_a": "admin of 甲省 (over 甲市; keeps pathways)",
    "keeper_b": "admin of 乙省 (keeps pathways in tree B)",
}
ROLES = tuple(WHO)
# Everyone under 甲市, who may see a course meant for 甲市's members.
CITY_A = ("peer", "author", "trainer", "admin_a")

# Rules with arguments that anyone may open, and why. Everything else with an argument is in
# the matrix of `cases` below.
PUBLIC = {
    "core.static": "the site's stylesheets, scripts and icons",
    "studio.static": "the studio editor's script",
    "offline.static": "the offline script and the app's icons",
    # DESIGN: "/credentials/<uuid> a public page a stranger can check", with its JSON, its
    # signed JWT and its revocation status, for a college's or an employer's software. The
    # id is a random UUID; the page masks the holder's name.
    "recognition.credential": "public credential page",
    "recognition.credential_json": "public credential, Open Badges JSON",
    "recognition.credential_jwt": "public credential, signed VC-JWT",
    "recognition.credential_status": "public credential, revocation status",
    # The revocation lists every verifier reads (W3C Bitstring Status List): numbered from 1, one
    # bit per credential at a random position; what a bit means is only known to its holder.
    "recognition.status_list_jwt": "published revocation list",
    "api.docs_asset": "Swagger UI's files, for the API's browsable docs",
    "api.static": "the API docs' start-up script",
    # The one-time link bulk onboarding texts a worker: a signed token naming its account, valid
    # until a password is set (tests/accounts/test_activation.py).
    "accounts.activate": "activation link from an SMS",
}
# Published courses for everyone (/courses/<slug>, their modules and media) are open by
# design; the matrix tries the same routes with a course meant for 甲市 only, which is not.


def _png():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 120, 200)).save(out, "PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
DETAILS = {
    "title": "甲秘密草稿课程",
    "summary": "班组安全交底。",
    "category": "safety",
    "occupation": "all",
    "target_level": "none",
    "language": "zh_CN",
    "credits": "2",
    "hours": "1.5",
    "tags": "安全",
    "audience": "",
}


@dataclass
class Case:
    """One way to fill a rule's arguments, and who may use the address so filled.

    `ok`: the role that must get 200 for GET, and for POST one of `post_ok` (its action done or,
    where the state of the world refuses it, refused by the service past the scope check).
    `also`: other roles that may use it (never 404). Every other role: 404.
    """

    args: dict
    ok: str | None = None
    also: tuple = ()
    form: dict = field(default_factory=dict)
    query: str = ""
    post_ok: tuple = (302,)
    note: str = ""


@pytest.fixture
def world(app, tree, make_user, make_course, tmp_path, monkeypatch):
    """Records of every kind, owned in 甲市's subtree; a few of 乙市's to mix into addresses."""
    from learnhub.recognition import prior
    from learnhub.recognition import services as recognition
    from learnhub.recognition.models import Credential
    from learnhub.recognition.pathways import load_pathway
    from learnhub.stats import required
    from learnhub.stats.rollups import today
    from learnhub.studio import modules as authoring
    from learnhub.studio import publishing
    from learnhub.studio import services as studio
    from learnhub.studio.media import store_upload

    # Signing keys, uploads and course media in this test's own folder.
    monkeypatch.setitem(app.config, "CREDENTIAL_KEY_PATH", str(tmp_path / "signing-key.pem"))
    monkeypatch.setitem(app.config, "CREDENTIAL_KEY", None)
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    app.extensions.pop("recognition_signing_key", None)

    w = type("World", (), {})()
    w.tree = tree
    w.owner = make_user("owner", org=tree.ent_a1, name="甲秘密工人", phone="13900000001")
    w.peer = make_user("peer", org=tree.ent_a1)
    w.far = make_user("far", org=tree.ent_b1)
    w.author = make_user("author", role="trainer", org=tree.city_a)
    w.coauthor = make_user("coauthor", role="trainer", org=tree.city_a)
    w.trainer = make_user("trainer", role="trainer", org=tree.city_a)
    w.admin_a = make_user("admin_a", role="admin", org=tree.city_a)
    w.admin_b = make_user("admin_b", role="admin", org=tree.city_b)
    w.keeper_a = make_user("keeper_a", role="admin", org=tree.prov_a)
    w.keeper_b = make_user("keeper_b", role="admin", org=tree.prov_b)
    # A worker of 甲市 who signs in with a code (two-step sign-in), for the admins' reset.
    w.guarded = make_user("guarded", org=tree.ent_a1)
    twofactor.start_setup(w.guarded)
    twofactor.confirm_setup(w.guarded, pyotp.TOTP(twofactor.pending_secret(w.guarded)).now())

    # A course for 甲市's members only, which the owner has finished: progress, an attempt,
    # ledger entries, a course credential.
    w.course = make_course(
        "a-course",
        title="甲市专属课程",
        audience_org_id=tree.city_a.id,
        modules=(("read", "lesson", "1", 10), ("clip", "video", "1", 5), ("check", "quiz", "1", 5)),
    )
    media = tmp_path / "instance" / "media" / "a-course"
    media.mkdir(parents=True)
    (media / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    learning.enrol(w.owner, w.course)
    modules = {m.key: (m, r) for m, r in course_modules(w.course)}
    learning.complete_module(w.owner, w.course, *modules["read"])
    learning.complete_module(w.owner, w.course, *modules["clip"])
    w.attempt = learning.submit_quiz(
        w.owner, w.course, *modules["check"], {k[1:]: v for k, v in quiz_answers(modules["check"][1]).items()}
    )
    w.quiz_answers = quiz_answers(modules["check"][1])
    # The owner's drill over the course's bank: the first of its two questions answered.
    from learnhub.catalog.models import BankChoice, BankQuestion
    from learnhub.contests import drills
    from learnhub.notify.models import Notification
    from learnhub.notify.services import notify
    from learnhub.notify.sms import queue_sms

    for n in range(2):
        db.session.add(
            BankQuestion(
                course_id=w.course.id,
                key=f"drill-{n}",
                topic="用电",
                kind="single",
                text=f"练兵题{n}",
                choices=[BankChoice(position=0, text="对", is_correct=True), BankChoice(position=1, text="错")],
            )
        )
    db.session.flush()
    w.drill = drills.start_drill(w.owner)
    first, second = drills.drill_paper(w.drill)
    drills.answer(w.owner, w.drill, 1, [str(first[1][0].id)])
    w.drill_answer = {"number": "2", f"q{second[0].id}": str(second[1][0].id)}
    # A contest of 甲市 over the same bank, open now.
    from datetime import datetime as _datetime
    from zoneinfo import ZoneInfo

    from learnhub.contests import competitions

    beijing = _datetime.now(ZoneInfo("Asia/Shanghai"))
    w.contest = competitions.create_contest(
        w.admin_a,
        {
            "title": "甲秘密比武",
            "courses": [str(w.course.id)],
            "basic": "2",
            "harder": "0",
            "time_limit": "10",
            "opens_at": (beijing - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            "closes_at": (beijing + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
        },
    )
    notify(w.owner, key="access-matrix", kind="test", title="一条消息", link="/me/record")
    w.notification = db.session.scalar(db.select(Notification).where(Notification.user_id == w.owner.id))
    w.sms = queue_sms(key="access-matrix", user=w.owner, phone=w.owner.phone, template="notice", params={}, text="x")
    w.sms.status = "failed"  # in the dead-letter list
    db.session.flush()
    from learnhub.credits.models import Account, LedgerEntry

    def entry_of(user):
        return db.session.scalar(
            db.select(LedgerEntry)
            .join(Account, Account.id == LedgerEntry.account_id)
            .where(Account.user_id == user.id)
            .order_by(LedgerEntry.id)
            .limit(1)
        )

    w.entry = entry_of(w.owner)
    w.credential = db.session.scalar(db.select(Credential).where(Credential.user_id == w.owner.id))
    assert w.entry is not None and w.credential is not None

    # A worker of tree B with a ledger entry of their own, for addresses that mix the two.
    open_course = make_course("open-course", modules=(("only", "lesson", "1", 10),))
    learning.enrol(w.far, open_course)
    learning.complete_module(w.far, open_course, *course_modules(open_course)[0])
    db.session.flush()
    w.far_entry = entry_of(w.far)

    # A pathway kept by 甲省, offered to its workers; the owner applied, the reviewer asked a question.
    version = load_pathway(
        "a-pathway",
        tree.prov_a,
        title="甲省学分转换",
        target_kind="academic",
        institution="滨江职业技术学院",
        programme="电气自动化技术专业",
        course_name="电工安全技术",
        target_credits="2",
        required_courses="a-course",
        min_credits="1",
        categories=["safety"],
    )
    w.pathway_id = version.pathway_id
    w.application = recognition.apply(w.owner, w.pathway_id, "甲秘密申请说明")
    recognition.ask_for_information(w.admin_a, w.application, "请补充证明")
    # The owner answered once with a certificate; the reviewer asked again, so the owner may answer.
    recognition.respond(w.owner, w.application, "甲秘密补充说明", [("证书.pdf", PDF)])
    w.answer_file_id = w.application.events[-1].files[0].id
    recognition.ask_for_information(w.admin_a, w.application, "请再补一张照片")

    # Prior learning with its certificate.
    w.claim = prior.submit(
        w.owner,
        title="甲秘密先前学习",
        issuer="滨江重型机械厂培训中心",
        achieved_on="2024-06-30",
        hours="16",
        description="低压电工实操",
        filename="证书.pdf",
        data=PDF,
    )

    # A course 甲市 requires of its workers.
    w.requirement = required.require_course(w.admin_a, w.course.id, today() + timedelta(days=30), today())

    # A personal API token of the owner's; every role gets one of its own for the API's matrix.
    from learnhub.api import services as api

    w.token = api.create_personal_token(w.owner, "甲秘密应用", ["record", "learn"])[0]
    w.secrets = {role: api.create_personal_token(getattr(w, role), "app", ["record", "learn"])[1] for role in ROLES[1:]}
    # Union systems: a client of 甲市 (made by its admin) that knows the owner by an external id.
    from learnhub.api import unions

    w.union_client, w.union_secret = unions.create_client(w.admin_a, "甲秘密系统", tree.city_a.id, ["roster"])
    db.session.add(unions.WorkerLink(org_id=tree.city_a.id, external_id="A-OWNER", user_id=w.owner.id))

    # The author's draft in the studio: a lesson, a quiz with two questions, a co-trainer, a picture.
    w.draft = studio.create_course(w.author, dict(DETAILS), slug="a-draft")
    authoring.add_module(w.author, w.draft, "lesson", "为什么要交底", key="why")
    authoring.save_lesson(
        w.author,
        w.draft,
        "why",
        {
            "title": "为什么要交底",
            "minutes": "20",
            "credits": "0.5",
            "body": "交底让每个人知道今天的危险。",
            "is_required": "y",
        },
    )
    authoring.add_module(w.author, w.draft, "quiz", "小测验", key="check")
    authoring.save_quiz_settings(
        w.author,
        w.draft,
        "check",
        {"title": "小测验", "minutes": "10", "credits": "0.5", "pass_mark": "50", "attempts": "3", "is_required": "y"},
    )
    for text in ("交底在什么时候做？", "交底要讲哪些？"):
        authoring.save_question(
            w.author, w.draft, "check", None, "single", text, [("开工前", True), ("下班后", False)], "开工前交底。"
        )
    studio.add_editor(w.author, w.draft, "coauthor")
    from learnhub.studio import bank as banking

    w.bank_question = banking.save_bank_question(
        w.author,
        w.draft,
        None,
        {
            "kind": "number",
            "text": "甲秘密题库题：安全电压？",
            "explanation": "36 V。",
            "topic": "用电",
            "value": "36",
            "unit": "V",
        },
    )
    # A course of the author's for 甲市 that pays credits, sent for review (审核) by 甲市's admins.
    w.in_review = studio.create_course(
        w.author, dict(DETAILS, title="甲秘密审核课程", audience=str(tree.city_a.id)), slug="a-review"
    )
    authoring.add_module(w.author, w.in_review, "lesson", "第一课", key="one")
    authoring.save_lesson(w.author, w.in_review, "one", {"title": "第一课", "minutes": "5", "body": "正文。"})
    publishing.publish(w.author, w.in_review)
    w.upload = store_upload(w.author, w.draft, FileStorage(io.BytesIO(_png()), "甲秘密图片.png", "file"))
    # A video of the draft whose phone rendition is ready (studio/transcode.py), and the
    # rendition of the published course's clip, served beside it.
    from learnhub.catalog.models import VideoRendition
    from learnhub.core.storage import storage

    w.video = store_upload(w.author, w.draft, FileStorage(io.BytesIO(MP4), "甲秘密视频.mp4", "file"))
    stem = w.video.name.rsplit(".", 1)[0]
    for key in (f"uploads/{stem}.480p.mp4", f"uploads/{stem}.poster.jpg", "uploads/clip.480p.mp4"):
        storage().put(key, MP4)
    ready = dict(status="ready", source_size=len(MP4), width=852, height=480, size=len(MP4), duration_ms=5000)
    db.session.add_all(
        [
            VideoRendition(
                course_id=w.draft.id,
                name=w.video.name,
                source_key=f"uploads/{w.video.name}",
                video_key=f"uploads/{stem}.480p.mp4",
                poster_key=f"uploads/{stem}.poster.jpg",
                **ready,
            ),
            VideoRendition(
                course_id=w.course.id,
                name="clip.mp4",
                source_key="media/a-course/clip.mp4",
                video_key="uploads/clip.480p.mp4",
                poster_key="uploads/clip.480p.mp4",
                **ready,
            ),
        ]
    )

    # A finished export job of 甲市's admin, its file in storage.
    from learnhub.core import jobs
    from learnhub.core.db import utcnow
    from learnhub.core.storage import storage

    job = jobs.Job(owner_id=w.admin_a.id, kind="stats_export", params={}, state="done", progress=100)
    job.result_key, job.result_name, job.result_mime = "jobs/access/workforce.csv", "workforce.csv", "text/csv"
    job.expires_at = utcnow() + timedelta(hours=1)
    db.session.add(job)
    storage().put(job.result_key, "甲秘密工人,1".encode())
    w.job = job
    # A finished bulk onboarding of the same admin: its handout of initial passwords.
    handout = jobs.Job(owner_id=w.admin_a.id, kind="people_import", params={}, state="done", progress=100)
    handout.result_key, handout.result_name = "jobs/access/initial-passwords.csv", "initial-passwords.csv"
    handout.result_mime, handout.expires_at = "text/csv", utcnow() + timedelta(hours=1)
    db.session.add(handout)
    storage().put(handout.result_key, "姓名,手机号,用户名,工会,初始密码\r\n甲秘密工人,13800000000,,厂,x\r\n".encode())
    w.handout = handout

    # An entry of the audit log about the owner.
    audit.record(w.admin_a, "person.role", "user", w.owner.id, w.owner.org.path, note="甲秘密审计")
    db.session.flush()
    yield w
    app.extensions.pop("recognition_signing_key", None)


def cases(w):
    """The matrix: endpoint -> the ways to fill its arguments and who may use each."""
    t = w.tree
    course, draft, in_review = dict(slug=w.course.slug), dict(slug=w.draft.slug), dict(slug=w.in_review.slug)
    person = dict(user_id=w.owner.id)
    studio_also = ("admin_a", "keeper_a")  # admins over the course's union edit it too
    admins = ("keeper_a",)  # the province's admin is over 甲市 too
    lesson = {"title": "为什么要交底", "minutes": "20", "credits": "0.5", "body": "改过的正文", "is_required": "y"}
    question = {
        "kind": "single",
        "text": "新的题目",
        "choice1": "对",
        "correct1": "y",
        "choice2": "错",
        "explanation": "因为对。",
    }
    return {
        # ------------------------------------------------------------ learning (a course for 甲市)
        "learning.course": [Case(course, "owner", CITY_A)],
        "learning.module": [Case(dict(course, key="read"), "owner", CITY_A)],
        "learning.completed": [Case(course, "owner", CITY_A)],
        "learning.enrol": [Case(course, "owner", CITY_A)],
        "learning.done": [Case(dict(course, key="read"), "owner")],
        # What the phone downloads of a course: its enrolled learner only (the others are not enrolled).
        "offline.course_files": [Case(course, "owner")],
        "learning.position": [Case(dict(course, key="clip"), "owner", form={"position": "3"}, post_ok=(204,))],
        "learning.heartbeat": [Case(dict(course, key="read"), "owner", post_ok=(204,))],
        "notify.read": [Case(dict(notification_id=w.notification.id), "owner")],
        "api.revoke": [Case(dict(token_id=w.token.id), "owner")],
        "api.revoke_client": [Case(dict(client_pk=w.union_client.id), "admin_a", ("keeper_a",))],
        "notify.sms_retry": [
            Case(dict(message_id=w.sms.id), None, note="admins of the national union only: tests/notify/test_sms.py")
        ],
        "learning.quiz": [Case(dict(course, key="check"), "owner", form=w.quiz_answers)],
        "learning.attempt": [Case(dict(course, key="check", attempt_id=w.attempt.id), "owner")],
        # The quiz is not timed: the owner's Start is refused past the scope check (a message, 302).
        "learning.start": [Case(dict(course, key="check"), "owner")],
        # ------------------------------------------------------------ the owner's drill (岗位练兵)
        "contests.drill": [Case(dict(drill_id=w.drill.id), "owner")],
        "contests.feedback": [Case(dict(drill_id=w.drill.id, number=1), "owner")],
        "contests.answer": [Case(dict(drill_id=w.drill.id), "owner", form=w.drill_answer)],
        # ------------------------------------------------------------ a contest of 甲市 (技术比武)
        "contests.contest": [Case(dict(contest_id=w.contest.id), "owner", ("peer", "admin_a", "keeper_a"))],
        "contests.enter": [Case(dict(contest_id=w.contest.id), "owner", ("peer",))],
        "contests.submit": [Case(dict(contest_id=w.contest.id), "owner", ("peer",), note="not entered: refused, 302")],
        "contests.publish": [Case(dict(contest_id=w.contest.id), "admin_a", ("keeper_a",))],
        "catalog.media": [
            Case(dict(course, filename="clip.mp4"), "owner", CITY_A),
            Case(dict(course, filename="clip.480p.mp4"), "owner", CITY_A, note="its phone rendition"),
        ],
        # ------------------------------------------------------------ a person, for admins over them
        "accounts.person": [
            Case(person, "admin_a", admins),
            Case(dict(user_id=w.keeper_a.id), "keeper_a", note="a person above 甲市: not for its admin"),
        ],
        "accounts.person_role": [Case(person, "admin_a", admins, form={"role": "worker"}, post_ok=(302, 400))],
        "accounts.person_union": [Case(person, "admin_a", admins, form={"org_id": t.ent_a2.id})],
        "accounts.person_active": [Case(person, "admin_a", admins, form={"active": "0"})],
        "accounts.person_password": [Case(person, "admin_a", admins, post_ok=(200,))],
        "accounts.person_two_factor": [Case(dict(user_id=w.guarded.id), "admin_a", admins)],
        "recognition.person_credentials": [Case(person, "admin_a", admins)],
        "credits.person_record": [Case(person, "admin_a", admins)],
        "credits.reverse": [
            Case(dict(person, entry_id=w.entry.id), "admin_a", admins, form={"reason": "重复记录"}),
            Case(
                dict(person, entry_id=w.far_entry.id),
                form={"reason": "重复记录"},
                note="an entry of tree B under 甲市's person",
            ),
            Case(
                dict(user_id=w.far.id, entry_id=w.entry.id),
                form={"reason": "重复记录"},
                note="甲市's entry under tree B's person",
            ),
        ],
        # ------------------------------------------------------------ the owner's recognition
        "recognition.application": [Case(dict(application_id=w.application.id), "owner")],
        "recognition.respond": [Case(dict(application_id=w.application.id), "owner", form={"message": "证明已补"})],
        "recognition.withdraw": [Case(dict(application_id=w.application.id), "owner")],
        "recognition.application_file": [
            Case(dict(application_id=w.application.id, file_id=w.answer_file_id), "owner", ("admin_a", "keeper_a"))
        ],
        "recognition.review_application": [Case(dict(application_id=w.application.id), "admin_a", admins)],
        "recognition.decide": [
            Case(
                dict(application_id=w.application.id),
                "admin_a",
                admins,
                form={"action": "info", "message": "还缺一份证明"},
            )
        ],
        "recognition.prior_claim": [Case(dict(claim_id=w.claim.id), "owner")],
        "recognition.prior_certificate": [Case(dict(claim_id=w.claim.id), "owner", ("admin_a", "keeper_a"))],
        "recognition.review_prior": [Case(dict(claim_id=w.claim.id), "admin_a", admins)],
        "recognition.grant_prior": [
            Case(dict(claim_id=w.claim.id), "admin_a", admins, form={"credits": "1", "hours": "16"})
        ],
        "recognition.reject_prior": [Case(dict(claim_id=w.claim.id), "admin_a", admins, form={"reason": "证书看不清"})],
        "recognition.revoke": [Case(dict(cid=w.credential.uuid), "admin_a", admins, form={"reason": "发错了"})],
        # The printable certificate and the share picture carry the whole name: the holder's alone.
        "recognition.credential_certificate": [Case(dict(cid=w.credential.uuid), "owner")],
        "recognition.credential_picture": [Case(dict(cid=w.credential.uuid), "owner")],
        # A pathway kept by 甲省: offered to its workers, kept by its admin.
        "recognition.pathway": [Case(dict(pathway_id=w.pathway_id), "owner", ("peer",))],
        # The owner's application is open, so the service refuses a second one (400).
        "recognition.apply": [
            Case(dict(pathway_id=w.pathway_id), "owner", ("peer",), form={"note": "请审核"}, post_ok=(400,))
        ],
        "recognition.edit_pathway": [
            Case(dict(pathway_id=w.pathway_id), "keeper_a", form={"title": ""}, post_ok=(400,))
        ],
        "recognition.pathway_active": [Case(dict(pathway_id=w.pathway_id), "keeper_a", form={"active": "0"})],
        # ------------------------------------------------------------ statistics of 甲市
        "stats.overview": [
            Case(dict(org_id=t.city_a.id), "admin_a", admins),
            Case(dict(org_id=t.prov_a.id), "keeper_a", note="the union above 甲市: not for its admin"),
        ],
        "stats.courses": [Case(dict(org_id=t.city_a.id), "admin_a", admins)],
        "stats.people": [Case(dict(org_id=t.city_a.id), "admin_a", admins)],
        "stats.contests": [Case(dict(org_id=t.city_a.id), "admin_a", admins)],
        "stats.workforce": [Case(dict(org_id=t.ent_a1.id), "admin_a", admins)],
        "stats.required_list": [Case(dict(org_id=t.city_a.id), "admin_a", admins)],
        "stats.required_detail": [
            Case(dict(org_id=t.city_a.id, requirement_id=w.requirement.id), "admin_a", admins, form={"everyone": "1"}),
            Case(
                dict(org_id=t.city_b.id, requirement_id=w.requirement.id),
                note="甲市's requirement under 乙市",
                form={"everyone": "1"},
            ),
        ],
        "stats.export": [
            Case(dict(org_id=t.city_a.id, name="workforce", fmt="csv"), "admin_a", admins),
            Case(
                dict(org_id=t.city_b.id, name="not-finished", fmt="csv"),
                query=f"?requirement={w.requirement.id}",
                note="乙市's list of 甲市's requirement",
            ),
        ],
        "stats.export_job": [
            Case(dict(org_id=t.city_a.id, name="workforce", fmt="xlsx"), "admin_a", admins),
            Case(
                dict(org_id=t.city_b.id, name="not-finished", fmt="csv"),
                query=f"?requirement={w.requirement.id}",
                note="乙市's list of 甲市's requirement",
            ),
        ],
        # ------------------------------------------------------------ a job: its owner only
        "core.job": [Case(dict(job_id=w.job.id), "admin_a", note="another admin, even above, does not see it")],
        "core.job_download": [Case(dict(job_id=w.job.id), "admin_a")],
        "accounts.people_import_handout": [
            Case(dict(job_id=w.handout.id), "admin_a"),
            Case(dict(job_id=w.job.id), note="an export, not a bulk onboarding: no handout"),
        ],
        "stats.required_remove": [Case(dict(requirement_id=w.requirement.id), "admin_a", admins)],
        "stats.required_remind": [
            Case(dict(org_id=t.city_a.id, requirement_id=w.requirement.id), "admin_a", admins, form={"everyone": "1"}),
            Case(
                dict(org_id=t.city_b.id, requirement_id=w.requirement.id),
                note="甲市's requirement under 乙市",
                form={"everyone": "1"},
            ),
        ],
        # ------------------------------------------------------------ the author's draft
        "studio.course": [Case(draft, "author", studio_also)],
        "studio.details": [Case(draft, "author", studio_also, form=dict(DETAILS, title="改过的标题"))],
        "studio.history": [Case(draft, "author", studio_also)],
        "studio.export": [Case(draft, "author", studio_also)],
        "studio.learners_page": [Case(draft, "author", studio_also)],
        "studio.learners_csv": [Case(draft, "author", studio_also)],
        "studio.editors": [Case(draft, "author", studio_also, form={"username": "trainer"})],
        "studio.remove_editor": [Case(dict(draft, user_id=w.coauthor.id), "author", studio_also)],
        # An upload without a file: refused by the form, past the scope check.
        "studio.media": [Case(draft, "author", studio_also, post_ok=(400,))],
        "studio.media_file": [Case(dict(draft, name=w.upload.name), "author", studio_also)],
        "studio.rendition_file": [Case(dict(draft, name=w.video.name, part="poster"), "author", studio_also)],
        # Ready already: refused past the scope check, with a message (302).
        "studio.transcode_again": [Case(dict(draft, name=w.video.name), "author", studio_also)],
        "studio.add_module": [Case(draft, "author", studio_also, form={"kind": "lesson", "title": "新单元"})],
        "studio.module": [Case(dict(draft, key="why"), "author", studio_also, form=lesson)],
        "studio.move_module": [Case(dict(draft, key="why"), "author", studio_also, form={"to": "down"})],
        "studio.remove_module": [Case(dict(draft, key="why"), "author", studio_also)],
        "studio.question": [Case(dict(draft, key="check", number=1), "author", studio_also, form=question)],
        "studio.question_action": [Case(dict(draft, key="check", number=1, action="down"), "author", studio_also)],
        "studio.bank": [Case(draft, "author", studio_also)],
        "studio.bank_question": [
            Case(
                dict(draft, question_id=w.bank_question.id),
                "author",
                studio_also,
                form=dict(question, topic="交底", difficulty="basic"),
            )
        ],
        "studio.bank_retire": [Case(dict(draft, question_id=w.bank_question.id), "author", studio_also)],
        "studio.bank_import": [
            Case(draft, "author", studio_also, post_ok=(400,), note="no file: refused beside the field")
        ],
        "studio.bank_template": [Case(draft, "author", studio_also)],
        "studio.live_preview": [Case(draft, "author", studio_also, form={"body": "**预览**"}, post_ok=(200,))],
        "studio.publish": [Case(draft, "author", studio_also)],
        "studio.unpublish": [Case(draft, "author", studio_also)],
        "studio.archive": [Case(draft, "author", studio_also)],
        "studio.restore": [Case(draft, "author", studio_also)],
        "studio.discard": [Case(draft, "author", studio_also)],
        # ------------------------------------------------------------ a course in review (审核) for 甲市
        "studio.withdraw": [Case(in_review, "author", studio_also)],
        "studio.review_page": [Case(in_review, "admin_a", admins, note="甲市's admins review it; not its author")],
        "studio.approve": [Case(in_review, "admin_a", admins)],
        "studio.return_course": [Case(in_review, "admin_a", admins, form={"reason": "请补充防护内容。"})],
    }


# What each role must never find on a page without an id in its address (lists, dashboards,
# the home page), even when the query string names 甲市: role -> markers.
def secrets(w):
    owners = {"甲秘密工人", "甲秘密先前学习", "甲秘密申请说明"}
    draft = {"甲秘密草稿课程", "甲秘密图片", "甲秘密审核课程", "甲秘密题库题"}
    course = {"甲市专属课程", "甲秘密比武"}
    return {
        "visitor": owners | draft | course,
        "peer": owners | draft,
        "far": owners | draft | course,
        "trainer": owners | draft,
        "admin_b": owners | draft | course | {"甲秘密审计"},
        "keeper_b": owners | draft | course | {"甲秘密审计"},
    }


# ---------------------------------------------------------------- driving


class Matrix:
    """Logged-in clients of every role, and requests that leave the database as they found it."""

    def __init__(self, app, world):
        self.app, self.world = app, world
        self.clients, self.tokens = {}, {}
        for role in ROLES:
            client = app.test_client()
            if role != "visitor":
                assert Auth(client).login(role).status_code == 302, role
            self.clients[role] = client
            self.tokens[role] = csrf_token(client, "/privacy")
        self.requests = 0
        db.session.commit()  # the world and the logins; each request below is rolled back

    def request(self, role, method, path, data=None, token=True):
        data = dict(data or {})
        if method == "POST" and token:
            data["csrf_token"] = self.tokens[role]
        connection = db.session.bind
        savepoint = connection.begin_nested()
        try:
            response = self.clients[role].open(path, method=method, data=data if method == "POST" else None)
            response.get_data()
            response.close()
        finally:
            db.session.rollback()
            savepoint.rollback()
            db.session.expire_all()
        self.requests += 1
        return response


def _is_login_redirect(response):
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def _path(rule, args):
    built = rule.build({k: v for k, v in args.items() if k in rule.arguments}, append_unknown=False)
    assert built is not None, f"{rule.rule}: cannot be built from {args}"
    return built[1]


def _methods(rule):
    return [m for m in ("GET", "POST") if m in rule.methods]


def _id_rules(app):
    return [r for r in app.url_map.iter_rules() if r.arguments]


def test_every_route_with_an_id_is_in_the_matrix_or_public(app, world):
    """A new route with an argument fails here until someone decides who may open it."""
    matrix = {**cases(world), **api_cases(world)}
    unknown = sorted({r.endpoint for r in _id_rules(app)} - set(matrix) - set(PUBLIC))
    assert not unknown, f"routes with ids neither checked nor allow-listed in tests/test_access.py: {unknown}"
    stale = sorted((set(matrix) | set(PUBLIC)) - {r.endpoint for r in app.url_map.iter_rules()})
    assert not stale, f"the matrix names routes that no longer exist: {stale}"
    for rule in _id_rules(app):
        for case in matrix.get(rule.endpoint, []):
            missing = rule.arguments - set(case.args)
            assert not missing, f"{rule.rule}: the matrix gives no value for {missing}"


def _judge(case, role, method, response):
    """("leak" or "denied" or None, what was wanted) for `role`'s answer at a case of the matrix."""
    status = response.status_code
    if role == case.ok:
        wanted = (200,) if method == "GET" else case.post_ok
        return (None if status in wanted else "denied"), wanted
    if role in case.also:
        return ("denied" if status in (403, 404) or status >= 500 else None), "the page or the action"
    if role == "visitor":
        return ("leak" if status != 404 and not _is_login_redirect(response) else None), "404 or the login page"
    return ("leak" if status != 404 else None), "404"


def test_no_one_sees_what_is_not_theirs(app, world):
    matrix = Matrix(app, world)
    table = cases(world)
    leaks, denied = [], []
    rules = [r for r in _id_rules(app) if r.endpoint in table]
    for rule in rules:
        for case in table[rule.endpoint]:
            path = _path(rule, case.args) + case.query
            for method in _methods(rule):
                for role in ROLES:
                    response = matrix.request(role, method, path, case.form)
                    label = f"{role:8} {method:4} {path} -> {response.status_code}" + (
                        f" ({case.note})" if case.note else ""
                    )
                    verdict, wanted = _judge(case, role, method, response)
                    if verdict == "leak":
                        leaks.append(f"{label}, wanted {wanted}")
                    elif verdict == "denied":
                        denied.append(f"{label}, wanted {wanted}")
    print(
        f"\naccess matrix: {matrix.requests} requests over {len(rules)} routes with ids "
        f"({len({r.endpoint for r in rules})} endpoints) as {len(ROLES)} roles; "
        f"{len({r.endpoint for r in _id_rules(app)} & set(PUBLIC))} public endpoints allow-listed"
    )
    # Each request was rolled back: withdrawals, moves and removals by the legitimate roles left no trace.
    db.session.expire_all()
    assert world.application.status == "info_requested" and world.claim.status == "submitted"
    assert world.owner.org_id == world.tree.ent_a1.id and world.owner.is_active_account
    assert world.draft.status == "draft" and db.session.get(type(world.requirement), world.requirement.id)
    assert not leaks and not denied, "\n".join(
        ["someone sees what is not theirs:"] + leaks + ["someone is refused what is theirs:"] + denied
    )


def test_lists_show_nothing_of_another_union(app, world):
    """Pages without an id (lists, dashboards, home) show no one else's records, whatever the query."""
    matrix = Matrix(app, world)
    hidden = secrets(world)
    query = f"?org={world.tree.city_a.id}&q=甲秘密&union=甲市&tab=prior_decided&for_you=&page=1"
    rules = [r for r in app.url_map.iter_rules() if not r.arguments and "GET" in r.methods]
    found = []
    for rule in rules:
        for role, markers in hidden.items():
            for suffix in ("", query):
                response = matrix.request(role, "GET", rule.rule + suffix)
                body = response.get_data(as_text=True)
                found += [f"{role} GET {rule.rule}{suffix}: {m}" for m in markers if m in body]
    print(f"\nlists: {matrix.requests} requests over {len(rules)} pages without ids as {len(hidden)} roles")
    assert not found, "\n".join(["pages show another's records:"] + found)


def test_state_changes_refuse_get_and_posts_without_a_csrf_token(app, world):
    """A POST-only address answers GET with 405, and every POST without a CSRF token 400."""
    matrix = Matrix(app, world)
    table = cases(world)
    adapter = app.url_map.bind("localhost")
    wrong, gets, posts = [], 0, 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in PUBLIC or _is_api(rule):
            continue
        case = table[rule.endpoint][0] if rule.arguments else Case({}, "owner")
        role = case.ok or "owner"
        path = _path(rule, case.args) if rule.arguments else rule.rule
        if "GET" not in rule.methods:
            try:
                adapter.match(path, method="GET")
            except MethodNotAllowed:
                gets += 1
                status = matrix.request(role, "GET", path).status_code
                if status != 405:
                    wrong.append(f"{role} GET {path} -> {status}, wanted 405")
            except NotFound:
                wrong.append(f"{path}: no rule matches")
        posts += 1
        status = matrix.request(role, "POST", path, case.form, token=False).status_code
        if status != 400:
            wrong.append(f"{role} POST {path} without a CSRF token -> {status}, wanted 400")
    print(f"\nstate changes: {gets} POST-only addresses tried with GET, {posts} POSTs without a CSRF token")
    assert not wrong, "\n".join(wrong)
    assert gets > 30 and posts > 50  # the URL map was really walked


# ---------------------------------------------------------------- the JSON API (bearer tokens)


def _is_api(rule):
    """A rule of the token-authenticated API (or its OAuth token endpoint): no cookie, no CSRF token."""
    return rule.rule.startswith("/api/v1/") and (rule.endpoint.startswith("api_") or rule.endpoint == "api.oauth_token")


def api_cases(w):
    """The API's routes with ids, each role calling with a personal token of its own (visitors with none)."""
    course = dict(slug=w.course.slug)
    return {
        "api_courses.course": [Case(course, "owner", CITY_A)],
        "api_me.enrolment": [Case(course, "owner")],
        "api_me.heartbeat": [Case(dict(course, key="read"), "owner", post_ok=(204,))],
        "api_me.position": [Case(dict(course, key="clip"), "owner", form={"position": 3}, post_ok=(204,))],
        "api_me.complete": [Case(dict(course, key="read"), "owner", post_ok=(200,))],
        # For union systems (their own test below): 甲市's client updates the worker it knows.
        "api_union.upsert_worker": [Case(dict(external_id="A-OWNER"), "client_a")],
    }


def _api_request(app, method, path, secret=None, body=None, cookie_client=None):
    client = cookie_client or app.test_client()
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    connection = db.session.bind
    savepoint = connection.begin_nested()
    try:
        response = client.open(path, method=method, headers=headers, json=body if method == "POST" else None)
        response.get_data()
        response.close()
    finally:
        db.session.rollback()
        savepoint.rollback()
        db.session.expire_all()
    return response


def test_the_api_shows_no_one_what_is_not_theirs(app, world):
    """Every API route with an id, by every role's token: the matrix's rule, and 401 or 404 for visitors."""
    table = api_cases(world)
    db.session.commit()
    wrong, requests = [], 0
    for rule in [r for r in _id_rules(app) if r.endpoint in table and not r.endpoint.startswith("api_union")]:
        for case in table[rule.endpoint]:
            path = _path(rule, case.args)
            for method in _methods(rule):
                for role in ROLES:
                    response = _api_request(app, method, path, world.secrets.get(role), case.form)
                    requests += 1
                    status = response.status_code
                    if role == "visitor":
                        verdict = None if status in (401, 404) else "leak"
                    else:
                        verdict, _wanted = _judge(case, role, method, response)
                    if verdict:
                        wrong.append(f"{verdict}: {role} {method} {path} -> {status}")
    print(f"\nAPI access matrix: {requests} requests with bearer tokens")
    assert requests > 40
    assert not wrong, "\n".join(wrong)


def test_a_browser_session_opens_no_api_route(app, world):
    """Signed in on the site (a cookie), but no token: every API route answers 401, POSTs too (no CSRF to forge)."""
    matrix = Matrix(app, world)
    table = api_cases(world)
    wrong = []
    rules = [r for r in app.url_map.iter_rules() if _is_api(r)]
    for rule in rules:
        path = _path(rule, table[rule.endpoint][0].args) if rule.arguments else rule.rule
        for method in [m for m in ("GET", "POST", "PUT") if m in rule.methods]:
            status = _api_request(app, method, path, cookie_client=matrix.clients["owner"]).status_code
            if rule.endpoint.startswith("api_courses") or rule.endpoint == "api.oauth_token":
                continue  # the catalogue answers visitors too: as to a visitor (a course for 甲市: 404)
            if status != 401:
                wrong.append(f"owner's cookie {method} {path} -> {status}, wanted 401")
    assert len(rules) >= 8 and not wrong, "\n".join(wrong)


def test_a_union_system_reaches_only_its_own_subtree(app, world, client):
    """Clients of 甲市, 乙市 and 乙省, and personal tokens: only 甲市's (and 甲省's, above it) may update 甲市's worker."""
    import base64

    from learnhub.api import unions

    w = world
    tokens = {}
    for name, org, admin in (
        ("client_a", w.tree.city_a, None),
        ("client_b", w.tree.city_b, w.admin_b),
        ("client_prov_b", w.tree.prov_b, w.keeper_b),
        ("client_prov_a", w.tree.prov_a, w.keeper_a),
    ):
        made, secret = (
            (w.union_client, w.union_secret) if admin is None else unions.create_client(admin, name, org.id, ["roster"])
        )
        basic = base64.b64encode(f"{made.client_id}:{secret}".encode()).decode()
        answer = client.post(
            "/api/v1/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        )
        tokens[name] = answer.json["access_token"]
    db.session.commit()
    body = {"name": "甲秘密工人", "union": w.tree.ent_a1.id, "occupation": "electrician", "skill_level": "none"}
    allowed = {"client_a": (200,), "client_prov_a": (201,)}  # 甲省's own link namespace: a new link, refused below
    wrong = []
    for who, secret in {**tokens, **{role: w.secrets[role] for role in ("owner", "admin_a")}, "visitor": None}.items():
        status = _api_request_put(app, "/api/v1/union/roster/A-OWNER", secret, body)
        if who == "client_prov_a":
            ok = status in (
                201,
                422,
            )  # 甲省 does not know A-OWNER: it would open an account (the phone is missing: 422)
        elif who in allowed:
            ok = status in allowed[who]
        elif who.startswith("client_"):
            ok = status == 422  # 甲市's union is outside its subtree: refused, nothing changed
        else:
            ok = status == 401  # no union system's token
        if not ok:
            wrong.append(f"{who} PUT A-OWNER -> {status}")
        roster = _api_request(app, "GET", "/api/v1/union/roster?limit=100", secret).get_json(silent=True) or {}
        names = {p["name"] for p in roster.get("items", [])}
        if who in ("client_b", "client_prov_b") and "甲秘密工人" in names:
            wrong.append(f"{who} sees 甲市's worker in its roster")
    assert not wrong, "\n".join(wrong)


def _api_request_put(app, path, secret, body):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    connection = db.session.bind
    savepoint = connection.begin_nested()
    try:
        response = client.put(path, headers=headers, json=body)
        status = response.status_code
        response.close()
    finally:
        db.session.rollback()
        savepoint.rollback()
        db.session.expire_all()
    return status
