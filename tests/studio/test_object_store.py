"""Media in a real S3-compatible bucket: uploaded, checked, streamed with seeking, or presigned."""

import io
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import select

from learnhub.extensions import db
from learnhub.studio.models import Upload

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 40
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def course(studio_course, auth, s3_storage):
    course = studio_course()
    auth.login("trainer1")
    return course


def _upload(auth, course, data, name):
    response = auth.post(
        f"/studio/{course.slug}/media/", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(select(Upload).order_by(Upload.id.desc()))


def _get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def _publish_video(auth, course, video):
    auth.post(f"/studio/{course.slug}/modules", {"kind": "video", "title": "示范", "key": "demo"})
    auth.post(
        f"/studio/{course.slug}/modules/demo",
        {"title": "示范", "minutes": "5", "credits": "0", "body": "", "video": video.path, "action": "save"},
    )
    assert auth.post(f"/studio/{course.slug}/publish").status_code == 302


def test_an_upload_lands_in_the_bucket_and_seeks(client, auth, course, s3_storage, tmp_path):
    upload = _upload(auth, course, MP4, "demo.mp4")
    assert s3_storage.get(f"uploads/{upload.name}") == MP4
    assert not (tmp_path / "instance" / "uploads").exists()  # nothing on this server's disk
    served = _get(client, f"/studio/{course.slug}/media/{upload.name}", headers={"Range": "bytes=100-199"})
    assert served.status_code == 206 and served.data == MP4[100:200] and served.mimetype == "video/mp4"
    assert served.headers["Content-Range"] == f"bytes 100-199/{len(MP4)}"
    whole = _get(client, f"/studio/{course.slug}/media/{upload.name}")
    assert whole.status_code == 200 and whole.data == MP4 and whole.headers["Accept-Ranges"] == "bytes"
    beyond = _get(client, f"/studio/{course.slug}/media/{upload.name}", headers={"Range": f"bytes={len(MP4) + 10}-"})
    assert beyond.status_code == 416


def test_a_pdf_from_the_bucket_downloads_under_its_own_name(client, auth, course):
    upload = _upload(auth, course, PDF, "安全手册.pdf")
    served = _get(client, f"/studio/{course.slug}/media/{upload.name}")
    assert served.data == PDF and served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E5%AE%89" in served.headers["Content-Disposition"]


def test_published_media_stream_from_the_bucket_only_to_whom_may_see_them(
    client, auth, course, make_user, tree, s3_storage
):
    video = _upload(auth, course, MP4, "demo.mp4")
    _publish_video(auth, course, video)
    assert s3_storage.exists(f"media/{course.slug}/{video.name}")
    auth.logout()
    make_user("worker1", locale="en")
    make_user("stranger", org=tree.prov_b, locale="en")  # a union the course is not for
    db.session.commit()
    auth.login("worker1")
    served = _get(client, f"/media/{course.slug}/{video.name}", headers={"Range": "bytes=0-9"})
    assert served.status_code == 206 and served.data == MP4[:10]
    assert _get(client, f"/media/{course.slug}/nothing.mp4").status_code == 404
    auth.logout()
    auth.login("stranger")
    assert _get(client, f"/media/{course.slug}/{video.name}").status_code == 404


def test_with_redirects_a_presigned_address_works_and_then_expires(app, client, auth, course, monkeypatch):
    upload = _upload(auth, course, MP4, "demo.mp4")
    monkeypatch.setitem(app.config, "MEDIA_DELIVERY", "redirect")
    monkeypatch.setitem(app.config, "MEDIA_URL_SECONDS", 2)
    served = _get(client, f"/studio/{course.slug}/media/{upload.name}")
    assert served.status_code == 302 and served.headers["Cache-Control"].startswith("private, no-")
    address = served.headers["Location"]
    assert address.startswith(app.config["S3_ENDPOINT_URL"])
    seek = urllib.request.Request(address, headers={"Range": "bytes=10-19"})
    with urllib.request.urlopen(seek, timeout=10) as answer:
        assert answer.status == 206 and answer.read() == MP4[10:20]
        assert answer.headers["Content-Type"] == "video/mp4"
    time.sleep(3)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(address, timeout=10)
    assert refused.value.code == 403
    refused.value.close()
    auth.logout()  # signed out: the permission check comes first, no address of the bucket
    anonymous = _get(client, f"/studio/{course.slug}/media/{upload.name}")
    assert not anonymous.headers.get("Location", "").startswith(app.config["S3_ENDPOINT_URL"])


def test_with_redirects_a_phone_keeping_a_course_offline_gets_its_files_from_the_site(
    app, client, auth, course, make_user, monkeypatch
):
    """The service worker keeps what it downloads and cuts a video's byte ranges from it: a
    bucket's address (another site) would not do, so its download is streamed by the app."""
    video = _upload(auth, course, MP4, "demo.mp4")
    _publish_video(auth, course, video)
    auth.logout()
    make_user("worker1", locale="en")
    db.session.commit()
    monkeypatch.setitem(app.config, "MEDIA_DELIVERY", "redirect")
    auth.login("worker1")
    assert _get(client, f"/media/{course.slug}/{video.name}").status_code == 302  # watched online: the bucket
    kept = _get(client, f"/media/{course.slug}/{video.name}", headers={"X-Offline-Download": "1"})
    assert kept.status_code == 200 and kept.data == MP4 and kept.mimetype == "video/mp4"
