"""Two app processes over one database and one Redis: nothing lives in one process alone.

A session opened on one server is honoured by the other, a rate limit counts across both,
and one module finished on both at once pays once. With the object store and a job worker
too (issue 21's small cluster): a video uploaded through one server streams with seeking
from the other, and an export started on one, its worker killed half-way, completes once
and downloads from the other. Run on PostgreSQL in CI (TEST_DATABASE_URL), SQLite locally.
"""

import http.cookiejar
import io
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from learnhub.extensions import db
from tests.conftest import PASSWORD, seed_one_module_course
from tests.jobworker import (
    app_of,
    bucket_stopped,
    close_app,
    job_state,
    kill,
    requeue_after_silence,
    start_consumer,
    stop,
    wait_for,
    wait_for_state,
)

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_up():
    try:
        import redis

        return redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except Exception:
        return False


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """A cookie jar shared by requests to both servers, as one browser behind a balancer."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url):
        try:
            with self.opener.open(url, timeout=10) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()

    def post(self, url, data):
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(urllib.request.Request(url, data=body), timeout=10) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()

    def token(self, url):
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(url)[2]).group(1)

    def fetch(self, url, headers=None):
        """(status, headers, body bytes) of a GET with `headers` (a Range, say)."""
        try:
            with self.opener.open(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def upload(self, url, fields, name, filename, data, mime):
        """POST a multipart form with one file, as a browser's upload form does."""
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {mime}\r\n\r\n".encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            url, data=b"".join(parts), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()


def _environment(committed_app, **more):
    """What every process of the cluster shares: the database, Redis (rate limits, the task
    queue under a name of this run's own), the secret key."""
    return dict(
        os.environ,
        DATABASE_URL=committed_app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=REDIS_URL,
        TASK_QUEUE_NAME="test-" + uuid.uuid4().hex,
        SECRET_KEY="two-servers-" + uuid.uuid4().hex,
        RATELIMIT_KEY_PREFIX="test-" + uuid.uuid4().hex,
        CACHE_KEY_PREFIX="test-" + uuid.uuid4().hex + ":",
        GUNICORN_ACCESSLOG="/dev/null",
        PYTHONPATH=str(ROOT),
        FLASK_APP="wsgi",
        **more,
    )


@contextmanager
def _servers(env):
    """Two gunicorn servers on two ports with `env`; yields their base addresses."""
    ports = [_free_port(), _free_port()]
    # Each server's log in a file of its own: a pipe nobody reads would stall a chatty server.
    logs = [tempfile.TemporaryFile() for _port in ports]  # noqa: SIM115 (closed after the servers stop)
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        for port, log in zip(ports, logs, strict=True)
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 90  # importing the app takes 10 s on a busy machine
        for base, log in zip(bases, logs, strict=True):
            while True:
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1).read()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        log.seek(0)
                        said = log.read().decode(errors="replace")[-2000:]
                        raise RuntimeError(f"server did not start:\n{said}") from None
                    time.sleep(0.2)
        yield bases
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:  # a worker stuck past the quick shutdown, on a loaded machine
                process.kill()
                process.wait(timeout=10)
        for log in logs:
            log.close()


@pytest.fixture
def two_servers(committed_app):
    if not _redis_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    # The racing completions come at once; study time is tested on its own.
    with _servers(_environment(committed_app, LESSON_READ_SHARE="0")) as bases:
        yield bases


@pytest.mark.own_database
def test_session_rate_limit_and_award_hold_across_two_servers(committed_app, two_servers):
    from learnhub.credits.models import LedgerEntry

    seed_one_module_course(committed_app, "twin", ["walker", "target"])
    a, b = two_servers

    # A session opened on A is honoured by B.
    browser = Browser()
    status, landed, _ = browser.post(
        a + "/login", {"csrf_token": browser.token(a + "/login"), "login": "walker", "password": PASSWORD}
    )
    assert status == 200 and not landed.endswith("/login")
    status, landed, page = browser.get(b + "/me/profile")
    assert status == 200 and landed.endswith("/me/profile") and "walker" in page

    # One module finished on A and on B at the same moment pays once.
    browser.post(b + "/courses/twin/enrol", {"csrf_token": browser.token(b + "/courses/twin")})
    token = browser.token(a + "/courses/twin/only")
    threads = [
        threading.Thread(target=browser.post, args=(base + "/courses/twin/only/done", {"csrf_token": token}))
        for base in (a, b, a, b)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with committed_app.app_context():
        kinds = sorted(db.session.scalars(db.select(LedgerEntry.kind)))
        db.session.remove()
    assert kinds == ["course", "module"]

    # Wrong passwords against one account count on both servers together (shared Redis).
    attacker = Browser()
    statuses = []
    for attempt in range(12):
        base = (a, b)[attempt % 2]
        statuses.append(
            attacker.post(
                base + "/login",
                {"csrf_token": attacker.token(base + "/login"), "login": "target", "password": f"wrong-{attempt}"},
            )[0]
        )
    assert statuses[:10] == [200] * 10 and statuses[10:] == [429, 429]

    # Both servers keep the session in the shared cache; a logout on A ends it at once on B too,
    # even for a copy of the cookie (a phone left behind).
    for base in (a, b, a, b):
        assert browser.get(base + "/me/profile")[1].endswith("/me/profile")
    copy = Browser()
    for cookie in browser.jar:
        copy.jar.set_cookie(cookie)
    browser.post(a + "/logout", {"csrf_token": browser.token(a + "/privacy")})
    assert "/login" in copy.get(b + "/me/profile")[1]
    assert "/login" in copy.get(a + "/me/profile")[1]


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 400


def _seed_cluster(app):
    """A trainer's draft course for the province, a worker who may see it, a national admin."""
    from sqlalchemy import select

    from learnhub.accounts.models import Consent, User
    from learnhub.accounts.passwords import hash_password
    from learnhub.orgs.models import Org
    from learnhub.studio import modules as authoring
    from learnhub.studio import services as studio
    from tests.studio.conftest import DETAILS

    seed_one_module_course(app, "cluster-seed", ["walker"])
    with app.app_context():
        province = db.session.scalar(select(Org).where(Org.kind == "province"))
        national = db.session.scalar(select(Org).where(Org.kind == "national"))
        trainer = User(
            username="trainer1", name="周老师", role="trainer", org=province, password_hash=hash_password(PASSWORD)
        )
        admin = User(
            username="admin1", name="管理员", role="admin", org=national, password_hash=hash_password(PASSWORD)
        )
        db.session.add_all([trainer, admin])
        db.session.flush()
        for user in (trainer, admin):  # past the privacy notice, as the seeded workers are
            db.session.add(Consent(user_id=user.id, notice_version=app.config["PRIVACY_NOTICE_VERSION"]))
        course = studio.create_course(
            trainer, {**DETAILS, "hours": "0.1", "audience": str(province.id)}, slug="cluster-video"
        )
        authoring.add_module(trainer, course, "lesson", "为什么要交底", key="why")
        authoring.save_lesson(
            trainer, course, "why", {"title": "为什么要交底", "minutes": "1", "credits": "0", "body": "正文。"}
        )
        db.session.commit()
        national_id = national.id
        db.session.remove()
    return national_id


@pytest.mark.own_database
def test_media_and_an_export_hold_across_two_servers_and_a_killed_job_worker(committed_app, object_store):
    """The issue's small cluster: two app servers, one database, one Redis, one object store and a
    job worker. A video uploaded through A streams with seeking from B; an export started on A
    survives its worker killed half-way and downloads from B, written once."""

    from openpyxl import load_workbook
    from sqlalchemy import func, select

    from learnhub.accounts.models import User
    from learnhub.core.storage import storage

    if not _redis_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    national_id = _seed_cluster(committed_app)
    bucket = object_store.config("learnhub-test")
    env = _environment(committed_app, S3_PREFIX=f"cluster-{uuid.uuid4().hex[:12]}", **bucket)

    app = app_of(env)  # the test's own view of the cluster: same database, queue and bucket

    with _servers(env) as (a, b):
        # A trainer uploads a video through A and publishes the course there...
        trainer = Browser()
        trainer.post(
            a + "/login", {"csrf_token": trainer.token(a + "/login"), "login": "trainer1", "password": PASSWORD}
        )
        media = a + "/studio/cluster-video/media/"
        status, _landed, page = trainer.upload(
            media, {"csrf_token": trainer.token(media)}, "file", "demo.mp4", MP4, "video/mp4"
        )
        assert status == 200, page
        path = re.search(r"(media/[0-9a-f]+\.mp4)", page).group(1)
        name = path.rsplit("/", 1)[1]
        token = trainer.token(a + "/studio/cluster-video")
        trainer.post(
            a + "/studio/cluster-video/modules", {"csrf_token": token, "kind": "video", "title": "示范", "key": "demo"}
        )
        trainer.post(
            a + "/studio/cluster-video/modules/demo",
            {
                "csrf_token": token,
                "title": "示范",
                "minutes": "5",
                "credits": "0",
                "body": "",
                "video": path,
                "action": "save",
            },
        )
        status, _landed, page = trainer.post(a + "/studio/cluster-video/publish", {"csrf_token": token})
        assert status == 200, page
        # ...and a worker streams it from B, seeking.
        worker = Browser()
        worker.post(b + "/login", {"csrf_token": worker.token(b + "/login"), "login": "walker", "password": PASSWORD})
        status, headers, body = worker.fetch(f"{b}/media/cluster-video/{name}", {"Range": "bytes=1000-1999"})
        assert status == 206 and body == MP4[1000:2000], (status, body[:80])
        assert headers["Content-Range"] == f"bytes 1000-1999/{len(MP4)}"
        # The job worker converts the video for phones first (studio/transcode.py), before the
        # export below is queued behind it: these bytes are no real video, so it says why on B.
        from learnhub.catalog.models import VideoRendition

        with app.app_context():
            video_job = db.session.scalar(select(VideoRendition.job_id).where(VideoRendition.name == name))
            db.session.remove()
        converter = start_consumer(env)
        try:
            assert wait_for_state(app, video_job, ("done", "failed"))[0] == "done"
        finally:
            stop(converter)
        status, _landed, page = trainer.fetch(b + "/studio/cluster-video/media/")
        assert status == 200 and 'data-state="failed"' in page.decode()

        # An admin starts the export of the whole country on A...
        admin = Browser()
        admin.post(a + "/login", {"csrf_token": admin.token(a + "/login"), "login": "admin1", "password": PASSWORD})
        roster = f"{a}/stats/{national_id}/roster"
        status, landed, page = admin.post(
            f"{a}/stats/{national_id}/export/workforce.xlsx/job", {"csrf_token": admin.token(roster)}
        )
        assert status == 200 and re.search(r"/jobs/\d+$", landed), (status, landed)
        job_id = int(landed.rsplit("/", 1)[1])
        # ...its worker is killed half-way: the bucket stops answering, so the export, written,
        # waits on its upload, still "running", however fast the machine.
        first = None
        try:
            with bucket_stopped(object_store):
                first = start_consumer(env)
                assert wait_for_state(app, job_id, ("running", "done"))[0] == "running"
                kill(first)
            state, _progress, attempts, key = job_state(app, job_id)
            assert (state, attempts, key) == ("running", 1, None)
            with app.app_context():
                assert storage().keys("jobs/") == []  # nothing half-written
            requeue_after_silence(app, job_id)
        finally:
            if first is not None:
                stop(first)
        second = start_consumer(env)
        try:
            # B's page of the job, which A started, offers the download once it is done.
            link = f"/jobs/{job_id}/download"
            wait_for(lambda: link in admin.get(f"{b}/jobs/{job_id}")[2])
            status, headers, body = admin.fetch(b + link)
            assert status == 200 and "attachment" in headers["Content-Disposition"]
            sheet = load_workbook(io.BytesIO(body), read_only=True).active
            with app.app_context():
                workers = db.session.scalar(select(func.count(User.id)).where(User.role == "worker"))
                assert sum(1 for _row in sheet.iter_rows()) == workers + 1  # every worker, and the heading
                state, _progress, attempts, key = job_state(app, job_id)
                assert (state, attempts) == ("done", 2)
                assert storage().keys("jobs/") == [key]  # one file, written once
                db.session.remove()
        finally:
            stop(second)
            close_app(app)
