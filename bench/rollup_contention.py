"""Does the national statistics row make learners wait for each other? (PostgreSQL)

    python bench/rollup_contention.py [--url postgresql+psycopg://postgres@127.0.0.1/rollup_bench]

Every learning event adds to the rollup rows of the learner's union and of every union above
it, up to the national one, for that day and category; the row stays locked from the upsert
to the commit, so every event in the country on the same day and category passes through
it one at a time. This drives `stats.rollups.add_events` from many connections at once, each
its own enterprise under one national root, and after the upsert does what a module
completion does before it commits (three more statements), then compares the rate with the
same work writing only each enterprise's own rows (no shared row). A database of its own is
made and dropped.
"""

import argparse
import statistics
import sys
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _fresh(url):
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}"'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    return admin


def run(app, enterprises, course_id, threads, seconds, shared):
    from learnhub.catalog.models import Course
    from learnhub.extensions import db
    from learnhub.orgs.models import Org
    from learnhub.stats import rollups
    from learnhub.stats.models import Rollup

    latencies, stop = [], time.monotonic() + seconds
    lock = threading.Lock()

    def one(org_id):
        mine = []
        with app.app_context():
            org, course = db.session.get(Org, org_id), db.session.get(Course, course_id)
            db.session.commit()
            while time.monotonic() < stop:
                start = time.perf_counter()
                events = [(date.today(), {"credits": Decimal("1"), "minutes": 10})]
                if shared:
                    rollups.add_events(org, course, events)
                else:
                    rollups._upsert(
                        Rollup,
                        [
                            dict(
                                org_id=org.id,
                                course_id=course.id,
                                day=date.today(),
                                **dict(rollups._zero(), credits=Decimal("1"), minutes=10),
                            )
                        ],
                    )
                for _ in range(3):  # the next module and the enrolment, as the real request does
                    db.session.execute(text("SELECT 1"))
                db.session.commit()
                mine.append(time.perf_counter() - start)
            db.session.remove()
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=one, args=(enterprises[i % len(enterprises)],)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    latencies.sort()
    return {
        "events_per_s": round(len(latencies) / seconds),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1/rollup_bench")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--threads", default="1,4,16,32")
    args = parser.parse_args()
    url = make_url(args.url)
    admin = _fresh(url)

    from flask_migrate import upgrade

    from config import Config
    from learnhub import create_app
    from learnhub.catalog.models import Course
    from learnhub.core.migrations import init_migrations
    from learnhub.extensions import db
    from learnhub.orgs.services import create_org

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url.render_as_string(hide_password=False)
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 40, "max_overflow": 0}

    app = init_migrations(create_app(BenchConfig()))
    try:
        with app.app_context():
            upgrade()
            national = create_org("全国总工会", "national")
            province = create_org("某省总工会", "province", national)
            cities = [create_org(f"第{i}市总工会", "city", province) for i in range(4)]
            enterprises = [create_org(f"第{i}厂工会", "enterprise", cities[i % 4]).id for i in range(40)]
            course = Course(
                slug="c", title="课程", category="safety", status="published", credits=Decimal("1"), minutes=10
            )
            db.session.add(course)
            db.session.commit()
            course_id = course.id
        print("threads | every union up to the national row: events/s, p50, p95 | the enterprise's own row only")
        for threads in [int(t) for t in args.threads.split(",")]:
            shared = run(app, enterprises, course_id, threads, args.seconds, shared=True)
            alone = run(app, enterprises, course_id, threads, args.seconds, shared=False)
            print(
                f"{threads:>7} | {shared['events_per_s']:>6}/s  {shared['p50_ms']:>6} ms  {shared['p95_ms']:>6} ms"
                f" | {alone['events_per_s']:>6}/s  {alone['p50_ms']:>6} ms  {alone['p95_ms']:>6} ms",
                flush=True,
            )
    finally:
        with app.app_context():
            db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}"'))
        admin.dispose()


if __name__ == "__main__":
    main()
