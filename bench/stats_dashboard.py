"""Server time of the statistics pages at national scale.

    createdb stats_bench    # any empty PostgreSQL database
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/stats_bench \\
        python bench/stats_dashboard.py --generate 200000

builds the schema, imports the course packages, runs `flask demo generate --workers N`
(only when the database has no generated data yet), then times each page as the national
admin sees it, for the national root and for the largest generated city: the full Flask
request in this process (routing, scope checks, queries, templates), no network. Target
from issue 6: the overview under 300 ms for both.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PAGES = [
    ("overview", "/stats/{id}/"),
    ("overview, this year", "/stats/{id}/?period=year"),
    ("overview, last 30 days", "/stats/{id}/?period=30d"),
    ("courses", "/stats/{id}/courses"),
    ("occupations and levels", "/stats/{id}/people"),
    ("required courses", "/stats/{id}/required"),
    ("workforce roster", "/stats/{id}/roster"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generate", type=int, default=0, help="workers to generate if none are yet")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the database to measure.")

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from config import Config
    from learnhub import create_app
    from learnhub.accounts.models import User
    from learnhub.core.migrations import init_migrations
    from learnhub.demo import DEMO_PASSWORD, generate_command
    from learnhub.extensions import db
    from learnhub.learning.models import Progress
    from learnhub.orgs.models import Org
    from learnhub.stats.generate import MARK
    from learnhub.stats.models import Headcount

    app = init_migrations(create_app(Config()))
    with app.app_context():
        upgrade()
        if args.generate and db.session.scalar(select(Org.id).where(Org.region_code == MARK).limit(1)) is None:
            runner = app.test_cli_runner()
            print(runner.invoke(args=["courses", "import", "courses/"]).output.strip())
            result = runner.invoke(generate_command, ["--workers", str(args.generate)])
            print(result.output.strip())
            if result.exit_code:
                sys.exit(result.exit_code)
        workers = db.session.scalar(select(func.count()).select_from(User).where(User.role == "worker"))
        progress = db.session.scalar(select(func.count()).select_from(Progress))
        root = db.session.scalar(select(Org).where(Org.parent_id.is_(None)).order_by(Org.id))
        # The city whose enterprises have the most people.
        biggest = db.session.execute(
            select(Org.parent_id)
            .join(User, User.org_id == Org.id)
            .where(Org.kind == "enterprise")
            .group_by(Org.parent_id)
            .order_by(func.count(User.id).desc())
            .limit(1)
        ).scalar()
        city = db.session.get(Org, biggest) if biggest else root
        targets = [("national root", root), (f"city ({city.name})", city)]
        print(f"{db.engine.dialect.name}: {workers:,} workers, {progress:,} progress rows")

    client = app.test_client()
    with app.app_context():
        from tests.conftest import csrf_token

        client.post("/login", data={"csrf_token": csrf_token(client), "login": "demo-root", "password": DEMO_PASSWORD})
    for label, org in targets:
        print(f"\n{label}")
        for name, url in PAGES:
            url = url.format(id=org.id)
            assert client.get(url).status_code == 200, url  # warm: templates compiled, caches filled
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            times.sort()
            print(
                f"  {name:<24} median {statistics.median(times):6.0f} ms   "
                f"p90 {times[int(len(times) * 0.9) - 1]:6.0f} ms"
            )
        # Every few minutes one request finds the headcounts old and counts the whole tree again.
        times = []
        for _ in range(3):
            with app.app_context():
                db.session.execute(Headcount.__table__.delete())
                db.session.commit()
            started = time.perf_counter()
            assert client.get(f"/stats/{org.id}/").status_code == 200
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"  {'overview, recounting':<24} median {statistics.median(times):6.0f} ms   (once per "
            f"{app.config.get('STATS_HEADCOUNT_MAX_AGE', 600) // 60} minutes)"
        )


if __name__ == "__main__":
    main()
