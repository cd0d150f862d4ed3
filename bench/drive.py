"""The load generator: locust as a library, headless, one process, phases run in turn.

    python bench/drive.py --app http://127.0.0.1:8101 --ceiling http://127.0.0.1:8102 \
        --seed seed.json --levels 10,50 --seconds 15 --out raw.json [--stats]

Each virtual user is one benchmark worker account (bench-u0001, ...), logged in once through
the login form when it starts, and kept for the whole run. Users loop without pause (a
closed system: N users means N requests in flight). For each level of users and each page
in turn, every user requests only that page: a few seconds of warm-up, then the statistics
are taken over `--seconds`. The ceiling, a minimal Flask page on the same gunicorn set-up,
is measured the same way in the same run.

The latencies are the client's, from sending the request to the last byte of the response.
"""

import argparse
import gzip
import json
import random
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from gevent import monkey

monkey.patch_all()

import gevent  # noqa: E402
from locust import FastHttpUser, constant, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402
from papers import paper_answers  # noqa: E402

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

STATE = {"page": None, "measuring": False, "ready": 0}
SAMPLES = {}  # page -> {"times": [...], "sql": [...], "bytes": [...], "errors": int, "statuses": {}}
SHAPES = {}  # page -> {"headers": bytes, "body": bytes, "gzip": bytes, "status": int}
COMPLETED = []  # [username, slug, key] of every finished module the server accepted
CONFIG = {}


def _login(client, username, password):
    """Log in through the form, as a person would; return a CSRF token of the new session."""
    for _attempt in range(5):  # an overloaded server may refuse one; a person would try again
        page = client.get("/login", name="login")
        token = _TOKEN.search(page.text).group(1)
        response = client.post(
            "/login",
            data={"csrf_token": token, "login": username, "password": password, "next": ""},
            name="login",
            allow_redirects=False,
        )
        if response.status_code == 302:
            break
        print(f"{username} could not log in: {response.status_code}", file=sys.stderr)
        gevent.sleep(1)
    else:
        raise RuntimeError(f"{username} could not log in")
    # The session starts afresh at login: take a token of the new one.
    return _TOKEN.search(client.get("/me/record", name="login").text).group(1)


class Worker(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        seed = CONFIG["seed"]
        self.username = CONFIG["accounts"].pop(0)
        self.rng = random.Random(self.username)
        self.token = _login(self.client, self.username, seed["password"])
        self.lessons = [(c["slug"], key) for c in seed["shipped"] for key, kind in c["modules"] if kind == "lesson"]
        self.courses = [c["slug"] for c in seed["shipped"]]
        self.quizzes = list(seed["quizzes"].items())
        # Modules this user finishes, in order, one request each: every one pays credits once.
        self.fresh = [(c["slug"], key) for c in seed["fresh"] for key in c["modules"]]
        self.admin = None
        STATE["ready"] += 1

    @task
    def visit(self):
        page = STATE["page"]
        if page is None:
            gevent.sleep(0.05)
            return
        getattr(self, "page_" + page)()

    # ------------------------------------------------------------- the pages

    def page_catalogue(self):
        self.client.get("/courses/", name="catalogue")

    def page_course(self):
        self.client.get(f"/courses/{self.rng.choice(self.courses)}", name="course")

    def page_module(self):
        slug, key = self.rng.choice(self.lessons)
        self.client.get(f"/courses/{slug}/{key}", name="module")

    def page_quiz(self):
        # Papers are drawn from a bank for each attempt: read the one drawn, then answer it.
        where, _questions = self.rng.choice(self.quizzes)
        slug, key = where.split("/")
        page = self.client.get(f"/courses/{slug}/{key}", name="quiz paper").text
        data = [("csrf_token", self.token), *paper_answers(page, self.rng)]
        self.client.post(
            f"/courses/{slug}/{key}/quiz", data=urlencode(data), headers=FORM, name="quiz submit", allow_redirects=False
        )

    def page_complete(self):
        if not self.fresh:
            gevent.sleep(0.05)
            return
        slug, key = self.fresh.pop(0)
        response = self.client.post(
            f"/courses/{slug}/{key}/done",
            data={"csrf_token": self.token},
            name="complete module",
            allow_redirects=False,
        )
        # A refusal sends the person back to the same module; success moves them on.
        location = response.headers.get("Location", "") if response.headers else ""
        if response.status_code == 302 and not location.rstrip("/").endswith(f"/{slug}/{key}"):
            COMPLETED.append([self.username, slug, key])

    def page_heartbeat(self):
        # One lesson kept open, as a reader does: the first heartbeat opens it, the rest add time.
        if not hasattr(self, "open_lesson"):
            self.open_lesson = self.rng.choice(self.lessons)
        slug, key = self.open_lesson
        self.client.post(
            f"/courses/{slug}/{key}/heartbeat", data={"csrf_token": self.token}, name="heartbeat", allow_redirects=False
        )

    def page_record(self):
        self.client.get("/me/record", name="learning record")

    def page_stats(self):
        if self.admin is None:
            from locust.contrib.fasthttp import FastHttpSession

            self.admin = FastHttpSession(self.host, request_event=self.environment.events.request, user=self)
            _login(self.admin, CONFIG["admins"].pop(0), CONFIG["seed"]["password"])
        self.admin.get("/stats/", name="stats dashboard")

    def page_ceiling(self):
        self.client.get(CONFIG["ceiling"] + "/", name="ceiling")


def _on_request(request_type, name, response_time, response_length, response=None, exception=None, **_kw):
    page = STATE["page"]
    if not STATE["measuring"] or name == "login":
        return
    entry = SAMPLES.setdefault(name, _empty())
    entry["times"].append(response_time)
    status = getattr(response, "status_code", 0) or 0
    entry["statuses"][str(status)] = entry["statuses"].get(str(status), 0) + 1
    if exception is not None or status >= 400 or status == 0:
        entry["errors"] += 1
        return
    headers = response.headers or {}
    if headers.get("X-SQL-Queries"):
        entry["sql"].append(int(headers["X-SQL-Queries"]))
    for part in (headers.get("Server-Timing") or "").split(","):
        metric, _sep, value = part.strip().partition(";dur=")
        if metric in ("cpu", "db"):
            entry[metric].append(float(value))
    head = sum(len(k) + len(v) + 4 for k, v in headers.items()) + len("HTTP/1.1 200 OK\r\n\r\n")
    entry["bytes"].append(head + response_length)
    if name not in SHAPES and page is not None:
        body = response.content or b""
        SHAPES[name] = {"headers": head, "body": len(body), "gzip": len(gzip.compress(body, 6)), "status": status}


def _empty():
    return {"times": [], "sql": [], "bytes": [], "cpu": [], "db": [], "errors": 0, "statuses": {}}


def _mean(values):
    return round(sum(values) / len(values), 2) if values else None


def _percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return None
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def _summary(name, seconds):
    entry = SAMPLES.get(name, _empty())
    times = entry["times"]
    shape = SHAPES.get(name, {})
    return {
        "requests": len(times),
        "errors": entry["errors"],
        "statuses": entry["statuses"],
        "rps": round(len(times) / seconds, 1),
        "p50_ms": _round(_percentile(times, 0.50)),
        "p95_ms": _round(_percentile(times, 0.95)),
        "p99_ms": _round(_percentile(times, 0.99)),
        "max_ms": _round(max(times) if times else None),
        "sql_min": min(entry["sql"]) if entry["sql"] else None,
        "sql_max": max(entry["sql"]) if entry["sql"] else None,
        "bytes_avg": round(sum(entry["bytes"]) / len(entry["bytes"])) if entry["bytes"] else None,
        "cpu_ms": _mean(entry["cpu"]),
        "db_ms": _mean(entry["db"]),
        "body_bytes": shape.get("body"),
        "gzip_bytes": shape.get("gzip"),
    }


def _round(value):
    return None if value is None else round(value, 1)


NAMES = {
    "catalogue": "catalogue",
    "course": "course",
    "module": "module",
    "quiz": "quiz submit",
    "complete": "complete module",
    "record": "learning record",
    "heartbeat": "heartbeat",
    "stats": "stats dashboard",
    "ceiling": "ceiling",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", required=True)
    parser.add_argument("--ceiling", required=True)
    parser.add_argument("--seed", required=True)
    parser.add_argument("--levels", default="10,50")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--pages", default="catalogue,course,module,heartbeat,quiz,complete,record,stats,ceiling")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    seed = json.loads(Path(args.seed).read_text())
    CONFIG.update(seed=seed, accounts=list(seed["users"]), admins=list(seed["admins"]), ceiling=args.ceiling)
    levels = [int(n) for n in args.levels.split(",")]
    if max(levels) > len(seed["users"]):
        sys.exit(f"{max(levels)} users asked for, {len(seed['users'])} accounts seeded")
    pages = args.pages.split(",")

    env = Environment(user_classes=[Worker], events=events, host=args.app)
    env.events.request.add_listener(_on_request)
    runner = env.create_local_runner()
    results = {"levels": {}, "seconds": args.seconds, "warmup": args.warmup}
    for users in levels:
        runner.start(users, spawn_rate=users)
        deadline = time.monotonic() + 120
        while STATE["ready"] < users:
            if time.monotonic() > deadline:
                sys.exit(f"only {STATE['ready']} of {users} users logged in")
            gevent.sleep(0.1)
        level = results["levels"][str(users)] = {}
        for page in pages:
            STATE["page"] = page
            gevent.sleep(args.warmup)
            SAMPLES.clear()
            started = time.monotonic()
            STATE["measuring"] = True
            gevent.sleep(args.seconds)
            STATE["measuring"] = False
            level[page] = _summary(NAMES[page], time.monotonic() - started)
            level[page]["started"], level[page]["ended"] = time.time() - (time.monotonic() - started), time.time()
            print(
                f"{users:>3} users  {page:<10} {level[page]['rps']:>7} req/s  p50 {level[page]['p50_ms']}  "
                f"p95 {level[page]['p95_ms']}  p99 {level[page]['p99_ms']} ms  sql {level[page]['sql_max']}  "
                f"errors {level[page]['errors']}",
                flush=True,
            )
        STATE["page"] = None
    runner.quit()
    results["completed"] = COMPLETED
    results["shapes"] = SHAPES
    Path(args.out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
