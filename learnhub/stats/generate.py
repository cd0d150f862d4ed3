"""A large invented dataset for trying the statistics at national scale (`flask demo generate`).

Provinces, cities and enterprise unions under the national root; workers over occupations
and skill levels; enrolments, module progress, ledger entries and active days over the
last 18 months, shaped like a platform that grows: some never learn, most take a course
or two in their trade, fewer finish than start. Rows go in with COPY on PostgreSQL (plain
executemany on SQLite), thousands at a time, never one ORM object per row; the rollups
are then rebuilt from the raw tables like `flask stats rebuild` does.
"""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select, text

from learnhub.accounts.models import User
from learnhub.catalog.models import Course
from learnhub.catalog.services import course_modules
from learnhub.core.errors import DomainError
from learnhub.core.i18n import gettext as _
from learnhub.core.vocab import OCCUPATION_CODES
from learnhub.credits.models import Account, LedgerEntry
from learnhub.extensions import db
from learnhub.learning.models import ActivityDay, Enrolment, Progress
from learnhub.orgs.models import Org
from learnhub.orgs.services import create_org
from learnhub.stats.rollups import local_day, rebuild_rollups

MARK = "generated"  # region_code of generated unions: the dataset is made once
WORKERS_PER_ENTERPRISE = 100
PROVINCES = (
    "东川",
    "西陵",
    "南湖",
    "北原",
    "中岳",
    "青江",
    "云岭",
    "海宁",
    "河西",
    "江北",
    "山南",
    "松原",
    "天水",
    "临海",
    "平川",
    "安澜",
    "长河",
    "白山",
    "黄川",
    "紫阳",
    "金沙",
    "玉泉",
    "清溪",
    "明湖",
    "丰原",
    "昌平",
    "永宁",
    "嘉陵",
    "新川",
    "华阳",
    "兴安",
)
CITY_WORDS = "宁安康平泰和顺昌兴丰盛华嘉瑞祥福乐远源泉湖川江河山峰岭原林"
TRADES = (
    "机械",
    "电力",
    "化工",
    "钢铁",
    "造船",
    "汽车零部件",
    "建工",
    "纺织",
    "食品",
    "港务",
    "电子",
    "轨道交通",
    "水泥",
    "有色金属",
    "物流",
    "装备制造",
)
FORMS = ("有限公司", "股份有限公司", "集团", "厂")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红志海燕文斌辉鹏飞宇浩凯亮晨阳春梅雪松林波峰云成龙"
LEVELS = (
    ("none", 14),
    ("apprentice", 6),
    ("level5", 26),
    ("level4", 24),
    ("level3", 16),
    ("level2", 8),
    ("level1", 4),
    ("special", 1),
    ("chief", 1),
)


def _tree(root, workers, rng):
    """Provinces, cities and enterprises enough for `workers` people; returns the enterprises."""
    enterprises = max(2, round(workers / WORKERS_PER_ENTERPRISE))
    cities = max(1, round(enterprises / 8))
    provinces = max(1, min(len(PROVINCES), round(cities / 8)))
    made = []
    for p in range(provinces):
        province = create_org(f"{PROVINCES[p]}省总工会", "province", root, region_code=MARK)
        for k, c in enumerate(range(p, cities, provinces)):
            n = len(CITY_WORDS)
            city_name = PROVINCES[p][0] + CITY_WORDS[k % n] + (CITY_WORDS[k // n - 1] if k >= n else "")
            city = create_org(f"{city_name}市总工会", "city", province, region_code=MARK)
            for e in range(c, enterprises, cities):
                trade = TRADES[e % len(TRADES)]
                brand = CITY_WORDS[(e * 7) % n] + CITY_WORDS[(e * 13 + 3) % n]
                name = f"{city_name}{brand}{trade}{rng.choice(FORMS)}工会"
                made.append(create_org(name, "enterprise", city, region_code=MARK, industry=trade))
    return made


def _courses():
    """What the simulation needs of each published course, read once."""
    found = []
    for course in db.session.scalars(select(Course).where(Course.status == "published").order_by(Course.id)):
        modules = [
            (m.id, m.is_required, Decimal(r.credits), r.minutes, r.title[:200]) for m, r in course_modules(course)
        ]
        if modules:
            paid_credits = sum(m[2] for m in modules)
            paid_minutes = sum(m[3] for m in modules)
            found.append(
                {
                    "id": course.id,
                    "occupation": course.occupation,
                    "modules": modules,
                    "title": course.title[:200],
                    "rest": (
                        max(Decimal(course.credits) - paid_credits, Decimal("0")),
                        max(course.minutes - paid_minutes, 0),
                    ),
                }
            )
    return found


class _Writer:
    """Buffers rows per table and writes them in bulk: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self):
        self.rows = {}
        self.counts = Counter()
        self.is_postgres = db.session.get_bind().dialect.name == "postgresql"

    def add(self, model, row):
        self.rows.setdefault(model, []).append(row)

    def flush(self):
        for model, rows in self.rows.items():
            columns = list(rows[0])
            self.counts[model.__tablename__] += len(rows)
            if self.is_postgres:
                cursor = db.session.connection().connection.cursor()
                with cursor.copy(f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([row[c] for c in columns])
            else:
                db.session.execute(model.__table__.insert(), rows)
        self.rows = {}


def _person(rng, uid, org_id, joined):
    occupation = rng.choice(_OCCUPATIONS)
    level = rng.choices([code for code, _w in LEVELS], [w for _c, w in LEVELS])[0]
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return dict(
        id=uid,
        username=None,
        phone=f"170{uid:08d}",
        name=name,
        password_hash=None,
        role="worker",
        org_id=org_id,
        occupation=occupation,
        skill_level=level,
        locale=None,
        is_active=True,
        must_change_password=False,
        created_at=joined,
    )


_OCCUPATIONS = sorted(OCCUPATION_CODES - {"other"})


def _learn(rng, writer, person, account, courses, start, now):
    """Simulate one worker's learning; returns True if they earned anything (an account)."""
    if rng.random() < 0.22:
        return False  # one in five has not learned yet
    count = min(len(courses), 1 + int(rng.expovariate(1 / 2.4)))
    weights = [3 if c["occupation"] in ("all", person["occupation"]) else 0.4 for c in courses]
    chosen = set()
    while len(chosen) < count:
        chosen.add(rng.choices(range(len(courses)), weights)[0])
    earned = False
    days = set()
    lo = max(start, person["created_at"])
    for index in chosen:
        course = courses[index]
        # More learning lately: a platform that grows.
        moment = lo + (now - lo) * (rng.random() ** 0.6)
        enrolled_at = moment
        days.add(local_day(moment))
        last_module, finished = None, True
        for module_id, _required, credits, minutes, title in course["modules"]:
            moment += timedelta(hours=rng.expovariate(1 / 30))
            if moment > now or rng.random() < 0.07:
                if moment <= now and rng.random() < 0.5:  # opened, not finished
                    writer.add(
                        Progress,
                        dict(
                            user_id=person["id"],
                            module_id=module_id,
                            started_at=moment,
                            completed_at=None,
                            position_s=0,
                            best_score=None,
                        ),
                    )
                    days.add(local_day(moment))
                    last_module = module_id
                finished = False
                break
            writer.add(
                Progress,
                dict(
                    user_id=person["id"],
                    module_id=module_id,
                    completed_at=moment,
                    started_at=moment - timedelta(minutes=minutes or 5),
                    position_s=0,
                    best_score=None,
                ),
            )
            writer.add(
                LedgerEntry,
                dict(
                    account_id=account,
                    kind="module",
                    source_type="module",
                    source_id=str(module_id),
                    credits=credits,
                    minutes=minutes,
                    note=title,
                    created_at=moment,
                    created_by_id=None,
                    reverses_id=None,
                    module_id=module_id,
                    course_id=course["id"],
                ),
            )
            days.add(local_day(moment))
            last_module, earned = module_id, True
        completed_at = moment if finished else None
        if finished:
            writer.add(
                LedgerEntry,
                dict(
                    account_id=account,
                    kind="course",
                    source_type="course",
                    source_id=str(course["id"]),
                    credits=course["rest"][0],
                    minutes=course["rest"][1],
                    note=course["title"],
                    created_at=moment,
                    created_by_id=None,
                    reverses_id=None,
                    module_id=None,
                    course_id=course["id"],
                ),
            )
        writer.add(
            Enrolment,
            dict(
                user_id=person["id"],
                course_id=course["id"],
                enrolled_at=enrolled_at,
                completed_at=completed_at,
                last_module_id=last_module,
                last_active_at=min(moment, now),
            ),
        )
    for day in days:
        writer.add(ActivityDay, dict(user_id=person["id"], day=day))
    return earned


def generate_dataset(root, workers, months=18, seed=2017, progress=None, batch=5000):
    """Add `workers` invented workers and their learning under `root`; returns row counts.

    `progress(n)` is called after every batch of n workers. Refuses to run twice.
    """
    if db.session.scalar(select(Org.id).where(Org.region_code == MARK).limit(1)) is not None:
        raise DomainError(_("The generated dataset is already there."))
    courses = _courses()
    if not courses:
        raise DomainError(_("There are no published courses. Import them first: flask courses import courses/"))
    rng = random.Random(seed)
    # The unions already there get their share too, so the demo admins see figures.
    existing = db.session.scalars(select(Org).where(Org.kind == "enterprise", Org.path.startswith(root.path))).all()
    enterprises = _tree(root, workers, rng) + list(existing)
    now = datetime.now(UTC)
    start = now - timedelta(days=round(months * 30.44))
    next_user = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    next_account = (db.session.scalar(select(func.max(Account.id))) or 0) + 1
    writer = _Writer()
    for first in range(0, workers, batch):
        size = min(batch, workers - first)
        for offset in range(size):
            uid = next_user + first + offset
            joined = (
                start - timedelta(days=rng.randrange(1, 900))
                if rng.random() < 0.6
                else start + (now - start) * rng.random()
            )
            person = _person(rng, uid, rng.choice(enterprises).id, joined)
            writer.add(User, person)
            if _learn(rng, writer, person, next_account, courses, start, now):
                writer.add(
                    Account,
                    dict(id=next_account, user_id=uid, number=f"9{next_account:013d}", created_at=person["created_at"]),
                )
                next_account += 1
        # Users and accounts first: the other rows refer to them.
        writer.rows = {
            model: writer.rows[model]
            for model in (User, Account, Enrolment, Progress, LedgerEntry, ActivityDay)
            if model in writer.rows
        }
        writer.flush()
        if progress:
            progress(size)
    if writer.is_postgres:
        for table in ("user_account", "credit_account"):
            db.session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )
    rollups, subtree = rebuild_rollups()
    if writer.is_postgres:
        _analyse()
    return dict(writer.counts, unions=len(enterprises), rollup=rollups, rollup_subtree=subtree)


def _analyse():
    """Fresh statistics for PostgreSQL's planner: the tables just grew a hundredfold."""
    for table in (
        "org",
        "user_account",
        "credit_account",
        "enrolment",
        "progress",
        "ledger_entry",
        "activity_day",
        "rollup",
        "rollup_subtree",
    ):
        db.session.execute(text(f"ANALYZE {table}"))
