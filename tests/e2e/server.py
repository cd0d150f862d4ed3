"""The site as users get it: a database built by the real commands, served by gunicorn.

The journeys drive a real server process over HTTP, so nothing of the test client's shortcuts
(one app context, no static files, no middleware order) can hide a fault a browser would meet.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    """A TCP port on the loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Database:
    """A database for one run: a SQLite file, or a PostgreSQL database made from TEST_DATABASE_URL."""

    def __init__(self, base_url, folder):
        self.kind = "postgresql" if base_url and base_url.startswith("postgresql") else "sqlite"
        self._admin = None
        if self.kind == "postgresql":
            url = make_url(base_url)
            self.name = f"e2e_{url.database}"[:63]
            self.url = url.set(database=self.name).render_as_string(hide_password=False)
            self._admin_url = url.set(database="postgres")
        else:
            self.name = str(folder / "e2e.sqlite3")
            self.url = f"sqlite:///{self.name}"

    def create(self):
        if self.kind == "postgresql":
            self._admin = create_engine(self._admin_url, isolation_level="AUTOCOMMIT")
            with self._admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        else:
            Path(self.name).unlink(missing_ok=True)

    def drop(self):
        if self.kind == "postgresql" and self._admin is not None:
            with self._admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            self._admin.dispose()
        elif self.kind == "sqlite":
            Path(self.name).unlink(missing_ok=True)


class LiveServer:
    """gunicorn serving wsgi:app on a free port of 127.0.0.1, over `database`."""

    def __init__(self, database, log_path):
        self.database = database
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "LEARNHUB_CONFIG", "TEST_DATABASE_URL"}
        }
        self.env.update(
            FLASK_APP="wsgi", DATABASE_URL=database.url, SECRET_KEY=secrets.token_hex(32), PYTHONDONTWRITEBYTECODE="1"
        )
        # Study time, shortened: a lesson counts after a few seconds on it (1 % of its reading
        # time: the shipped lessons take 3 to 8 minutes under the hours rule), a video once 5 % of
        # it was played (3 seconds of a one-minute module: the studio journey films a 4-second
        # clip), and the player's heartbeat comes every second instead of every 30.
        self.env.update(LESSON_READ_SHARE="0.01", VIDEO_PLAYED_SHARE="0.05", STUDY_HEARTBEAT_SECONDS="1")
        # Quiz attempts without the daily limit and the cool-down, so that a journey can sit a
        # paper five times in a row (tests/learning test the limits).
        self.env.update(QUIZ_ATTEMPTS_PER_DAY="0", QUIZ_COOLDOWN_MINUTES="0")
        # The task queue in the run's folder, with its consumer beside the site (as `make run`):
        # messages, SMS (the log backend) and reminders arrive as they would.
        # No quiet hours for SMS: the journeys run at any hour of Beijing's night (tests/notify tests them).
        self.env.update(
            TASK_QUEUE_URL=f"sqlite:///{Path(log_path).parent / 'tasks.sqlite3'}",
            CACHE_DIR=str(Path(log_path).parent / "cache"),
            SMS_BACKEND="log",
            SMS_QUIET_HOURS="00:00-00:00",
        )
        self._process = None
        self._consumer = None
        self._log = None

    def flask(self, *args):
        """Run a `flask` command over the run's database, as an operator would; fail on error."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def build(self):
        """Schema, catalogue and demo data, by the same commands as `make run`."""
        self.database.create()
        self.flask("db", "upgrade")
        self.flask("courses", "import", "courses/")
        self.flask("demo", "load")

    def start(self):
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115  (open while the server runs; stop() closes it)
        # Two workers, like a small production box: a request may land on either.
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "2",
                "--access-logfile",
                "-",
                "--timeout",
                "60",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._consumer = subprocess.Popen(
            [sys.executable, "-m", "flask", "tasks", "worker", "--workers", "2"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self._process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the server did not answer /healthz within 30 s; see {self.log_path}")

    def stop(self):
        for process in (self._process, self._consumer):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if self._log is not None:
            self._log.close()

    @contextmanager
    def app_context(self):
        """The application over the run's database, for a test to read what the site stored."""
        from config import TestConfig
        from learnhub import create_app
        from learnhub.extensions import db

        class ReadConfig(TestConfig):
            SQLALCHEMY_DATABASE_URI = self.database.url

        app = create_app(ReadConfig())
        with app.app_context():
            try:
                yield db.session
            finally:
                db.session.remove()
                db.engine.dispose()
