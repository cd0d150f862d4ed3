"""Demo data: an invented union tree and accounts, loaded idempotently by `flask demo load`.

It sits above every feature, like the home page, and nothing imports it.
"""

import random

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from learnhub.accounts.models import User
from learnhub.accounts.passwords import hash_password
from learnhub.accounts.services import record_consent
from learnhub.contests.demo_data import load_demo_contests
from learnhub.core.vocab import OCCUPATION_CODES
from learnhub.extensions import db
from learnhub.orgs.models import Org
from learnhub.orgs.services import create_org
from learnhub.recognition.demo_data import load_demo_pathways
from learnhub.stats.headcounts import count_everyone
from learnhub.studio.sample import load_demo_courses

DEMO_PASSWORD = "LearnHub-demo-2026"

# (name, kind, children); every name here is invented.
TREE = (
    "九州工会联合会",
    "national",
    [
        (
            "江南省总工会",
            "province",
            [
                (
                    "滨江市总工会",
                    "city",
                    [
                        ("滨江重型机械厂工会", "enterprise", []),
                        ("滨江电力设备有限公司工会", "enterprise", []),
                        ("滨江精细化工集团工会", "enterprise", []),
                    ],
                ),
                (
                    "云湖市总工会",
                    "city",
                    [
                        ("云湖数控机床股份有限公司工会", "enterprise", []),
                        ("云湖建工集团第三工程公司工会", "enterprise", []),
                    ],
                ),
                (
                    "江南省机械冶金建材工会",
                    "industry",
                    [
                        ("江南钢铁股份有限公司工会", "enterprise", []),
                    ],
                ),
            ],
        ),
        (
            "岭东省总工会",
            "province",
            [
                (
                    "海州市总工会",
                    "city",
                    [
                        ("海州造船有限公司工会", "enterprise", []),
                        ("海州汽车零部件有限公司工会", "enterprise", []),
                        ("海州港务集团工会", "enterprise", []),
                    ],
                ),
            ],
        ),
    ],
)

# username, name, role, union, occupation, skill level
ACCOUNTS = [
    ("demo-worker", "李明辉", "worker", "滨江重型机械厂工会", "electrician", "level5"),
    ("demo-worker2", "陈秀英", "worker", "海州造船有限公司工会", "welder", "level5"),
    ("demo-trainer", "周振华", "trainer", "江南省总工会", "electrical_maintenance", "level2"),
    ("demo-admin", "王丽娟", "admin", "滨江市总工会", None, "none"),
    ("demo-root", "赵国强", "admin", "九州工会联合会", None, "none"),
]

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红志军海燕文斌辉鹏飞宇浩凯亮晨阳春梅雪松林波峰云成龙"
)


def _ensure_tree(node, parent=None, seen=None):
    name, kind, children = node
    org = db.session.scalar(select(Org).where(Org.name == name, Org.parent_id == (parent.id if parent else None)))
    if org is None:
        org = create_org(name, kind, parent)
    seen[name] = org
    for child in children:
        _ensure_tree(child, org, seen)
    return seen


def _ensure_user(username, name, role, org, occupation, level, password_hash, phone=None):
    user = db.session.scalar(select(User).where(User.username == username))
    if user is not None:
        return user, False
    user = User(
        username=username,
        name=name,
        role=role,
        org=org,
        occupation=occupation,
        skill_level=level,
        password_hash=password_hash,
        phone=phone,
    )
    db.session.add(user)
    db.session.flush()
    record_consent(user, current_app.config["PRIVACY_NOTICE_VERSION"])
    return user, True


def _demo_learning(user, slug):
    """Let `user` work through a shipped course, so that a record has something in it."""
    from learnhub.catalog.models import Course
    from learnhub.learning import services as learning

    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None or learning.get_enrolment(user, course) is not None:
        return False
    finish_course(user, course)
    return True


def finish_course(user, course):
    """Enrol `user` in `course` and finish every module of it, passing its quizzes (demo data, tests)."""
    from learnhub.catalog.services import course_modules
    from learnhub.learning import services as learning

    learning.enrol(user, course)
    for module, revision in course_modules(course):
        if module.kind == "quiz":
            learning.submit_quiz(user, course, module, revision, right_answers(user, module, revision))
        else:
            learning.study_in_full(user, course, module, revision)
            learning.complete_module(user, course, module, revision)


def right_answers(user, module, revision):
    """The right answers to the paper `user` gets at their next attempt (its own questions or drawn from the bank)."""
    from learnhub.learning import papers
    from learnhub.learning.services import attempts_used

    answers = {}
    for question, _choices in papers.paper_for(user, revision, attempts_used(user, module) + 1):
        if question.kind == "number":
            answers[str(question.id)] = [str(question.answer["value"])]
        elif question.kind == "text":
            answers[str(question.id)] = [question.answer["accepted"][0]]
        else:
            answers[str(question.id)] = [str(c.id) for c in question.choices if c.is_correct]
    return answers


def load_demo(extra_workers=40):
    """Create what is missing of the demo tree and accounts; return (created, accounts)."""
    # The demo's national federation once bore the real body's name with "（演示）": keep its tree.
    renamed = db.session.scalar(select(Org).where(Org.name == "全国总工会（演示）", Org.parent_id.is_(None)))
    if renamed is not None:
        renamed.name = TREE[0]
    orgs = _ensure_tree(TREE, seen={})
    password_hash = hash_password(DEMO_PASSWORD)
    created = 0
    accounts = []
    for username, name, role, union, occupation, level in ACCOUNTS:
        user, new = _ensure_user(username, name, role, orgs[union], occupation, level, password_hash)
        created += new
        accounts.append(user)
    # A crowd of invented workers so that lists, filters and pages have something to show.
    rng = random.Random(2017)
    enterprises = [org for org in orgs.values() if org.kind == "enterprise"]
    occupations = sorted(OCCUPATION_CODES - {"other"})
    levels = ["none", "apprentice", "level5", "level5", "level4", "level4", "level3", "level2"]
    for number in range(1, extra_workers + 1):
        name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
        org, occupation, level = rng.choice(enterprises), rng.choice(occupations), rng.choice(levels)
        _user, new = _ensure_user(
            f"demo-w{number:03d}", name, "worker", org, occupation, level, password_hash, phone=f"1990000{number:04d}"
        )
        created += new
    # demo-worker2 has finished the labour-law course (if the catalogue is loaded); demo-worker
    # starts with a clean slate, to try the platform as a new worker would.
    _demo_learning(accounts[1], "labour-law-basics")
    load_demo_pathways(orgs)
    load_demo_courses(accounts[2])  # the demo trainer's own course, with a few learners
    load_demo_contests(accounts[3])  # 滨江市's contests over the shipped electrical-safety bank
    count_everyone()  # the dashboards' headcounts, before the task queue's first count
    return created, accounts


demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
def load_command():
    """Load the invented union tree and the demo accounts (safe to run again)."""
    created, accounts = load_demo()
    db.session.commit()
    click.echo(f"Demo data: {created} new accounts." if created else "Demo data already loaded.")
    click.echo(f"Demo accounts (password {DEMO_PASSWORD}):")
    for user in accounts:
        click.echo(f"  {user.username:<14} {user.role:<8} {user.org.name}")


@demo_cli.command("generate")
@click.option(
    "--workers",
    type=click.IntRange(1, 2_000_000),
    default=200_000,
    show_default=True,
    help="How many invented workers to add.",
)
@click.option("--seed", type=int, default=2017, show_default=True, help="The same seed makes the same data.")
def generate_command(workers, seed):
    """Add a large invented dataset (unions, workers, 18 months of learning) for statistics at scale."""
    import time

    from learnhub.core.errors import DomainError
    from learnhub.stats.generate import generate_dataset

    started = time.monotonic()
    load_demo()  # the national root the generated provinces hang under
    root = db.session.scalar(select(Org).where(Org.name == TREE[0], Org.parent_id.is_(None)))
    with click.progressbar(length=workers, label="Workers") as bar:
        try:
            counts = generate_dataset(root, workers, seed=seed, progress=bar.update)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from None
    count_everyone()
    db.session.commit()
    click.echo(", ".join(f"{name}: {number}" for name, number in sorted(counts.items())))
    click.echo(f"Done in {time.monotonic() - started:.0f} s.")


def init_app(app):
    """Add `flask demo load` and `flask demo generate`."""
    app.cli.add_command(demo_cli)
