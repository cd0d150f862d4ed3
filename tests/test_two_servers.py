"""Two app processes over one database and one Redis: nothing lives in one process alone.

A session opened on one server is honoured by the other, a rate limit counts across both,
and one module finished on both at once pays once.
"""

import http.cookiejar
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
from pathlib import Path

import pytest

from learnhub.extensions import db
from tests.conftest import PASSWORD, seed_one_module_course

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


@pytest.fixture
def two_servers(committed_app):
    if not _redis_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    url = committed_app.config["SQLALCHEMY_DATABASE_URI"]
    env = dict(
        os.environ,
        DATABASE_URL=url,
        REDIS_URL=REDIS_URL,
        SECRET_KEY="two-servers-" + uuid.uuid4().hex,
        RATELIMIT_KEY_PREFIX="test-" + uuid.uuid4().hex,
        GUNICORN_ACCESSLOG="/dev/null",
        PYTHONPATH=str(ROOT),
        LESSON_READ_SHARE="0",  # the racing completions come at once; study time is tested on its own
    )
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
            process.wait(timeout=10)
        for log in logs:
            log.close()


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
