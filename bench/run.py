"""`make bench`: seed a dataset, serve it under gunicorn, drive it with locust, write the tables.

    python bench/run.py [--db sqlite|postgres|all] [--workers 20000] [--seconds 15] [--levels 10,50]

For each database: a fresh database (a file for SQLite; `bench_learnhub` on the PostgreSQL
server of BENCH_DATABASE_URL), `flask db upgrade`, `flask courses import courses/`, `flask demo
load`, bench/seed.py; then LearnHub and the ceiling (bench/ceiling.py) each under gunicorn with
gunicorn.conf.py on 127.0.0.1 (2 workers per core), bench/drive.py against both, the resident
memory of every gunicorn worker sampled throughout, and the ledger checked afterwards.
Results: bench/results/<db>.json and bench/results/<db>.md.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from bench import report, throughput  # noqa: E402

PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/bench_learnhub")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _step(title, command, env, log):
    print(f"-- {title}", flush=True)
    started = time.monotonic()
    with open(log, "a") as out:
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode:
        sys.exit(f"{title} failed; see {log}")
    return round(time.monotonic() - started, 1)


def _fresh_postgres(url):
    """Drop and create the benchmark database; refuse any name not starting with bench_."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not (parsed.database or "").startswith("bench_"):
        sys.exit(f"refusing to drop {parsed.database!r}: the benchmark's database names start with bench_")
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{parsed.database}"')
    except psycopg.OperationalError as error:
        return str(error).strip().splitlines()[0]
    return None


def _wait_up(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{url} did not come up")


class MemorySampler(threading.Thread):
    """The largest resident memory of each gunicorn worker (children of the masters), twice a second."""

    def __init__(self, masters):
        super().__init__(daemon=True)
        self.masters = masters  # {label: pid}
        self.peak = {}  # (label, pid) -> bytes
        self.last = {}
        self.stop = threading.Event()

    def run(self):
        import psutil

        while not self.stop.is_set():
            for label, pid in self.masters.items():
                try:
                    children = psutil.Process(pid).children()
                except psutil.NoSuchProcess:
                    continue
                for child in children:
                    try:
                        rss = child.memory_info().rss
                    except psutil.NoSuchProcess:
                        continue
                    key = (label, child.pid)
                    self.peak[key] = max(self.peak.get(key, 0), rss)
                    self.last[key] = rss
            self.stop.wait(0.5)

    def summary(self):
        out = {}
        for label in self.masters:
            peaks = [v for (name, _pid), v in self.peak.items() if name == label]
            out[label] = {
                "workers_seen": len(peaks),
                "max_rss_mb": round(max(peaks) / 2**20, 1) if peaks else None,
                "median_rss_mb": round(sorted(peaks)[len(peaks) // 2] / 2**20, 1) if peaks else None,
            }
        return out


def _busy(seconds=3.0):
    """The share of the machine's CPU in use over `seconds` (everything running, from /proc/stat)."""

    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    total1, idle1 = sample()
    time.sleep(seconds)
    total2, idle2 = sample()
    return 1 - (idle2 - idle1) / max(total2 - total1, 1)


def _gunicorn(app, port, env, log, extra=()):
    env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_ACCESSLOG=str(log))
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), *extra, app]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=open(log, "a"), stderr=subprocess.STDOUT)


def _stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def _has_stats(env):
    code = "from wsgi import app; print('/stats/' in {r.rule for r in app.url_map.iter_rules()})"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    return out.stdout.strip().endswith("True")


def check_ledger(url, completed):
    """No lost and no double ledger entries: every accepted completion paid exactly once."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        doubles = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT account_id, kind, source_type, source_id FROM ledger_entry "
                "GROUP BY account_id, kind, source_type, source_id HAVING count(*) > 1) AS d"
            )
        ).scalar()
        paid = {
            (row[0], row[1], row[2]): row[3]
            for row in conn.execute(
                text(
                    "SELECT u.username, c.slug, m.key, count(l.id) FROM ledger_entry l "
                    "JOIN credit_account a ON a.id = l.account_id JOIN user_account u ON u.id = a.user_id "
                    "JOIN module m ON l.source_type = 'module' AND l.source_id = CAST(m.id AS VARCHAR(64)) "
                    "JOIN course c ON c.id = m.course_id "
                    "WHERE u.username LIKE 'bench-u%' AND c.slug LIKE 'bench-%' AND l.kind = 'module' "
                    "GROUP BY u.username, c.slug, m.key"
                )
            )
        }
        finished = conn.execute(
            text(
                "SELECT count(*) FROM progress p JOIN user_account u ON u.id = p.user_id "
                "JOIN module m ON m.id = p.module_id JOIN course c ON c.id = m.course_id "
                "WHERE u.username LIKE 'bench-u%' AND c.slug LIKE 'bench-%' AND p.completed_at IS NOT NULL"
            )
        ).scalar()
    engine.dispose()
    accepted = {tuple(row) for row in completed}
    lost = [key for key in accepted if paid.get(key, 0) == 0]
    double = [key for key, n in paid.items() if n > 1]
    return {
        "accepted_completions": len(accepted),
        "ledger_entries": sum(paid.values()),
        "finished_progress_rows": finished,
        "lost": len(lost),
        "double": len(double) + doubles,
        "unrequested": len(set(paid) - accepted),
        "ok": not lost and not double and not doubles and len(paid) == len(accepted) == finished,
    }


def bench_one(db, args):
    """Run the whole benchmark on one database; return the result dict (also written to disk)."""
    work = Path(tempfile.mkdtemp(prefix=f"learnhub-bench-{db}-"))
    log = work / "setup.log"
    if db == "sqlite":
        url = f"sqlite:///{work / 'bench.sqlite3'}"
    else:
        url = PG_URL
        problem = _fresh_postgres(url)
        if problem:
            print(f"!! PostgreSQL not reachable at {url}: {problem}; skipped", flush=True)
            return {"db": db, "skipped": f"PostgreSQL not reachable: {problem}"}
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "LEARNHUB_CONFIG")}
    env.update(
        DATABASE_URL=url,
        FLASK_APP="wsgi",
        SECRET_KEY="bench-" + os.urandom(8).hex(),
        SQL_COUNT_HEADER="1",
        CACHE_DIR=str(work / "cache"),
        PYTHONPATH=str(ROOT),
        # The load test finishes modules at once: it measures throughput, not study time.
        LESSON_READ_SHARE="0",
        VIDEO_PLAYED_SHARE="0",
        # ...and grades quiz papers back to back: no daily limit, no cool-down (seed.py lifts each
        # quiz's own limit of attempts).
        QUIZ_ATTEMPTS_PER_DAY="0",
        QUIZ_COOLDOWN_MINUTES="0",
    )
    flask = [sys.executable, "-m", "flask"]
    timings = {
        "migrate": _step("flask db upgrade", flask + ["db", "upgrade"], env, log),
        "courses": _step("flask courses import courses/", flask + ["courses", "import", "courses/"], env, log),
        "demo": _step("flask demo load", flask + ["demo", "load"], env, log),
        "seed": _step(
            f"seed {args.workers} workers",
            [
                sys.executable,
                "bench/seed.py",
                "--workers",
                str(args.workers),
                "--users",
                str(max(args.levels) + 10),
                "--out",
                str(work / "seed.json"),
            ],
            env,
            log,
        ),
    }
    seed = json.loads((work / "seed.json").read_text())
    pages = ["catalogue", "course", "module", "heartbeat", "quiz", "complete", "record"]
    notes = []
    if _has_stats(env):
        pages.append("stats")
    else:
        notes.append("The admin dashboard (/stats/) does not exist yet in this build: not measured.")
    pages.append("ceiling")

    load = {"others_busy_before": round(_busy(), 2), "loadavg_before": Path("/proc/loadavg").read_text().split()[0]}
    app_port, ceiling_port = _free_port(), _free_port()
    server = _gunicorn("wsgi:app", app_port, env, work / "app.log")
    ceiling = _gunicorn("ceiling:app", ceiling_port, env, work / "ceiling.log", extra=("--pythonpath", "bench"))
    sampler = None
    try:
        _wait_up(f"http://127.0.0.1:{app_port}/healthz")
        _wait_up(f"http://127.0.0.1:{ceiling_port}/")
        sampler = MemorySampler({"app": server.pid, "ceiling": ceiling.pid})
        sampler.start()
        print(f"-- load: levels {args.levels}, pages {', '.join(pages)}, {args.seconds} s each", flush=True)
        raw = work / "raw.json"
        drive = [
            sys.executable,
            "bench/drive.py",
            "--app",
            f"http://127.0.0.1:{app_port}",
            "--ceiling",
            f"http://127.0.0.1:{ceiling_port}",
            "--seed",
            str(work / "seed.json"),
            "--levels",
            ",".join(map(str, args.levels)),
            "--seconds",
            str(args.seconds),
            "--warmup",
            str(args.warmup),
            "--pages",
            ",".join(pages),
            "--out",
            str(raw),
        ]
        if subprocess.run(drive, cwd=ROOT, env=env).returncode:
            sys.exit("the load generator failed")
        if shutil.which("wrk"):
            print(f"-- throughput (wrk): 50 connections, {args.seconds} s each", flush=True)
            wrk_pages = ["catalogue", "course", "module", "record", "home", "heartbeat", "ceiling"]
            wrk = throughput.run(
                f"http://127.0.0.1:{app_port}",
                f"http://127.0.0.1:{ceiling_port}",
                seed,
                wrk_pages,
                seconds=args.seconds,
                app_master=server.pid,
            )
        else:
            notes.append("wrk is not installed: no throughput phase (`make bench` installs it as root).")
            wrk = {}
    finally:
        if sampler is not None:
            sampler.stop.set()
        _stop(server)
        _stop(ceiling)
    load["loadavg_after"] = Path("/proc/loadavg").read_text().split()[0]
    loaded = json.loads(raw.read_text())
    result = {
        "db": db,
        "label": args.label,
        "notes": notes,
        "machine": report.machine(),
        "machine_load": load,
        "gunicorn_workers": int(env.get("GUNICORN_WORKERS", os.cpu_count() * 2)),
        "dataset": seed["sizes"],
        "setup_seconds": timings,
        "levels": loaded["levels"],
        "shapes": loaded["shapes"],
        "memory": sampler.summary(),
        "wrk": wrk,
        "ledger": check_ledger(url, loaded["completed"]),
        "seconds": args.seconds,
    }
    RESULTS.mkdir(exist_ok=True)
    name = f"{db}{'-' + args.label if args.label else ''}"
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    (RESULTS / f"{name}.md").write_text(report.markdown(result))
    print((RESULTS / f"{name}.md").read_text(), flush=True)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"-- kept {work}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="all", choices=["sqlite", "postgres", "all"])
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 20000)))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 10)))
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--levels", default="10,50")
    parser.add_argument("--label", default=os.environ.get("BENCH_LABEL", ""), help="suffix of the result files")
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    args = parser.parse_args()
    args.levels = [int(n) for n in args.levels.split(",")]
    for db in ["sqlite", "postgres"] if args.db == "all" else [args.db]:
        print(f"== {db}", flush=True)
        bench_one(db, args)


if __name__ == "__main__":
    main()
