"""The workforce database (产业工人队伍基础数据库): the workers of a subtree and how they learn."""

from datetime import timedelta

from sqlalchemy import func, select

from learnhub.accounts.models import User
from learnhub.core.hours import Hours, tenths_sql
from learnhub.core.text import clean_line
from learnhub.core.vocab import OCCUPATION_CODES, SKILL_LEVEL_CODES, occupation_label, skill_level_label
from learnhub.credits.models import Account, LedgerEntry
from learnhub.learning.models import ActivityDay, Enrolment
from learnhub.orgs.models import Org
from learnhub.stats.figures import in_subtree

ACTIVITIES = ("active", "lapsed", "never")  # learned in 30 days / before but not since / never


def roster_query(org, today, *, text=None, union_text=None, occupation=None, skill_level=None, activity=None):
    """A SELECT of the subtree's workers matching the filters, union by union, by name.

    The order follows the index (org_id, name, id), so the first page of a national roster
    is read from the index without sorting two hundred thousand people.
    """
    stmt = select(User).where(User.role == "worker", in_subtree(org, User.org_id))
    text = clean_line(text)
    if text:
        stmt = stmt.where(User.name.icontains(text, autoescape=True))
    union_text = clean_line(union_text)
    if union_text:
        stmt = stmt.where(User.org_id.in_(select(Org.id).where(Org.name.icontains(union_text, autoescape=True))))
    if occupation in OCCUPATION_CODES:
        stmt = stmt.where(User.occupation == occupation)
    if skill_level in SKILL_LEVEL_CODES:
        stmt = stmt.where(User.skill_level == skill_level)
    learned = select(ActivityDay.user_id).where(ActivityDay.user_id == User.id).correlate(User)
    recent = learned.where(ActivityDay.day >= today - timedelta(days=29))
    if activity == "active":
        stmt = stmt.where(recent.exists())
    elif activity == "lapsed":
        stmt = stmt.where(learned.exists(), ~recent.exists())
    elif activity == "never":
        stmt = stmt.where(~learned.exists())
    return stmt.order_by(User.org_id, User.name, User.id)


def learning_of(session, user_ids):
    """{user id: {enrolled, completed, credits, hours, last_day}} in four grouped queries.

    A person's hours are their record's total: the sum of their entries as shown (core.hours).
    """
    result = {
        uid: {"enrolled": 0, "completed": 0, "credits": 0, "hours": Hours(), "last_day": None} for uid in user_ids
    }
    if not result:
        return result
    for uid, enrolled, completed in session.execute(
        select(Enrolment.user_id, func.count(), func.count(Enrolment.completed_at))
        .where(Enrolment.user_id.in_(user_ids))
        .group_by(Enrolment.user_id)
    ):
        result[uid].update(enrolled=enrolled, completed=completed)
    for uid, credits, shown in session.execute(
        select(Account.user_id, func.sum(LedgerEntry.credits), func.sum(tenths_sql(LedgerEntry.minutes)))
        .join(LedgerEntry, LedgerEntry.account_id == Account.id)
        .where(Account.user_id.in_(user_ids))
        .group_by(Account.user_id)
    ):
        result[uid].update(credits=credits or 0, hours=Hours(shown))
    for uid, last_day in session.execute(
        select(ActivityDay.user_id, func.max(ActivityDay.day))
        .where(ActivityDay.user_id.in_(user_ids))
        .group_by(ActivityDay.user_id)
    ):
        result[uid]["last_day"] = last_day
    return result


class RosterPerson:
    """What an export shows of a person, without loading a whole User per row."""

    __slots__ = ("name", "phone", "occupation", "skill_level")

    def __init__(self, name, phone, occupation, skill_level):
        self.name, self.phone, self.occupation, self.skill_level = name, phone, occupation, skill_level

    @property
    def occupation_label(self):
        return occupation_label(self.occupation)

    @property
    def skill_level_label(self):
        return skill_level_label(self.skill_level)


def roster_rows(session, org, stmt):
    """The rows of a roster query with each worker's learning, streamed in one query (exports).

    The aggregates are limited to the subtree's people, so a city's export reads the
    city's rows, not the nation's.
    """
    people = select(User.id).where(in_subtree(org, User.org_id))
    enrolled = (
        select(Enrolment.user_id, func.count().label("enrolled"), func.count(Enrolment.completed_at).label("completed"))
        .where(Enrolment.user_id.in_(people))
        .group_by(Enrolment.user_id)
        .subquery()
    )
    paid = (
        select(
            Account.user_id,
            func.sum(LedgerEntry.credits).label("credits"),
            func.sum(tenths_sql(LedgerEntry.minutes)).label("tenths"),
        )
        .join(LedgerEntry, LedgerEntry.account_id == Account.id)
        .where(Account.user_id.in_(people))
        .group_by(Account.user_id)
        .subquery()
    )
    last = (
        select(ActivityDay.user_id, func.max(ActivityDay.day).label("last_day"))
        .where(ActivityDay.user_id.in_(people))
        .group_by(ActivityDay.user_id)
        .subquery()
    )
    stmt = (
        stmt.with_only_columns(
            User.name,
            User.phone,
            User.occupation,
            User.skill_level,
            Org.name.label("union_name"),
            enrolled.c.enrolled,
            enrolled.c.completed,
            paid.c.credits,
            paid.c.tenths,
            last.c.last_day,
        )
        .join(Org, Org.id == User.org_id)
        .outerjoin(enrolled, enrolled.c.user_id == User.id)
        .outerjoin(paid, paid.c.user_id == User.id)
        .outerjoin(last, last.c.user_id == User.id)
    )
    for row in session.execute(stmt.execution_options(yield_per=5000)):
        yield (
            RosterPerson(row.name, row.phone, row.occupation, row.skill_level),
            row.union_name,
            {
                "enrolled": row.enrolled or 0,
                "completed": row.completed or 0,
                "credits": row.credits or 0,
                "hours": Hours(row.tenths),
                "last_day": row.last_day,
            },
        )
