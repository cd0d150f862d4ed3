"""2,000 contestants hand in their papers within one minute (PostgreSQL).

    python bench/contest_submit.py [--url postgresql+psycopg://postgres@127.0.0.1/bench_contest]
                                   [--contestants 2000] [--seconds 60] [--threads 64]

A fresh database (its name must start with bench_): `flask db upgrade`, the electrical-safety
course and its question bank, a city union with 20 enterprise unions and N electricians (one
password hash for all, bulk-inserted, as bench/seed.py does), and a contest of that city open
now: ten questions drawn from the bank, 30 minutes. LearnHub runs under gunicorn with
gunicorn.conf.py on 127.0.0.1, behind a pretend load balancer (TRUSTED_PROXY_HOPS=1, each
contestant's X-Forwarded-For a loopback address of its own), so the per-address login limit
sees each contestant's own address, as it would in production.

Set-up, not measured: each contestant logs in, presses Enter (their paper is drawn and their
clock starts) and reads their paper. Measured: each hands it in at a moment spread evenly over
--seconds, from a pool of --threads threads on the same two cores as the server; each answers a
random share of the questions right. Reported: the hand-in's latency (p50, p95, max) and the
errors (anything but a 302 back to the contest page); then the database is checked: every paper
handed in once, none late, and the server's ranking in the order of score, then time.

Results: printed, and written to bench/results/contest-submit.md with --write.
"""

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench.run import _free_port, _fresh_postgres, _gunicorn, _step, _stop, _wait_up  # noqa: E402

PASSWORD = "LearnHub-demo-2026"
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_QUESTION = re.compile(r'name="q(\d+)" value="(\d*)"')  # a choice, or a typed answer (empty value)


def seed(url, contestants):
    """The city, its electricians and the contest; returns (contest id, usernames)."""
    os.environ["DATABASE_URL"] = url
    from sqlalchemy import select

    from bench.seed import _people
    from learnhub import create_app
    from learnhub.accounts.models import User
    from learnhub.accounts.passwords import hash_password
    from learnhub.catalog.models import Course
    from learnhub.contests import competitions
    from learnhub.extensions import db
    from learnhub.orgs.services import create_org

    app = create_app()
    with app.app_context():
        province = create_org("压测省总工会", "province", create_org("压测全国", "national"))
        city = create_org("压测市总工会", "city", province)
        enterprises = [create_org(f"压测市{n:02d}厂工会", "enterprise", city) for n in range(1, 21)]
        rng = random.Random(19)
        _ids, _new = _people(db.session, rng, "bench-c", contestants, enterprises, hash_password(PASSWORD))
        db.session.execute(
            User.__table__.update()
            .where(User.username.like("bench-c%"))
            .values(occupation="electrician", skill_level="level4")
        )
        admin_ids, _ = _people(db.session, rng, "bench-cadmin", 1, enterprises, "x", role="admin", org=city)
        admin = db.session.get(User, admin_ids[0])
        course = db.session.scalar(select(Course).where(Course.slug == "electrical-safety"))
        now = datetime.now(ZoneInfo("Asia/Shanghai"))
        contest = competitions.create_contest(
            admin,
            dict(
                title="压测市电工技术比武",
                occupation="electrician",
                courses=[str(course.id)],
                basic="6",
                harder="4",
                each_topic="y",
                time_limit="30",
                opens_at=(now - timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M"),
                closes_at=(now + timedelta(hours=3)).strftime("%Y-%m-%d %H:%M"),
            ),
        )
        contest.opening_told_at = contest.closing_told_at = datetime.now(UTC)  # no notices during the run
        db.session.commit()
        width = max(4, len(str(contestants)))
        return contest.id, [f"bench-c{n:0{width}d}" for n in range(1, contestants + 1)]


class Contestant:
    def __init__(self, base, username, number):
        self.base, self.username = base, username
        self.session = requests.Session()
        # Each contestant behind the load balancer from an address of its own (loopback range).
        self.session.headers["X-Forwarded-For"] = (
            f"127.{number // 65536 % 256}.{number // 256 % 256}.{number % 256 + 1}"
        )
        self.answers = None

    def prepare(self, contest_id):
        """Log in, press Enter, read the paper: the form to hand in, with a random share right."""
        page = self.session.get(f"{self.base}/login")
        token = _TOKEN.search(page.text).group(1)
        done = self.session.post(
            f"{self.base}/login",
            data={"csrf_token": token, "login": self.username, "password": PASSWORD, "next": ""},
            allow_redirects=False,
        )
        if done.status_code != 302:
            raise RuntimeError(f"{self.username} could not log in: {done.status_code}")
        url = f"{self.base}/contests/{contest_id}"
        token = _TOKEN.search(self.session.get(url).text).group(1)
        self.session.post(f"{url}/enter", data={"csrf_token": token}, allow_redirects=False)
        page = self.session.get(url).text
        choices = {}
        for question, choice in _QUESTION.findall(page):
            choices.setdefault(question, []).append(choice)
        if not choices:
            raise RuntimeError(f"{self.username} has no paper")
        self.answers = {"csrf_token": _TOKEN.search(page).group(1)}
        for question, options in choices.items():
            self.answers[f"q{question}"] = random.choice(options) if options != [""] else str(random.randint(1, 50))
        self.url = url

    def hand_in(self):
        started = time.perf_counter()
        try:
            response = self.session.post(f"{self.url}/submit", data=self.answers, allow_redirects=False, timeout=60)
            ok = response.status_code == 302 and response.headers.get("Location", "").endswith(
                self.url[len(self.base) :]
            )
            error = None if ok else f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            error = type(exc).__name__
        return time.perf_counter() - started, error


def check(url, contest_id, contestants):
    """Every paper handed in once and on time; the ranking in order of score, then time."""
    from sqlalchemy import func, select

    from learnhub import create_app
    from learnhub.contests import competitions
    from learnhub.contests.models import Contest, ContestEntry
    from learnhub.extensions import db

    app = create_app()
    with app.app_context():
        entries = db.session.scalars(select(ContestEntry).where(ContestEntry.contest_id == contest_id)).all()
        handed_in = [e for e in entries if e.submitted_at is not None]
        late = [e for e in handed_in if e.is_late]
        ranking = competitions.individual_ranking(db.session.get(Contest, contest_id))
        keys = [(-entry.score, entry.seconds) for _rank, entry, _n, _u in ranking]
        ranks_ok = keys == sorted(keys) and all(
            rank == 1 + sum(1 for other in keys if other < key)
            for (rank, _e, _n, _u), key in zip(ranking, keys, strict=True)
        )
        duplicates = db.session.scalar(
            select(func.count()).select_from(
                select(ContestEntry.user_id)
                .where(ContestEntry.contest_id == contest_id)
                .group_by(ContestEntry.user_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
        return {
            "entries": len(entries),
            "handed_in": len(handed_in),
            "late": len(late),
            "ranked": len(ranking),
            "ranking_in_order": ranks_ok,
            "duplicates": duplicates,
            "expected": contestants,
        }


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1/bench_contest")
    parser.add_argument("--contestants", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--write", action="store_true", help="write bench/results/contest-submit.md")
    args = parser.parse_args()

    problem = _fresh_postgres(args.url)
    if problem:
        sys.exit(f"PostgreSQL not reachable: {problem}")
    work = Path(tempfile.mkdtemp(prefix="learnhub-contest-bench-"))
    log = work / "setup.log"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "LEARNHUB_CONFIG")}
    env.update(
        DATABASE_URL=args.url,
        FLASK_APP="wsgi",
        SECRET_KEY="bench-" + os.urandom(8).hex(),
        PYTHONPATH=str(ROOT),
        TRUSTED_PROXY_HOPS="1",
    )
    flask = [sys.executable, "-m", "flask"]
    _step("flask db upgrade", flask + ["db", "upgrade"], env, log)
    _step("import the electrical-safety course", flask + ["courses", "import", "courses/electrical-safety"], env, log)
    os.environ.update(SECRET_KEY=env["SECRET_KEY"], TRUSTED_PROXY_HOPS="1")
    contest_id, usernames = seed(args.url, args.contestants)

    port = _free_port()
    server = _gunicorn("wsgi:app", port, env, work / "app.log")
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_up(f"{base}/healthz", 120)
        people = [Contestant(base, name, n) for n, name in enumerate(usernames)]
        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda person: person.prepare(contest_id), people))
        prepared = time.monotonic() - started
        print(f"-- {len(people)} contestants logged in, entered and read their papers in {prepared:.0f} s", flush=True)

        results, lock = [], threading.Lock()
        begin = time.monotonic() + 1
        random.shuffle(people)

        def go(index_person):
            index, person = index_person
            wait = begin + index * args.seconds / len(people) - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            outcome = person.hand_in()
            with lock:
                results.append(outcome)

        load = os.getloadavg()[0]
        with ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(go, enumerate(people)))
        took = time.monotonic() - begin
    finally:
        _stop(server)

    latencies = [seconds * 1000 for seconds, _error in results]
    errors = [error for _seconds, error in results if error]
    checked = check(args.url, contest_id, args.contestants)
    figures = {
        "contestants": len(results),
        "seconds": round(took, 1),
        "p50_ms": round(statistics.median(latencies)),
        "p95_ms": round(_percentile(latencies, 0.95)),
        "max_ms": round(max(latencies)),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "loadavg_before": round(load, 2),
        **checked,
    }
    for key, value in figures.items():
        print(f"{key}: {value}")
    if args.write:
        out = ROOT / "bench" / "results" / "contest-submit.md"
        out.write_text(
            "# 2,000 contestants hand in within a minute (PostgreSQL)\n\n"
            f"`python bench/contest_submit.py --contestants {args.contestants} --seconds {args.seconds:g} "
            f"--threads {args.threads}`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, gunicorn "
            f"{env.get('GUNICORN_WORKERS', os.cpu_count() * 2)} workers and the load generator on the same "
            f"{os.cpu_count()} cores (load average {load:.2f} before the measured minute).\n\n"
            "| figure | value |\n|---|---:|\n" + "".join(f"| {k} | {v} |\n" for k, v in figures.items())
        )
        print(f"written to {out}")
    return 0 if not errors and checked["handed_in"] == args.contestants and checked["ranking_in_order"] else 1


if __name__ == "__main__":
    sys.exit(main())
