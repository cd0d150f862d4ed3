"""The benchmark's Markdown table and the targets of issue 9, from one run's result dict."""

import contextlib
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

LABELS = {
    "catalogue": "catalogue `/courses/`",
    "course": "course `/courses/<slug>`",
    "module": "module `/courses/<slug>/<key>`",
    "quiz": "quiz submit (POST)",
    "complete": "complete module (POST)",
    "record": "learning record `/me/record`",
    "home": "home `/`",
    "heartbeat": "player's heartbeat (POST, page kept open)",
    "stats": "admin dashboard `/stats/`",
    "ceiling": "**ceiling** (minimal Flask page)",
}

# (page, users, measure, limit, comparison) from issue 9; "times course": throughput over the
# course page's in the same run (issue 14: the heartbeat at least three times the course page).
TARGETS = [
    ("heartbeat", 50, "times course", 3.0, ">="),
    ("module", 50, "p95_ms", 50, "<"),
    ("module", 50, "ratio", 0.40, ">="),
    ("course", 50, "p95_ms", 50, "<"),
    ("course", 50, "ratio", 0.40, ">="),
    ("complete", 50, "p95_ms", 80, "<"),
]
MEMORY_LIMIT_MB = 150


def machine():
    """What the figures were measured on."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    model = ""
    with contextlib.suppress(OSError, StopIteration):
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "commit": commit,
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _value(row, measure, level):
    if measure == "ratio":
        ceiling = level.get("ceiling")
        return row["rps"] / ceiling["rps"] if ceiling and ceiling.get("rps") else None
    if measure.startswith("times "):
        other = level.get(measure.split(" ", 1)[1])
        return row["rps"] / other["rps"] if other and other.get("rps") else None
    return row.get(measure)


def targets(result):
    """[(description, value, met)] for each target of the issue this run can judge."""
    out = []
    for page, users, measure, limit, comparison in TARGETS:
        level = result["levels"].get(str(users), {})
        row = level.get(page)
        if row is None:
            continue
        value = _value(row, measure, level)
        met = value is not None and (value < limit if comparison == "<" else value >= limit)
        if measure == "ratio":
            shown, wanted = (f"{value:.0%}" if value is not None else "–"), f"≥ {limit:.0%} of ceiling"
        elif measure.startswith("times "):
            shown = f"{value:.1f}×" if value is not None else "–"
            wanted = f"≥ {limit:g}× the {measure.split(' ', 1)[1]} page's req/s"
        else:
            shown, wanted = f"{value} ms", f"p95 < {limit} ms"
        out.append((f"{page}, {users} users: {wanted}", shown, met))
    ledger = result["ledger"]
    out.append(
        (
            "complete module: no lost and no double ledger entries",
            f"{ledger['accepted_completions']} accepted, {ledger['ledger_entries']} paid, "
            f"{ledger['lost']} lost, {ledger['double']} double",
            ledger["ok"],
        )
    )
    peak = result["memory"]["app"]["max_rss_mb"]
    out.append(
        (
            f"each gunicorn worker < {MEMORY_LIMIT_MB} MB resident",
            f"max {peak} MB",
            peak is not None and peak < MEMORY_LIMIT_MB,
        )
    )
    return out


def _ms(value):
    return "–" if value is None else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _sql(row):
    if row.get("sql_max") is None:
        return "–"
    return str(row["sql_max"]) if row["sql_min"] == row["sql_max"] else f"{row['sql_min']}–{row['sql_max']}"


# Issue 22's table (wrk, 50 connections, PostgreSQL) and its bar: three times that, or 18% of
# the ceiling measured in the same run, whichever is lower; p95 under 100 ms.
ISSUE_22_BEFORE = {"course": 266, "module": 305, "catalogue": 227, "record": 201}


def wrk_section(wrk):
    """The throughput phase (bench/throughput.py) as a table and issue 22's targets."""
    if not wrk:
        return []
    ceiling = wrk.get("ceiling", {}).get("req_s")
    lines = [
        "## Throughput with wrk, 50 connections",
        "",
        "wrk (2 threads) on each page after a warm-up, every request a different signed-in worker's cookie; "
        "CPU per request is the time the app's gunicorn workers and PostgreSQL's processes spent, over the "
        "requests served.",
        "",
        "| page | req/s | of ceiling | p50 ms | p95 ms | p99 ms | app CPU ms | PostgreSQL CPU ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page, row in wrk.items():
        ratio = f"{row['req_s'] / ceiling:.0%}" if ceiling and page != "ceiling" else ""
        errors = row["status_errors"] + row["socket_errors"] + row["timeouts"]
        lines.append(
            f"| {LABELS.get(page, page)} | {row['req_s']:.0f} | {ratio} | {row['p50_us'] / 1000:.1f} | "
            f"{row['p95_us'] / 1000:.1f} | {row['p99_us'] / 1000:.1f} | {_ms(row.get('app_cpu_ms'))} | "
            f"{_ms(row.get('db_cpu_ms'))} | {errors} |"
        )
    lines += ["", "| target (issues 22 and 14) | measured | met |", "|---|---|---|"]
    for page, before in ISSUE_22_BEFORE.items():
        row = wrk.get(page)
        if not row:
            continue
        bar = min(3 * before, 0.18 * ceiling) if ceiling else 3 * before
        lines.append(
            f"| {page}: ≥ {bar:.0f} req/s (3 × {before} or 18% of the ceiling) | {row['req_s']:.0f} | "
            f"{'yes' if row['req_s'] >= bar else '**no**'} |"
        )
        p95 = row["p95_us"] / 1000
        lines.append(f"| {page}: p95 < 100 ms | {p95:.1f} ms | {'yes' if p95 < 100 else '**no**'} |")
    if "heartbeat" in wrk and "course" in wrk:
        times = wrk["heartbeat"]["req_s"] / max(wrk["course"]["req_s"], 1)
        lines.append(
            f"| heartbeat: ≥ 3 × the course page's req/s | {times:.1f}× | {'yes' if times >= 3 else '**no**'} |"
        )
    return lines + [""]


def markdown(result):
    """The run as Markdown: one table per level of users, then targets, memory, ledger, dataset."""
    m = result["machine"]
    lines = [
        f"# LearnHub benchmark: {result['db']}",
        "",
        f"{m['when']} · commit {m['commit']} · {m['cores']} cores ({m['cpu']}) · Python {m['python']} · "
        f"gunicorn {result['gunicorn_workers']} sync workers · {result['seconds']:g} s per page and level, "
        "closed loop (each virtual user sends its next request when the last one is answered), "
        "each virtual user its own worker account.",
        "",
    ]
    load = result.get("machine_load")
    if load:
        lines += [
            f"Other programs kept the machine {load['others_busy_before']:.0%} busy just before the run "
            f"(load average {load['loadavg_before']} before, {load['loadavg_after']} after): "
            "latencies and throughput are lower, and the ceiling with them, when that is high.",
            "",
        ]
    for note in result.get("notes", []):
        lines += [f"> {note}", ""]
    for users, level in result["levels"].items():
        ceiling = level.get("ceiling")
        lines += [
            f"## {users} concurrent users",
            "",
            "| page | req/s | of ceiling | p50 ms | p95 ms | p99 ms | server CPU ms | SQL / request "
            "| SQL ms | bytes / response | gzip body | errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for page, row in level.items():
            ratio = f"{row['rps'] / ceiling['rps']:.0%}" if ceiling and ceiling["rps"] and page != "ceiling" else ""
            lines.append(
                f"| {LABELS.get(page, page)} | {row['rps']:.0f} | {ratio} | {_ms(row['p50_ms'])} | "
                f"{_ms(row['p95_ms'])} | {_ms(row['p99_ms'])} | {_ms(row.get('cpu_ms'))} | {_sql(row)} | "
                f"{_ms(row.get('db_ms'))} | {row['bytes_avg'] or '–'} | "
                f"{row['gzip_bytes'] or '–'} | {row['errors']} |"
            )
        lines.append("")
    lines += wrk_section(result.get("wrk") or {})
    lines += ["## Targets (issue 9)", "", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {what} | {value} | {'yes' if met else '**no**'} |" for what, value, met in targets(result)]
    mem = result["memory"]
    lines += [
        "",
        "## Memory",
        "",
        f"Resident memory of each gunicorn worker, the largest seen while the load ran (sampled twice a "
        f"second): LearnHub {mem['app']['max_rss_mb']} MB at most, {mem['app']['median_rss_mb']} MB median "
        f"over {mem['app']['workers_seen']} worker processes (workers are replaced after max_requests); "
        f"the ceiling app {mem['ceiling']['max_rss_mb']} MB.",
        "",
        "## Ledger after the run",
        "",
    ]
    ledger = result["ledger"]
    lines += [
        f"{ledger['accepted_completions']} module completions accepted by the server, "
        f"{ledger['ledger_entries']} ledger entries for them, {ledger['finished_progress_rows']} finished "
        f"progress rows; lost: {ledger['lost']}, double: {ledger['double']}, "
        f"paid without an accepted request: {ledger['unrequested']}.",
        "",
        "## Dataset",
        "",
    ]
    sizes = result["dataset"]
    lines += [
        ", ".join(f"{key.replace('_', ' ')}: {value:,}" for key, value in sizes.items()) + ".",
        f"Set-up: {', '.join(f'{k} {v} s' for k, v in result['setup_seconds'].items())}.",
        "",
        "Columns: req/s is what the page sustains with every user on it alone; *of ceiling* compares it "
        "with the minimal Flask page measured in the same run on the same gunicorn settings; latencies "
        "are the load generator's (request sent to last byte read); SQL / request comes from the "
        "X-SQL-Queries header (SQL_COUNT_HEADER=1), the range over every response; server CPU ms (CPU time "
        "of the gunicorn worker) and SQL ms (time waiting on the database) are means from the "
        "Server-Timing header of each response: unlike latency, CPU per request holds still when other "
        "programs share the machine; bytes / response is "
        "status line, headers and body as sent (the app does not compress; *gzip body* is what a "
        "compressing proxy would send). POSTs are measured without following their redirect.",
        "",
    ]
    return "\n".join(lines)
