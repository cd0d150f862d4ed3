"""Video for phones through the real pieces: an upload in the studio, the task queue's own
consumer running ffmpeg, a real S3-compatible bucket, the player seeking in both versions."""

import contextlib
import io
import os
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from learnhub.catalog.models import VideoRendition
from learnhub.core import jobs, video
from learnhub.core.storage import storage
from learnhub.extensions import db
from learnhub.studio.models import Upload
from tests.conftest import Auth, build_tree, user_maker
from tests.jobworker import (
    app_of,
    close_app,
    consumer_env,
    requeue_after_silence,
    start_consumer,
    stop,
    wait_for,
)
from tests.studio.conftest import DETAILS
from tests.videos import CORRUPT_MP4, make_video, require_ffmpeg

pytestmark = pytest.mark.own_database


@pytest.fixture
def site(committed_app, object_store, tmp_path):
    """An app over the test's database and bucket, a trainer's draft course, a worker, a stranger;
    the environment a consumer needs. The consumers a test starts are stopped after it."""
    require_ffmpeg()
    prefix = f"transcode-{os.getpid()}-{time.monotonic_ns()}"
    env = consumer_env(committed_app, object_store, tmp_path, prefix)
    app = app_of(env)
    with app.app_context():
        from learnhub.studio import modules as authoring
        from learnhub.studio import services as studio

        tree = build_tree()
        make = user_maker(tree.ent_a1)
        trainer = make("trainer1", role="trainer", org=tree.prov_a, locale="en")
        make("worker1", locale="en")
        make("stranger", org=tree.ent_b1, locale="en")
        course = studio.create_course(trainer, {**DETAILS, "audience": str(trainer.org_id)}, slug="lathe-video")
        authoring.add_module(trainer, course, "lesson", "为什么", key="why")
        authoring.save_lesson(
            trainer,
            course,
            "why",
            {"title": "为什么", "minutes": "20", "credits": "0", "body": "车床安全。", "is_required": "y"},
        )
        db.session.commit()
        db.session.remove()
    consumers = []

    def consumer(**extra):
        process = start_consumer({**env, **extra})
        consumers.append(process)
        return process

    yield type("Site", (), dict(app=app, env=env, consumer=staticmethod(consumer), slug="lathe-video"))
    for process in consumers:
        stop(process)
    close_app(app)


def _upload(app, auth, slug, data, name):
    """Upload through the studio's form; (the upload's generated name, its rendition's job id)."""
    response = auth.post(
        f"/studio/{slug}/media/", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():  # not around the requests: they would share its `g` (and CSRF token)
        upload = db.session.scalar(select(Upload).order_by(Upload.id.desc()))
        job_id = db.session.scalar(select(VideoRendition.job_id).where(VideoRendition.name == upload.name))
        db.session.remove()
    return upload.name, job_id


def _renditions(app):
    """{upload name: (status as the studio shows it, reason, job attempts)}, read as a page does."""
    with app.test_request_context(method="GET"):
        found = {
            r.name: (r.state, r.reason, r.job.attempts if r.job else 0)
            for r in db.session.scalars(select(VideoRendition))
        }
        db.session.remove()
        return found


def _wait_until_settled(app, names, seconds=180):
    return wait_for(
        lambda: (found := _renditions(app)) and all(found[n][0] in ("ready", "failed") for n in names) and found,
        seconds,
    )


def _get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def test_an_uploaded_video_gets_a_phone_rendition_that_the_player_serves_with_seeking(site, tmp_path):
    app, slug = site.app, site.slug
    original = make_video(tmp_path / "camera.mp4", size="1280x720", seconds=3)
    client = app.test_client()
    auth = Auth(client)
    auth.login("trainer1")
    good_name, good_job = _upload(app, auth, slug, original, "车床示范.mp4")
    bad_name, _job = _upload(app, auth, slug, CORRUPT_MP4, "坏了.mp4")

    # Before a worker has run, the studio says the videos wait.
    page = client.get(f"/studio/{slug}/media/").get_data(as_text=True)
    assert page.count('data-state="waiting"') == 2 and "Waiting to be converted" in page

    site.consumer()
    found = _wait_until_settled(app, [good_name, bad_name])
    assert found[good_name][0] == "ready"
    assert found[bad_name][:2] == ("failed", "unreadable")

    page = client.get(f"/studio/{slug}/media/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-state="ready"' in text and "852×480" in text
    assert 'data-state="failed"' in text and "The video could not be read" in text
    assert "Convert again" not in text  # an unreadable file stays unreadable: upload it again
    job_page = client.get(f"/jobs/{good_job}")  # the job's own page, had the trainer found it
    assert job_page.status_code == 200 and "Done." in job_page.get_data(as_text=True)

    with app.app_context():
        files = storage()
        stem = good_name.rsplit(".", 1)[0]
        assert sorted(files.keys("uploads/")) == sorted(
            [f"uploads/{good_name}", f"uploads/{stem}.480p.mp4", f"uploads/{stem}.poster.jpg", f"uploads/{bad_name}"]
        )
        assert files.keys("transcode-tmp/") == []  # nothing half-written, nothing left over
        files.download(f"uploads/{stem}.480p.mp4", tmp_path / "phone.mp4")
        made, source = video.probe(tmp_path / "phone.mp4"), video.probe(tmp_path / "camera.mp4")
        assert made.height <= 480 and made.width <= 854
        assert (made.video_codec, made.audio_codec) == ("h264", "aac")
        assert abs(made.duration - source.duration) < 0.1  # the same seconds: played ranges count alike
        phone = files.get(f"uploads/{stem}.480p.mp4")
        assert files.get(f"uploads/{stem}.poster.jpg").startswith(b"\xff\xd8\xff")
        db.session.remove()

    # The trainer checks the phone version, seeking in it.
    seek = _get(client, f"/studio/{slug}/media/{good_name}/phone/video", headers={"Range": "bytes=100-199"})
    assert seek.status_code == 206 and seek.data == phone[100:200]
    assert _get(client, f"/studio/{slug}/media/{bad_name}/phone/video").status_code == 404

    # Published in a video module: a worker gets the phone version, its poster, and a choice.
    auth.post(f"/studio/{slug}/modules", {"kind": "video", "title": "示范", "key": "demo"})
    auth.post(
        f"/studio/{slug}/modules/demo",
        {"title": "示范", "minutes": "5", "credits": "0", "body": "", "video": f"media/{good_name}", "action": "save"},
    )
    assert auth.post(f"/studio/{slug}/publish").status_code == 302
    auth.logout()
    auth.login("worker1")
    assert auth.post(f"/courses/{slug}/enrol").status_code == 302
    player = client.get(f"/courses/{slug}/demo").get_data(as_text=True)
    assert f'src="/media/{slug}/{stem}.480p.mp4"' in player
    assert f'poster="/media/{slug}/{stem}.poster.jpg"' in player
    assert 'data-quality="phone"' in player and "quality=original" in player
    chosen = client.get(f"/courses/{slug}/demo?quality=original").get_data(as_text=True)
    assert f'src="/media/{slug}/{good_name}"' in chosen and 'data-quality="original"' in chosen

    # Seeking works in both: byte ranges from the bucket.
    seek = _get(client, f"/media/{slug}/{stem}.480p.mp4", headers={"Range": "bytes=1000-1999"})
    assert seek.status_code == 206 and seek.data == phone[1000:2000] and seek.mimetype == "video/mp4"
    assert seek.headers["Content-Range"] == f"bytes 1000-1999/{len(phone)}"
    whole = _get(client, f"/media/{slug}/{stem}.480p.mp4")
    assert whole.status_code == 200 and whole.data == phone and whole.headers["Accept-Ranges"] == "bytes"
    seek = _get(client, f"/media/{slug}/{good_name}", headers={"Range": "bytes=10-19"})
    assert seek.status_code == 206 and seek.data == original[10:20]
    poster = _get(client, f"/media/{slug}/{stem}.poster.jpg")
    assert poster.status_code == 200 and poster.mimetype == "image/jpeg"
    assert _get(client, f"/media/{slug}/{bad_name.rsplit('.', 1)[0]}.480p.mp4").status_code == 404

    # The played ranges count as before: the worker plays the phone version through.
    assert auth.post(f"/courses/{slug}/demo/position", {"position": "3", "played": "0-3"}).status_code == 204

    # Offline, the phone version is what a worker is asked to download, at its own size.
    listing = client.get(f"/offline/courses/{slug}")
    assert listing.status_code == 200
    assert listing.get_json()["videos"] == [
        {
            "title": "示范",
            "url": f"/media/{slug}/{good_name}",
            "bytes": len(phone),
            "phone_url": f"/media/{slug}/{stem}.480p.mp4",
        }
    ]
    auth.logout()

    auth.login("stranger")  # a union the course is not for: neither version, nor the poster
    assert _get(client, f"/media/{slug}/{stem}.480p.mp4").status_code == 404
    assert _get(client, f"/media/{slug}/{stem}.poster.jpg").status_code == 404


def _ffmpeg_children(pid):
    """The pids of the ffmpeg processes the consumer `pid` started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if int(fields[1]) == pid and name == "ffmpeg":
            found.append(int(entry.name))
    return found


def test_a_worker_killed_while_ffmpeg_runs_leaves_nothing_and_the_retry_finishes(site, tmp_path):
    app, slug = site.app, site.slug
    original = make_video(tmp_path / "long.mp4", size="1280x720", seconds=20)
    client = app.test_client()
    auth = Auth(client)
    auth.login("trainer1")
    name, job_id = _upload(app, auth, slug, original, "长视频.mp4")

    first = site.consumer(TRANSCODE_PRESET="medium")  # slow enough to be caught half-way
    children = wait_for(lambda: _ffmpeg_children(first.pid), seconds=120)
    first.send_signal(signal.SIGKILL)  # the machine loses power in the middle of the transcode
    first.wait(timeout=20)
    for pid in children:  # and its ffmpeg with it
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    assert _renditions(app)[name][0] == "transcoding"
    with app.app_context():
        stem = name.rsplit(".", 1)[0]
        files = storage()
        assert files.keys("uploads/") == [f"uploads/{name}"]  # no rendition, no poster
        # As if an earlier run had died between its temporary copy and the final one.
        files.put(f"transcode-tmp/{job_id}/phone.mp4", b"half")
        db.session.remove()
    page = client.get(f"/studio/{slug}/media/")
    assert page.status_code == 200 and 'data-state="transcoding"' in page.get_data(as_text=True)

    requeue_after_silence(app, job_id)
    site.consumer()
    found = _wait_until_settled(app, [name])
    assert found[name] == ("ready", "", 2)
    with app.app_context():
        files = storage()
        assert files.keys("uploads/") == sorted(
            [f"uploads/{name}", f"uploads/{stem}.480p.mp4", f"uploads/{stem}.poster.jpg"]
        )
        assert files.keys("transcode-tmp/") == []
        files.download(f"uploads/{stem}.480p.mp4", tmp_path / "phone.mp4")
        assert abs(video.probe(tmp_path / "phone.mp4").duration - 20) < 0.2  # whole, not the half of it
        job = db.session.get(jobs.Job, job_id)
        assert (job.state, job.result_key) == ("done", None)
        db.session.remove()


def test_a_conversion_that_gave_up_can_be_started_again(site, tmp_path):
    app, slug = site.app, site.slug
    client = app.test_client()
    auth = Auth(client)
    auth.login("trainer1")
    name, job_id = _upload(app, auth, slug, make_video(tmp_path / "clip.mp4", size="640x360", seconds=1), "clip.mp4")
    with app.app_context():
        # The job was tried JOB_MAX_ATTEMPTS times (a bucket away each time) and gave up.
        job = db.session.get(jobs.Job, job_id)
        job.state, job.attempts, job.error = "failed", 3, "Could not connect to the endpoint URL"
        db.session.commit()
        db.session.remove()
    text = client.get(f"/studio/{slug}/media/").get_data(as_text=True)
    assert 'data-state="failed"' in text and "failed several times" in text and "endpoint" not in text
    assert auth.post(f"/studio/{slug}/media/{name}/transcode").status_code == 302
    site.consumer()
    assert _wait_until_settled(app, [name])[name][0] == "ready"
    assert auth.post(f"/studio/{slug}/media/{name}/transcode").status_code == 302  # refused, said on the page
    assert 'data-state="ready"' in client.get(f"/studio/{slug}/media/").get_data(as_text=True)
