"""Uploads: checked by content, limited in size, stored under generated names, served safely."""

import io
import os

import pytest
from PIL import Image
from sqlalchemy import select

from learnhub.extensions import db
from learnhub.studio.media import sniff
from learnhub.studio.models import Upload

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 4000
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 100
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _image(fmt="PNG", size=(2000, 1000), exif=None):
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


@pytest.fixture
def course(studio_course, auth):
    course = studio_course()
    auth.login("trainer1")
    return course


def _upload(auth, course, data, name):
    return auth.post(
        f"/studio/{course.slug}/media/", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def _get(client, url, **kwargs):
    """GET a file and close the response, so that no file handle is left open."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def _latest():
    return db.session.scalar(select(Upload).order_by(Upload.id.desc()))


@pytest.mark.parametrize(
    "head, found",
    [
        (_image("PNG", (2, 2)), "png"),
        (_image("JPEG", (2, 2)), "jpeg"),
        (_image("WEBP", (2, 2)), "webp"),
        (PDF, "pdf"),
        (MP4, "mp4"),
        (WEBM, "webm"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'>", "svg"),
        (b"<?xml version='1.0'?><svg>", "svg"),
        (b"<!doctype html><script>alert(1)</script>", None),
        (b"GIF89a", None),
    ],
)
def test_files_are_known_by_their_content(head, found):
    assert sniff(head[:64]) == found


def test_a_big_photo_is_scaled_for_phones_and_loses_its_metadata(client, auth, course):
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    response = _upload(auth, course, _image("JPEG", (3000, 1500), exif.tobytes()), "工地照片.jpg")
    assert response.status_code == 302
    upload = _latest()
    assert (upload.kind, upload.mime, upload.width, upload.height) == ("image", "image/jpeg", 720, 360)
    assert upload.original_name == "工地照片.jpg" and upload.name.endswith(".jpg") and upload.name != "工地照片.jpg"
    served = _get(client, f"/studio/{course.slug}/media/{upload.name}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(served.data))
    assert image.size == (720, 360) and not image.getexif()


def test_a_pdf_downloads_under_its_own_name(client, auth, course):
    _upload(auth, course, PDF, "安全手册.pdf")
    upload = _latest()
    served = _get(client, f"/studio/{course.slug}/media/{upload.name}")
    assert served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E5%AE%89" in served.headers["Content-Disposition"]


def test_a_video_seeks_with_byte_ranges(client, auth, course):
    _upload(auth, course, MP4, "demo.mp4")
    upload = _latest()
    served = _get(client, f"/studio/{course.slug}/media/{upload.name}", headers={"Range": "bytes=100-199"})
    assert served.status_code == 206 and len(served.data) == 100 and served.mimetype == "video/mp4"
    assert served.headers["Content-Range"] == f"bytes 100-199/{len(MP4)}"


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "empty.png", "The file is empty."),
        (b"<!doctype html><script>alert(1)</script>", "photo.jpg", "checked by their content"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "logo.svg", "SVG pictures are not accepted"),
        (b"\x89PNG\r\n\x1a\n" + b"broken" * 10, "broken.png", "damaged"),
        (b"GIF89a" + b"\x00" * 20, "anim.gif", "checked by their content"),
    ],
)
def test_bad_uploads_get_a_clear_message_and_leave_nothing(client, auth, course, tmp_path, data, name, message):
    response = _upload(auth, course, data, name)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(Upload)) is None
    assert (
        not any((tmp_path / "instance" / "uploads").glob("*")) if (tmp_path / "instance" / "uploads").exists() else True
    )


def test_no_file_chosen(client, auth, course):
    response = auth.post(f"/studio/{course.slug}/media/", {}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a file to upload." in response.get_data(as_text=True)


def test_a_path_in_the_file_name_is_dropped(client, auth, course, tmp_path):
    _upload(auth, course, _image("PNG", (10, 10)), "../../etc/passwd.png")
    upload = _latest()
    assert upload.original_name == "passwd.png"
    assert [p.name for p in (tmp_path / "instance" / "uploads").iterdir()] == [upload.name]


def test_size_limits_come_from_the_config(client, auth, course, app, monkeypatch):
    monkeypatch.setitem(app.config, "STUDIO_MAX_IMAGE_BYTES", 100 * 1024)
    noise = io.BytesIO()
    Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3)).save(noise, "PNG")
    response = _upload(auth, course, noise.getvalue(), "big.png")
    assert response.status_code == 400
    assert "The file has 0.3 MB; at most 0.1 MB are allowed" in response.get_data(as_text=True)
    monkeypatch.setitem(app.config, "STUDIO_MAX_VIDEO_BYTES", 10)
    monkeypatch.setitem(app.config, "STUDIO_MAX_PDF_BYTES", 10)
    response = _upload(auth, course, b"\x00" * (200 * 1024), "huge.mp4")
    assert response.status_code == 413 and "the most the studio accepts" in response.get_data(as_text=True)


def test_draft_media_is_for_the_course_editors_only(client, auth, course, make_user, tree):
    _upload(auth, course, _image("PNG", (10, 10)), "draft.png")
    upload = _latest()
    auth.logout()
    make_user("worker1", locale="en")
    make_user("other1", role="trainer", org=tree.prov_a, locale="en")
    db.session.commit()
    for login in ("worker1", "other1"):
        auth.login(login)
        assert _get(client, f"/studio/{course.slug}/media/{upload.name}").status_code == 404
        assert _get(client, f"/media/{course.slug}/{upload.name}").status_code == 404
        auth.logout()


def test_publishing_makes_used_media_public_and_keeps_the_rest_private(client, auth, course, trainer, make_user):
    _upload(auth, course, _image("PNG", (10, 10)), "used.png")
    used = _latest()
    _upload(auth, course, _image("PNG", (12, 12)), "unused.png")
    unused = _latest()
    body = f"## 图\n\n![示意图]({used.path})"
    auth.post(
        f"/studio/{course.slug}/modules/why",
        {"title": "图", "minutes": "5", "credits": "0", "body": body, "is_required": "y", "action": "save"},
    )
    page = client.get(f"/studio/{course.slug}/modules/why").get_data(as_text=True)
    assert f'src="/studio/{course.slug}/media/{used.name}"' in page  # the studio's preview
    auth.post(f"/studio/{course.slug}/publish")
    auth.logout()
    make_user("worker1", locale="en")  # of a union under the trainer's, whom the course is for
    db.session.commit()
    auth.login("worker1")
    assert _get(client, f"/media/{course.slug}/{used.name}").status_code == 200
    assert _get(client, f"/media/{course.slug}/{unused.name}").status_code == 404


def test_a_video_module_uses_an_uploaded_video(client, auth, course):
    _upload(auth, course, MP4, "demo.mp4")
    video = _latest()
    auth.post(f"/studio/{course.slug}/modules", {"kind": "video", "title": "示范", "key": "demo"})
    page = auth.post(
        f"/studio/{course.slug}/modules/demo",
        {"title": "示范", "minutes": "5", "credits": "0", "body": "", "video": "media/nothing.mp4", "action": "save"},
    )
    assert page.status_code == 400 and "Choose one of the course&#39;s videos" in page.get_data(as_text=True)
    response = auth.post(
        f"/studio/{course.slug}/modules/demo",
        {"title": "示范", "minutes": "5", "credits": "0", "body": "", "video": video.path, "action": "save"},
    )
    assert response.status_code == 302
    auth.post(f"/studio/{course.slug}/publish")
    assert _get(client, f"/media/{course.slug}/{video.name}", headers={"Range": "bytes=0-9"}).status_code == 206


def test_an_uploaded_video_waits_for_its_phone_version_and_the_page_says_so(client, auth, course):
    from learnhub.catalog.models import VideoRendition

    assert _upload(auth, course, MP4, "示范.mp4").status_code == 302
    upload = db.session.scalar(select(Upload).order_by(Upload.id.desc()))
    rendition = db.session.scalar(select(VideoRendition).where(VideoRendition.name == upload.name))
    assert (rendition.state, rendition.source_key, rendition.job.kind) == (
        "waiting",
        f"uploads/{upload.name}",
        "video_transcode",
    )
    page = client.get(f"/studio/{course.slug}/media/").get_data(as_text=True)
    assert "A smaller copy for phones is being made" in page and 'data-state="waiting"' in page
    assert _upload(auth, course, _image(), "图.png").status_code == 302  # a picture needs none
    assert db.session.scalar(select(db.func.count()).select_from(VideoRendition)) == 1


def test_videos_uploaded_before_renditions_are_put_on_the_queue_once(app, course, trainer):
    from werkzeug.datastructures import FileStorage

    from learnhub.catalog.models import VideoRendition
    from learnhub.studio.media import store_upload

    for name in ("一.mp4", "二.webm"):  # as the studio stored them before: no rendition
        store_upload(trainer, course, FileStorage(io.BytesIO(MP4 if name.endswith("mp4") else WEBM), name, "file"))
    store_upload(trainer, course, FileStorage(io.BytesIO(_image()), "图.png", "file"))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["media", "transcode"])
    assert result.exit_code == 0 and "2 videos put on the task queue" in result.output
    assert {r.state for r in db.session.scalars(select(VideoRendition))} == {"waiting"}
    again = runner.invoke(args=["media", "transcode"])
    assert "0 videos put on the task queue" in again.output
