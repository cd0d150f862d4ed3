"""A real Learning Record Store for the tests: Ralph (`ralph-malph` on PyPI) with its file-system backend.

Ralph pins a click older than Flask's, so it lives in a virtualenv of its own, `.venv-ralph`,
made by `make ralph` (which `ensure_ralph` runs when it is missing: a fresh clone needs nothing
else). `start_ralph` writes one user into Ralph's auth file (`ralph auth`), runs Ralph's LRS on
a free port of the loopback address over a temporary folder (tests/ralph_server.py, and there
why not `ralph runserver` itself), and waits until it answers; `stop()` ends it and `start()`
brings it back over the same folder, statements and all.
"""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from base64 import b64encode
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RALPH_VENV = ROOT / ".venv-ralph"
SERVER = Path(__file__).with_name("ralph_server.py")  # Ralph's app under uvicorn (see there why)
USERNAME = "learnhub"
PASSWORD = "learnhub-lrs-secret"


class RalphUnavailable(Exception):
    """Ralph could not be installed here (no package index, no virtualenv)."""


def ensure_ralph():
    """The `ralph` executable of .venv-ralph, made or brought up to date by `make ralph` (nothing to do
    when requirements-ralph.txt has not changed); RalphUnavailable if it cannot be installed here."""
    ralph = RALPH_VENV / "bin" / "ralph"
    try:
        made = subprocess.run(["make", "ralph"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RalphUnavailable(f"`make ralph` could not run: {error}") from error
    if made.returncode != 0 or not ralph.exists():
        raise RalphUnavailable(f"`make ralph` failed:\n{(made.stdout + made.stderr)[-1500:]}")
    return ralph


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Ralph:
    executable: Path
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self):
        """The LRS's xAPI root, as XAPI_LRS_URL takes it."""
        return f"http://127.0.0.1:{self.port}/xAPI"

    def config(self):
        """App settings that send statements to this LRS."""
        return {"XAPI_LRS_URL": self.url, "XAPI_LRS_USERNAME": USERNAME, "XAPI_LRS_PASSWORD": PASSWORD}

    def _env(self):
        env = {key: value for key, value in os.environ.items() if not key.startswith(("RALPH_", "VIRTUAL_ENV"))}
        env.update(
            PATH=f"{self.executable.parent}:{env.get('PATH', '/usr/bin:/bin')}",
            RALPH_RUNSERVER_BACKEND="fs",
            RALPH_APP_DIR=str(self.folder / "app"),
            RALPH_AUTH_FILE=str(self.folder / "auth.json"),
            RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=str(self.folder / "statements"),
            RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH=str(self.folder / "statements"),
        )
        return env

    def write_user(self):
        (self.folder / "statements").mkdir(parents=True, exist_ok=True)
        (self.folder / "app").mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                str(self.executable),
                "auth",
                "--username",
                USERNAME,
                "--password",
                PASSWORD,
                "--scope",
                "all",
                "--agent-ifi-mbox",
                "mailto:lrs@learnhub.example.cn",
                "--write-to-disk",
            ],
            env=self._env(),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self, timeout=90):
        """Run `ralph runserver` and wait until it answers."""
        log = (self.folder / "ralph.log").open("ab")
        self.process = subprocess.Popen(
            [str(self.executable.parent / "python"), str(SERVER), "127.0.0.1", str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self._env(),
            cwd=self.folder,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph stopped at start; see {self.folder / 'ralph.log'}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2):
                    return self
            except (OSError, urllib.error.HTTPError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"Ralph did not answer in {timeout}s:\n{self.log_tail()}") from None
                time.sleep(0.3)

    def stop(self):
        """Stop the server (its statements stay in its folder)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def log_tail(self):
        return (self.folder / "ralph.log").read_text(errors="replace")[-3000:]

    def stored(self):
        """Every statement the LRS has stored, as it keeps them on disk (one JSON line each)."""
        statements = []
        for path in sorted((self.folder / "statements").rglob("*.jsonl")):
            statements += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        return statements

    def get(self, **params):
        """GET /xAPI/statements with these query parameters, as a client of the LRS: (status, JSON)."""
        query = urllib.parse.urlencode(params)
        token = b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        request = urllib.request.Request(
            f"{self.url}/statements?{query}",
            headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")


def start_ralph(executable, folder):
    """A running Ralph over `folder`, with the test user written."""
    server = Ralph(Path(executable), Path(folder))
    server.write_user()
    return server.start()
