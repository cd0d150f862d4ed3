"""Seed a benchmark dataset on top of the demo, fast: bulk INSERTs, one transaction.

Run after `flask db upgrade`, `flask courses import courses/` and `flask demo load`:

    DATABASE_URL=... python bench/seed.py --workers 20000 --users 100 --out DIR/seed.json

It adds, all invented:
- enterprise unions under the demo's cities, so that a province has a few hundred;
- `--workers` workers spread over them, each enrolled in a few courses with some modules
  done, the credits of those modules in their ledger, and a few active days: the tables that
  the pages read are of a realistic size, not empty;
- `--bench-courses` extra published courses of twelve lessons each (bodies copied from the
  shipped lessons), so that the catalogue pages and every virtual user has fresh modules to
  finish for the whole run;
- `--users` benchmark accounts `bench-u0001...`, one per virtual user, enrolled in every
  course, partly through the shipped ones and at the start of the extra ones;
- benchmark admins `bench-admin01...` of the national federation, for the statistics page.

It writes what the load generator needs (accounts, courses, modules, quiz questions) to --out.
"""

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, update  # noqa: E402

PASSWORD = "LearnHub-demo-2026"  # the demo's password, shared by every benchmark account
CHUNK = 5000


def _chunks(rows):
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _bulk(session, model, rows):
    """INSERT many rows in statements of CHUNK rows (executemany / insertmanyvalues)."""
    for chunk in _chunks(rows):
        session.execute(insert(model), chunk)


def _enterprises(session, rng, count):
    from learnhub.orgs.models import Org
    from learnhub.orgs.services import create_org

    cities = session.scalars(select(Org).where(Org.kind == "city").order_by(Org.id)).all()
    existing = session.scalar(select(func.count()).select_from(Org).where(Org.name.like("压测企业%")))
    for number in range(existing, count):
        create_org(f"压测企业{number + 1:04d}工会", "enterprise", rng.choice(cities))
    return session.scalars(select(Org).where(Org.kind == "enterprise").order_by(Org.id)).all()


def _bench_courses(session, count):
    """`count` published courses of twelve lessons, bodies copied from the shipped lessons."""
    from learnhub.catalog.models import Course, Module, ModuleRevision

    lessons = session.execute(
        select(ModuleRevision.title, ModuleRevision.body_html, ModuleRevision.body_source)
        .join(Module, Module.id == ModuleRevision.module_id)
        .where(Module.kind == "lesson", ModuleRevision.revision == Module.revision)
        .order_by(ModuleRevision.id)
    ).all()
    if not lessons:
        raise SystemExit("no lessons to copy: run `flask courses import courses/` first")
    categories = ["vocational", "safety", "ideology", "labour_rights", "digital"]
    now = datetime.now(UTC)
    courses = []
    for number in range(1, count + 1):
        slug = f"bench-{number:03d}"
        course = session.scalar(select(Course).where(Course.slug == slug))
        if course is None:
            title = f"岗位技能专题 {number:03d}"
            course = Course(
                slug=slug,
                title=title,
                summary="压测用课程：十二节课，内容取自随附课程。",
                category=categories[number % len(categories)],
                occupation="all",
                target_level="none",
                language="zh_CN",
                credits=Decimal("6.00"),
                minutes=360,
                search_text=f"{title} 压测".casefold(),
                status="published",
                created_at=now,
                updated_at=now,
            )
            session.add(course)
            session.flush()
            for position in range(12):
                module = Module(
                    course_id=course.id,
                    key=f"l{position + 1:02d}",
                    position=position,
                    kind="lesson",
                    is_required=True,
                    is_retired=False,
                    revision=1,
                )
                session.add(module)
                session.flush()
                title, body_html, body_source = lessons[(number * 12 + position) % len(lessons)]
                session.add(
                    ModuleRevision(
                        module_id=module.id,
                        revision=1,
                        title=title,
                        body_html=body_html,
                        body_source=body_source,
                        minutes=30,
                        credits=Decimal("0.50"),
                        content_hash="",
                        created_at=now,
                    )
                )
        courses.append(course)
    session.flush()
    return courses


def _structure(session):
    """{course id: (slug, [(module id, key, kind, credits, minutes)])} of every published course open to all.

    Courses for one union's members only (an audience) are left out: the bench's people live in
    unions of their own and would get a 404.
    """
    from learnhub.catalog.models import Course, Module, ModuleRevision

    rows = session.execute(
        select(
            Course.id,
            Course.slug,
            Module.id,
            Module.key,
            Module.kind,
            ModuleRevision.credits,
            ModuleRevision.minutes,
            ModuleRevision.id,
        )
        .join(Module, Module.course_id == Course.id)
        .join(ModuleRevision, (ModuleRevision.module_id == Module.id) & (ModuleRevision.revision == Module.revision))
        .where(Course.status == "published", Course.audience_org_id.is_(None), Module.is_retired.is_(False))
        .order_by(Course.id, Module.position, Module.id)
    ).all()
    courses = {}
    for course_id, slug, module_id, key, kind, credits, minutes, revision_id in rows:
        courses.setdefault(course_id, (slug, []))[1].append((module_id, key, kind, credits, minutes, revision_id))
    return courses


def _quizzes(session, structure):
    """{'slug/key': {question id: [choice ids]}} of every quiz, for the load generator's answers."""
    from learnhub.catalog.models import Question

    quizzes = {}
    for slug, modules in structure.values():
        for _module_id, key, kind, _c, _m, revision_id in modules:
            if kind != "quiz":
                continue
            questions = session.scalars(select(Question).where(Question.revision_id == revision_id)).all()
            quizzes[f"{slug}/{key}"] = {str(q.id): [c.id for c in q.choices] for q in questions}
    return quizzes


def _people(session, rng, prefix, count, enterprises, password_hash, role="worker", org=None):
    """Insert `count` accounts named prefix0001... with consent; return their ids in order."""
    from flask import current_app

    from learnhub.accounts.models import Consent, User
    from learnhub.core.vocab import OCCUPATION_CODES

    width = max(4, len(str(count)))
    names = [f"{prefix}{n:0{width}d}" for n in range(1, count + 1)]
    taken = set(session.scalars(select(User.username).where(User.username.like(f"{prefix}%"))))
    occupations = sorted(OCCUPATION_CODES - {"other"})
    levels = ["none", "apprentice", "level5", "level5", "level4", "level4", "level3", "level2"]
    now = datetime.now(UTC)
    rows = [
        dict(
            username=name,
            name=f"压测{name[-4:]}",
            role=role,
            password_hash=password_hash,
            org_id=(org or rng.choice(enterprises)).id,
            occupation=rng.choice(occupations) if role == "worker" else None,
            skill_level=rng.choice(levels) if role == "worker" else "none",
            is_active_account=True,
            must_change_password=False,
            created_at=now,
        )
        for name in names
        if name not in taken
    ]
    _bulk(session, User, rows)
    ids = (
        dict(session.execute(select(User.username, User.id).where(User.username.in_(names))).all())
        if count <= 1000
        else dict(session.execute(select(User.username, User.id).where(User.username.like(f"{prefix}%"))).all())
    )
    new_ids = [ids[row["username"]] for row in rows]
    version = current_app.config["PRIVACY_NOTICE_VERSION"]
    _bulk(session, Consent, [dict(user_id=i, notice_version=version, given_at=now) for i in new_ids])
    return [ids[name] for name in names], set(new_ids)


def _learning(session, rng, user_ids, plan):
    """Bulk-write enrolments, progress, ledger entries and active days.

    `plan` is a list of (user id, course id, modules, how many of them are done).
    """
    from learnhub.credits.models import Account, LedgerEntry
    from learnhub.learning.models import ActivityDay, Enrolment, Progress

    now = datetime.now(UTC)
    accounts = [dict(user_id=u, number=f"B{u:012d}", created_at=now) for u in sorted(user_ids)]
    _bulk(session, Account, accounts)
    account_of = dict(session.execute(select(Account.user_id, Account.id).where(Account.number.like("B%"))).all())
    enrolments, progress, ledger, days = [], [], [], set()
    for user_id, course_id, modules, done in plan:
        started = now - timedelta(days=rng.randint(1, 300))
        finished = done == len(modules)
        last = modules[min(done, len(modules) - 1)][0]
        enrolments.append(
            dict(
                user_id=user_id,
                course_id=course_id,
                enrolled_at=started,
                completed_at=started + timedelta(days=done) if finished else None,
                last_module_id=last,
                last_active_at=started + timedelta(days=done),
            )
        )
        for index, (module_id, _key, _kind, credits, minutes, _rev) in enumerate(modules[:done]):
            at = started + timedelta(days=index, minutes=rng.randint(0, 600))
            progress.append(
                dict(
                    user_id=user_id, module_id=module_id, started_at=at, completed_at=at, position_s=0, best_score=None
                )
            )
            ledger.append(
                dict(
                    account_id=account_of[user_id],
                    kind="module",
                    source_type="module",
                    source_id=str(module_id),
                    credits=credits,
                    minutes=minutes,
                    note="",
                    created_at=at,
                    module_id=module_id,
                    course_id=course_id,
                )
            )
            days.add((user_id, at.date()))
    _bulk(session, Enrolment, enrolments)
    _bulk(session, Progress, progress)
    _bulk(session, LedgerEntry, ledger)
    _bulk(session, ActivityDay, [dict(user_id=u, day=d) for u, d in sorted(days)])
    return len(enrolments), len(progress), len(ledger)


def seed(workers, users, admins, enterprises_count, bench_courses, rng):
    """Add the benchmark dataset (see the module docstring); return what the load generator needs."""
    from learnhub.accounts.passwords import hash_password
    from learnhub.extensions import db

    session = db.session
    password_hash = hash_password(PASSWORD)
    enterprises = _enterprises(session, rng, enterprises_count)
    courses = _bench_courses(session, bench_courses)
    bench_ids = {c.id for c in courses}
    structure = _structure(session)
    shipped = [cid for cid in structure if cid not in bench_ids]

    worker_ids, new_workers = _people(session, rng, "bench-w", workers, enterprises, password_hash)
    user_ids, new_users = _people(session, rng, "bench-u", users, enterprises, password_hash)
    from learnhub.orgs.models import Org

    root = session.scalar(select(Org).where(Org.parent_id.is_(None)))
    admin_ids, _ = _people(session, rng, "bench-admin", admins, enterprises, password_hash, role="admin", org=root)

    plan = []
    for user_id in sorted(new_workers):
        for course_id in rng.sample(list(structure), k=rng.randint(1, 4)):
            modules = structure[course_id][1]
            plan.append((user_id, course_id, modules, rng.randint(0, len(modules))))
    for user_id in sorted(new_users):
        for course_id in structure:
            modules = structure[course_id][1]
            # Shipped courses: the first two modules done (progress to show); extra courses: fresh.
            plan.append((user_id, course_id, modules, 0 if course_id in bench_ids else min(2, len(modules) - 1)))
    counts = _learning(session, rng, {p[0] for p in plan}, plan)
    # The load test grades papers back to back: no quiz keeps a limit of attempts.
    from learnhub.catalog.models import ModuleRevision

    session.execute(update(ModuleRevision).values(max_attempts=0))
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        # Hundreds of thousands of rows arrived at once: refresh the planner's statistics, as
        # autovacuum would within minutes on a live server (without them PostgreSQL joins the
        # home page's unfinished courses through the wrong index: 10 ms instead of 0.6 ms).
        with session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")

    usernames = [f"bench-u{n:04d}" for n in range(1, users + 1)]
    return {
        "password": PASSWORD,
        "users": usernames,
        "admins": [f"bench-admin{n:04d}" for n in range(1, admins + 1)],
        "shipped": [
            {"slug": structure[c][0], "modules": [[key, kind] for _i, key, kind, *_r in structure[c][1]]}
            for c in shipped
        ],
        "fresh": [
            {"slug": structure[c][0], "modules": [key for _i, key, *_r in structure[c][1]]} for c in sorted(bench_ids)
        ],
        "quizzes": _quizzes(session, structure),
        "sizes": {
            "workers": len(worker_ids),
            "bench_users": len(user_ids),
            "admins": len(admin_ids),
            "enterprise_unions": len(enterprises),
            "courses": len(structure),
            "new_enrolments": counts[0],
            "new_progress": counts[1],
            "new_ledger_entries": counts[2],
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=20000)
    parser.add_argument("--users", type=int, default=100, help="benchmark accounts, one per virtual user")
    parser.add_argument("--admins", type=int, default=60)
    parser.add_argument("--enterprises", type=int, default=300)
    parser.add_argument("--bench-courses", type=int, default=40)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    from learnhub import create_app

    app = create_app()
    started = time.monotonic()
    with app.app_context():
        data = seed(args.workers, args.users, args.admins, args.enterprises, args.bench_courses, random.Random(2017))
    data["seconds"] = round(time.monotonic() - started, 1)
    Path(args.out).write_text(json.dumps(data, ensure_ascii=False, indent=1))
    print(f"seeded in {data['seconds']} s: {data['sizes']}")


if __name__ == "__main__":
    main()
