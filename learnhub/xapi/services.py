"""Writing statements to the outbox, in the transaction of the event they record.

`record` is called by the receivers of the learning signals (xapi.subscribers); it writes
nothing when no LRS is configured (XAPI_LRS_URL unset), so a deployment without one keeps no
outbox. A statement's id is a uuid5 of the event (its kind and the ids of its rows) under a
namespace of this site: the same event always gives the same id, so it is queued once
(a unique key) and an LRS stores it once, however often it is sent.
"""

import uuid
from datetime import UTC

from flask import current_app
from sqlalchemy import delete, func, select

from learnhub.core.db import dialect_insert, utcnow
from learnhub.extensions import db
from learnhub.xapi import statements as xs
from learnhub.xapi.models import XapiActor, XapiStatement


def is_on():
    """Whether learning events become statements: an LRS is configured."""
    return bool(current_app.config.get("XAPI_LRS_URL"))


def statement_id(key):
    """The stable id of the statement of event `key` ("module-completed:42"), on this site."""
    return str(uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, xs.base_url()), key))


def actor_name(user):
    """The opaque name that stands for `user` in statements (made at their first statement)."""
    name = db.session.scalar(select(XapiActor.name).where(XapiActor.user_id == user.id))
    if name is None:
        db.session.execute(
            dialect_insert(XapiActor)
            .values(user_id=user.id, name=str(uuid.uuid4()), created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["user_id"])
        )
        name = db.session.scalar(select(XapiActor.name).where(XapiActor.user_id == user.id))
    return name


def _timestamp(moment):
    return (moment or utcnow()).astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def record(user, key, verb, activity, *, result=None, context=None, at=None):
    """Queue the statement "`user` `verb` `activity`" of event `key`, once; returns its id."""
    sid = statement_id(key)
    statement = {
        "id": sid,
        "actor": xs.actor(actor_name(user)),
        "verb": xs.verb(verb),
        "object": activity,
        "timestamp": _timestamp(at),
    }
    if result:
        statement["result"] = result
    if context:
        statement["context"] = context
    now = utcnow()
    db.session.execute(
        dialect_insert(XapiStatement)
        .values(
            statement_id=sid,
            statement=statement,
            status="queued",
            attempts=0,
            not_before_at=now,
            last_error="",
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["statement_id"])
    )
    return sid


def forget_actor(user):
    """The person deleted their account: their opaque name no longer leads back to them."""
    db.session.execute(delete(XapiActor).where(XapiActor.user_id == user.id))


def outbox_counts():
    """{status: how many statements} in the outbox."""
    rows = db.session.execute(select(XapiStatement.status, func.count()).group_by(XapiStatement.status))
    return {status: count for status, count in rows}
