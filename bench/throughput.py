"""`make bench`'s throughput phase: wrk against the pages a worker sees most, and the ceiling.

    python bench/throughput.py --app URL --ceiling URL --seed seed.json [--connections 50] [--seconds 10]

A Python load generator on the same two cores holds the server back (locust reaches about half
of what the ceiling page can serve), so this phase drives each page with wrk (Debian's package;
`make bench` installs it) and bench/wrk.lua, which rotates the virtual users' session cookies:
every request is a signed-in worker's. For each page: a warm-up, then `--seconds` of load at
`--connections` (2 threads), with requests a second, p50/p95/p99, errors, and the CPU time the
app's gunicorn workers and PostgreSQL's processes spent per request (from /proc, via psutil).
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def sign_in(base, username, password):
    """Log `username` in; (cookie header, CSRF token of the new session)."""
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30).text
    response = session.post(
        f"{base}/login",
        data={"csrf_token": _TOKEN.search(page).group(1), "login": username, "password": password},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise RuntimeError(f"{username} could not log in ({response.status_code})")
    token = _TOKEN.search(session.get(f"{base}/me/record", timeout=30).text).group(1)
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    return session, cookie, token


def paths_of(seed):
    """The paths each page rotates over."""
    lessons = [f"/courses/{c['slug']}/{key}" for c in seed["shipped"] for key, kind in c["modules"] if kind == "lesson"]
    return {
        "catalogue": ["/courses/"],
        "course": [f"/courses/{c['slug']}" for c in seed["shipped"]],
        "module": lessons,
        "record": ["/me/record"],
        "home": ["/"],
        "heartbeat": None,  # each user's own lesson, kept open
    }


def _cpu_seconds(pids):
    """CPU time of these processes and of their children that have exited (gunicorn replaces a
    worker after max_requests; PostgreSQL's backends end with their connections)."""
    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def _app_pids(master):
    return [master, *(child.pid for child in psutil.Process(master).children(recursive=True))]


def _postgres_pids():
    return [p.pid for p in psutil.process_iter(["name"]) if (p.info["name"] or "").startswith("postgres")]


def _wrk(url, users_file, paths_file, method, connections, seconds):
    command = [
        "wrk", "-t2", f"-c{connections}", f"-d{round(seconds)}s", "--timeout", "10s",
        "-s", str(ROOT / "bench" / "wrk.lua"), url, "--", str(users_file), str(paths_file), method,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK-JSON "))
    return json.loads(line.removeprefix("WRK-JSON "))


def run(app, ceiling, seed, pages, connections=50, seconds=10.0, warmup=2.0, app_master=None):
    """Drive each page in `pages` (and "ceiling") with wrk; {page: figures}."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian's package `wrk`; `make bench` installs it as root)")
    work = Path(tempfile.mkdtemp(prefix="learnhub-wrk-"))
    lessons = paths_of(seed)["module"]
    lines = []
    for number, username in enumerate(seed["users"][: max(connections, 10)]):
        session, cookie, token = sign_in(app, username, seed["password"])
        mine = lessons[number % len(lessons)]
        session.get(f"{app}{mine}", timeout=30)  # the lesson this user keeps open (the heartbeat's)
        lines.append(f"{cookie}\t{token}\t{mine}/heartbeat")
    users_file = work / "users.txt"
    users_file.write_text("\n".join(lines) + "\n")
    results = {}
    for page in pages:
        url, method, master = (ceiling, "GET", None) if page == "ceiling" else (app, "GET", app_master)
        paths = ["/"] if page == "ceiling" else paths_of(seed)[page]
        if page == "heartbeat":
            method, paths_file = "POST", "-"
        else:
            paths_file = work / f"{page}.txt"
            paths_file.write_text("\n".join(paths) + "\n")
        _wrk(url, users_file, paths_file, method, connections, warmup)
        app_pids = _app_pids(master) if master else []
        pg_pids = _postgres_pids()
        before = _cpu_seconds(app_pids), _cpu_seconds(pg_pids)
        figures = _wrk(url, users_file, paths_file, method, connections, seconds)
        after = _cpu_seconds(app_pids), _cpu_seconds(pg_pids)
        served = max(figures["requests"], 1)
        figures.update(
            req_s=round(figures["requests"] / (figures["duration_us"] / 1e6), 1),
            app_cpu_ms=round((after[0] - before[0]) * 1000 / served, 2) if master else None,
            db_cpu_ms=round((after[1] - before[1]) * 1000 / served, 2) if master else None,
        )
        results[page] = figures
        print(
            f" wrk {connections} conns  {page:10s} {figures['req_s']:7.1f} req/s  p50 {figures['p50_us'] / 1000:.1f}"
            f"  p95 {figures['p95_us'] / 1000:.1f}  p99 {figures['p99_us'] / 1000:.1f} ms"
            f"  app cpu {figures['app_cpu_ms']} ms  db cpu {figures['db_cpu_ms']} ms"
            f"  errors {figures['status_errors'] + figures['socket_errors'] + figures['timeouts']}",
            flush=True,
        )
    shutil.rmtree(work, ignore_errors=True)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", required=True)
    parser.add_argument("--ceiling", required=True)
    parser.add_argument("--seed", required=True)
    parser.add_argument("--pages", default="catalogue,course,module,record,home,heartbeat,ceiling")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--app-master", type=int, help="pid of the app's gunicorn master, for CPU per request")
    args = parser.parse_args()
    seed = json.loads(Path(args.seed).read_text())
    results = run(
        args.app, args.ceiling, seed, args.pages.split(","), args.connections, args.seconds, app_master=args.app_master
    )
    json.dump(results, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
