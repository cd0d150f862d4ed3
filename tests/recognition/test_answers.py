"""The reviewer's loop: "ask for more", the worker answers with text, photos and PDFs, the reviewer decides.

Each step reaches the other side through notify (the inbox, and SMS as the person chose); the
files are checked by content as prior learning's certificates are, and only the applicant and
the reviewers over them may open them.
"""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from learnhub.core.errors import DomainError, NotFound
from learnhub.extensions import db
from learnhub.notify.models import Notification, SmsMessage
from learnhub.recognition import services as recognition
from learnhub.recognition.models import Application, ApplicationEvent, Credential, EventFile, EvidenceFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _photo(size=(60, 40)):
    out = io.BytesIO()
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x8825] = {2: (31.0, 14.0, 0.0)}  # GPSInfo: where the photo was taken
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture
def worker(make_user):
    return make_user("li.ming", name="李明辉", locale="en", phone="13800000021")


@pytest.fixture
def admin(make_user, tree):
    return make_user("city.admin", role="admin", org=tree.city_a, locale="zh_CN", phone="13800000022")


@pytest.fixture
def asked(worker, admin, make_pathway, safety_course, finish):
    """An application of `worker` on which `admin` asked for the certificate."""
    finish(worker, safety_course)
    version = make_pathway(title="电工安全学分转换", min_credits="1")
    application = recognition.apply(worker, version.pathway_id)
    recognition.ask_for_information(admin, application, "请上传电工证的照片")
    return application


def _inbox(user):
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


def _sms_to(user):
    return db.session.scalars(select(SmsMessage).where(SmsMessage.user_id == user.id)).all()


def _text(response):
    return response.get_data(as_text=True)


def test_the_thread_from_question_to_credential(client, auth, worker, admin, asked):
    [question] = [n for n in _inbox(worker) if n.kind.startswith("application.")]
    assert question.kind == "application.info_requested" and "请上传电工证的照片" in question.body
    assert question.link == f"/recognition/applications/{asked.id}"

    auth.login("li.ming")
    page = _text(client.get(f"/recognition/applications/{asked.id}"))
    assert "请上传电工证的照片" in page and 'enctype="multipart/form-data"' in page and 'name="files"' in page
    answered = auth.post(
        f"/recognition/applications/{asked.id}/respond",
        {"message": "照片在附件里", "files": [(io.BytesIO(_photo()), "IMG_2024.jpg"), (io.BytesIO(PDF), "证书.pdf")]},
        content_type="multipart/form-data",
    )
    assert answered.status_code == 302
    assert db.session.get(Application, asked.id).status == "submitted"
    page = _text(client.get(f"/recognition/applications/{asked.id}"))
    assert "照片在附件里" in page and "IMG_2024.jpg" in page and "证书.pdf" in page
    photo, pdf = db.session.scalars(select(EvidenceFile).join(EventFile).order_by(EvidenceFile.id)).all()
    own = client.get(f"/recognition/applications/{asked.id}/files/{photo.id}")
    assert own.status_code == 200 and own.mimetype == "image/jpeg"
    assert "sandbox" in own.headers["Content-Security-Policy"] and own.headers["Cache-Control"] == "private, no-store"
    assert b"PhoneMaker" not in own.data and Image.open(io.BytesIO(own.data)).getexif().get(0x8825) is None
    download = client.get(f"/recognition/applications/{asked.id}/files/{pdf.id}")
    assert download.mimetype == "application/pdf" and download.headers["Content-Disposition"].startswith("attachment")
    auth.logout()

    # The reviewer who asked is told, in their own language, inbox and SMS.
    [told] = _inbox(admin)
    assert told.kind == "review.info_given" and told.link == f"/recognition/review/{asked.id}"
    assert "李明辉" in told.title and "已答复" in told.title and "照片在附件里" in told.body and "2" in told.body
    assert len(_sms_to(admin)) == 1

    auth.login("city.admin")
    review = _text(client.get(f"/recognition/review/{asked.id}"))
    assert "照片在附件里" in review and f"/recognition/applications/{asked.id}/files/{photo.id}" in review
    assert client.get(f"/recognition/applications/{asked.id}/files/{photo.id}").status_code == 200
    assert auth.post(f"/recognition/review/{asked.id}", {"action": "approve"}).status_code == 302
    auth.logout()

    credential = db.session.scalar(select(Credential).where(Credential.source_type == "application"))
    approved = next(n for n in _inbox(worker) if n.kind == "application.approved")
    assert approved.link == f"/credentials/{credential.uuid}"
    auth.login("li.ming")
    inbox = _text(client.get("/inbox"))
    assert approved.title in inbox and "Your credential is ready" in inbox
    opened = auth.post(f"/inbox/{approved.id}/read")
    assert opened.headers["Location"] == f"/credentials/{credential.uuid}"
    page = _text(client.get(f"/recognition/applications/{asked.id}"))
    assert f'href="/credentials/{credential.uuid}"' in page and "Open my credential" in page


def test_a_reviewer_who_chose_no_sms_for_answers_gets_the_inbox_only(auth, worker, admin, asked):
    from learnhub.notify.sms import set_sms_events

    set_sms_events(admin, ["application"])
    recognition.respond(worker, asked, "", [("c.pdf", PDF)])
    assert [n.kind for n in _inbox(admin)] == ["review.info_given"] and _sms_to(admin) == []


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("renamed.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "Send a photo"),  # a Windows program
        ("notes.txt", "只是文字".encode(), "Send a photo"),
        ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "Send a photo"),
        ("cut.pdf", b"%PDF-1.4\n1 0 obj", "incomplete or damaged"),
    ],
)
def test_a_file_that_is_not_a_photo_or_pdf_is_refused_and_the_answer_kept(
    client, auth, worker, asked, name, data, said
):
    auth.login("li.ming")
    response = auth.post(
        f"/recognition/applications/{asked.id}/respond",
        {"message": "照片在附件里", "files": [(io.BytesIO(data), name)]},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    page = _text(response)
    assert response.status_code == 400 and said in page and 'id="files-error"' in page
    assert "照片在附件里" in page  # what was typed is still there
    assert db.session.get(Application, asked.id).status == "info_requested"
    assert db.session.scalars(select(EvidenceFile)).all() == []


def test_too_big_too_many_or_nothing_at_all_is_refused(app, monkeypatch, worker, asked):
    monkeypatch.setitem(app.config, "PRIOR_LEARNING_MAX_BYTES", 1024)
    with pytest.raises(DomainError, match="文件超过"):
        recognition.respond(worker, asked, "", [("big.pdf", PDF + b"0" * 2000 + b"%%EOF")])
    with pytest.raises(DomainError, match="最多只能附3个文件"):
        recognition.respond(worker, asked, "看附件", [("c.pdf", PDF)] * 4)
    with pytest.raises(DomainError, match="或者附上照片"):
        recognition.respond(worker, asked, "   ", [("", b"")])  # an empty file input, as browsers send it
    assert asked.status == "info_requested" and db.session.scalars(select(EvidenceFile)).all() == []


def test_only_the_applicant_and_the_reviewers_over_them_open_the_files(
    client, auth, make_user, tree, worker, admin, asked, make_pathway
):
    recognition.respond(worker, asked, "见附件", [("c.pdf", PDF)])
    file_id = db.session.scalar(select(EventFile.file_id))
    url = f"/recognition/applications/{asked.id}/files/{file_id}"
    make_user("peer", org=worker.org)
    make_user("far.admin", role="admin", org=tree.prov_b)
    for who in ("peer", "far.admin"):
        auth.login(who)
        assert client.get(url).status_code == 404, who
        assert client.get(f"/recognition/applications/{asked.id}").status_code == 404, who
        auth.logout()
    with pytest.raises(NotFound):
        recognition.answer_file(admin, asked.id + 1, file_id)  # a file of this application under another's id
    auth.login("li.ming")
    assert client.get(f"/recognition/applications/{asked.id}/files/{file_id + 1}").status_code == 404
    # A prior-learning certificate is not an answer's file, even for its own owner.
    from learnhub.recognition import prior

    claim = prior.submit(
        worker,
        title="电工培训",
        issuer="培训中心",
        achieved_on="2024-06-30",
        hours="8",
        description="",
        filename="c.pdf",
        data=PDF,
    )
    assert client.get(f"/recognition/applications/{asked.id}/files/{claim.file_id}").status_code == 404


def test_an_answer_needs_a_question_and_the_files_go_with_the_account(app, worker, admin, asked):
    from learnhub.accounts.services import erase_account
    from learnhub.core.storage import storage
    from tests.conftest import PASSWORD

    recognition.respond(worker, asked, "见附件", [("c.pdf", PDF)])
    with pytest.raises(DomainError, match="没有被要求补充材料"):
        recognition.respond(worker, asked, "再补一份", [("c.pdf", PDF)])
    file = db.session.scalar(select(EvidenceFile))
    assert storage().get(file.key) == PDF
    erase_account(worker, PASSWORD)
    db.session.refresh(file)
    assert file.key is None and file.size == 0
    assert db.session.scalar(select(ApplicationEvent).where(ApplicationEvent.action == "info_given")) is not None
