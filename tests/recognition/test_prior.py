"""Prior learning: a certificate checked by its content, a reviewer's grant in the ledger."""

import io
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import select

from learnhub.core.errors import DomainError, NotFound
from learnhub.credits.models import LedgerEntry
from learnhub.extensions import db
from learnhub.recognition import prior
from learnhub.recognition.models import EvidenceFile, PriorLearning

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _photo(fmt="JPEG", size=(40, 20), orientation=None):
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (31.0, 14.0, 0.0)}  # GPSInfo: latitude, where the photo was taken
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture
def worker(make_user):
    return make_user("li.ming", name="李明辉", locale="en")


@pytest.fixture
def admin(make_user, tree):
    return make_user("city.admin", role="admin", org=tree.city_a, locale="en")


def _submit(user, data=PDF, **changes):
    fields = dict(
        title="企业电工培训",
        issuer="滨江重型机械厂培训中心",
        achieved_on="2024-06-30",
        hours="16",
        description="低压电工实操",
        filename="证书.pdf",
        data=data,
    )
    fields.update(changes)
    return prior.submit(user, **fields)


def test_a_photo_is_turned_upright_and_loses_what_the_camera_wrote(worker):
    claim = _submit(worker, data=_photo(orientation=6), filename="IMG_0001.jpg")
    mime, data, name = prior.evidence_of(claim)
    stored = Image.open(io.BytesIO(data))
    assert mime == "image/jpeg" and name.endswith(".jpg")
    assert stored.size == (20, 40)  # rotated as the phone meant it
    assert dict(stored.getexif()) == {}
    assert b"PhoneMaker" not in data
    assert claim.minutes == 16 * 45 and claim.status == "submitted"


def test_png_and_pdf_are_accepted(worker):
    assert prior.evidence_of(_submit(worker, data=_photo("PNG")))[0] == "image/jpeg"
    assert prior.evidence_of(_submit(worker, data=PDF))[0] == "application/pdf"


@pytest.mark.parametrize(
    "data",
    [
        b"just text pretending to be a photo",
        b"GIF89a" + b"\x00" * 40,
        b"%PDF-1.4 cut off in the middle",
        b"\xff\xd8\xff\xe0" + b"\x00" * 100,  # a JPEG header and nothing else
        b"",
    ],
)
def test_a_file_that_is_not_a_certificate_is_refused_and_nothing_is_written(worker, data):
    with pytest.raises(DomainError) as caught:
        _submit(worker, data=data, filename="cert.jpg")
    assert caught.value.field == "file"
    assert db.session.scalars(select(EvidenceFile)).all() == []


def test_too_large_a_file_is_refused(app, worker, monkeypatch):
    monkeypatch.setitem(app.config, "PRIOR_LEARNING_MAX_BYTES", 1024)
    with pytest.raises(DomainError) as caught:
        _submit(worker, data=PDF + b" " * 2048)
    assert caught.value.field == "file"


@pytest.mark.parametrize(
    "changes, field",
    [
        (dict(achieved_on="2999-01-01"), "achieved_on"),
        (dict(achieved_on="30/06/2024"), "achieved_on"),
        (dict(hours="0"), "hours"),
        (dict(hours="abc"), "hours"),
        (dict(hours="99999"), "hours"),
        (dict(issuer=""), "issuer"),
        (dict(title="\u200b"), "title"),
    ],
)
def test_bad_details_are_refused(worker, changes, field):
    with pytest.raises(DomainError) as caught:
        _submit(worker, **changes)
    assert caught.value.field == field


def test_a_grant_is_one_prior_learning_entry(worker, admin):
    claim = _submit(worker)
    with pytest.raises(DomainError):
        prior.grant(admin, claim, credits="1", hours="17")  # more hours than claimed
    prior.grant(admin, claim, credits="1.5", hours="16")
    assert claim.status == "approved" and claim.granted_credits == Decimal("1.50")
    with pytest.raises(DomainError):
        prior.grant(admin, claim, credits="1.5", hours="16")
    [entry] = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "prior_learning")).all()
    assert entry.credits == Decimal("1.50") and entry.minutes == 720 and entry.created_by_id == admin.id


def test_a_reviewer_outside_the_subtree_cannot_decide(worker, make_user, tree):
    claim = _submit(worker)
    stranger = make_user("far", role="admin", org=tree.prov_b)
    with pytest.raises(NotFound):
        prior.grant(stranger, claim, credits="1", hours="1")
    with pytest.raises(NotFound):
        prior.get_claim_for(stranger, claim.id)
    assert claim.status == "submitted"


def test_a_worker_promoted_to_admin_cannot_grant_their_own_claim(worker):
    claim = _submit(worker)
    worker.role = "admin"
    db.session.flush()
    with pytest.raises(NotFound):
        prior.grant(worker, claim, credits="1", hours="1")
    assert claim.status == "submitted"
    assert db.session.scalars(prior.review_query(worker)).all() == []


def test_the_worker_sends_a_certificate_from_a_phone_and_reads_the_decision(client, auth, worker, admin):
    auth.login("li.ming")
    form = {
        "title": "企业电工培训",
        "issuer": "培训中心",
        "achieved_on": "2024-06-30",
        "hours": "16",
        "description": "",
        "status": "approved",
        "granted_credits": "99",
        "file": (io.BytesIO(_photo()), "photo.jpg"),
    }
    response = auth.post("/recognition/prior/new", form, content_type="multipart/form-data")
    assert response.status_code == 302
    claim = db.session.scalar(select(PriorLearning))
    assert claim.status == "submitted" and claim.granted_credits is None
    certificate = client.get(f"/recognition/prior/{claim.id}/certificate")
    assert certificate.mimetype == "image/jpeg" and "sandbox" in certificate.headers["Content-Security-Policy"]
    refused = auth.post(
        "/recognition/prior/new",
        dict(form, file=(io.BytesIO(b"MZ\x90\x00"), "cert.jpg")),
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400 and "Send a photo" in refused.get_data(as_text=True)
    auth.logout()

    auth.login("city.admin")
    assert "1 claim of prior learning waits for review." in client.get("/").get_data(as_text=True)
    assert client.get(f"/recognition/review/prior/{claim.id}").status_code == 200
    assert client.get(f"/recognition/prior/{claim.id}/certificate").status_code == 200
    assert auth.post(f"/recognition/review/prior/{claim.id}/reject", {"reason": ""}).status_code == 400
    assert auth.post(f"/recognition/review/prior/{claim.id}/reject", {"reason": "证书看不清"}).status_code == 302
    auth.logout()

    auth.login("li.ming")
    page = client.get(f"/recognition/prior/{claim.id}").get_data(as_text=True)
    assert "证书看不清" in page and "Rejected" in page


def test_another_worker_cannot_see_a_certificate(client, auth, worker, make_user):
    claim = _submit(worker)
    make_user("peer")
    auth.login("peer")
    assert client.get(f"/recognition/prior/{claim.id}").status_code == 404
    assert client.get(f"/recognition/prior/{claim.id}/certificate").status_code == 404
