"""The inbox's operations. Services flush; the caller commits."""

from datetime import UTC, datetime

from sqlalchemy import func, select, update

from learnhub.core.cache import forget_after_commit
from learnhub.core.db import dialect_insert
from learnhub.core.errors import NotFound
from learnhub.core.i18n import gettext as _
from learnhub.core.inputs import parse_id
from learnhub.core.security import safe_next_url
from learnhub.extensions import cache, db
from learnhub.notify import sms
from learnhub.notify.models import Notification


def notify(user, *, key, kind, title, body="", link=""):
    """Put a notification in `user`'s inbox, once per `key` (a retry or a race adds nothing).

    `title` and `body` are plain text in the words the person reads (the caller translates them
    in the person's language); `link` a path on this site. Returns True if this call added it.
    """
    link = safe_next_url(link) or ""
    inserted = db.session.execute(
        dialect_insert(Notification)
        .values(
            user_id=user.id,
            key=key[:120],
            kind=kind[:40],
            title=title[:200],
            body=body,
            link=link[:255],
            created_at=datetime.now(UTC),
        )
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
        .returning(Notification.id)
    ).first()
    if inserted is None:
        return False
    _unread_changed(user)
    sms.notification_added(user, inserted.id, kind, title)
    return True


def inbox_query(user):
    """A SELECT of the person's notifications, unread first, newest first."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.read_at.is_not(None), Notification.id.desc())
    )


# The menu shows the count on every page: kept in the cache between changes, which drop it
# (after their commit; the timeout bounds a request that read just before one).
UNREAD_SECONDS = 60


def _unread_key(user_id):
    return f"unread:{user_id}"


def _unread_changed(user):
    forget_after_commit(db.session(), _unread_key(user.id))


def unread_count(user):
    """How many notifications the person has not read."""
    count = cache.get(_unread_key(user.id))
    if count is None:
        count = db.session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        cache.set(_unread_key(user.id), count, timeout=UNREAD_SECONDS)
    return count


def mark_read(user, notification_id):
    """Mark one of the person's notifications read; NotFound for anyone else's."""
    notification_id = parse_id(notification_id)
    notification = db.session.get(Notification, notification_id) if notification_id is not None else None
    if notification is None or notification.user_id != user.id:
        raise NotFound(_("Message not found."))
    if notification.read_at is None:
        notification.read_at = datetime.now(UTC)
        db.session.flush()
        _unread_changed(user)
    return notification


def mark_all_read(user):
    """Mark every notification of the person read; returns how many were unread."""
    _unread_changed(user)
    return db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    ).rowcount
