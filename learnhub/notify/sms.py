"""The SMS channel: who gets what by SMS, when, how often, and sending each message at most once.

A message is a row of `sms_message` (the outbox) under a unique key: a notification and the
channel ("notification:42:sms"), or a code. Queuing the same key twice adds nothing.

Sending (`deliver`, a task) first *claims* the row (queued -> sending) and commits the claim,
then calls the provider, then records sent or failed. A second run, a retry or a second
consumer finds no queued row and sends nothing. A consumer stopped between the claim and the
answer leaves the row "sending": `deliver_due` (every minute) moves such rows to the failed list
after SMS_CLAIM_MINUTES rather than risk sending them twice; an admin of the deployment sees them.
A provider's refusal is tried again after 1, 2, 4... minutes (SMS_RETRY_SECONDS doubling), up to
SMS_MAX_ATTEMPTS, then the row waits in the failed list (/sms/failed).

Notifications by SMS follow the person's choices (SMS_EVENTS), wait out the quiet hours
(SMS_QUIET_HOURS, Beijing time) and stop at SMS_DAILY_CAP a day (the inbox still has them).
Codes a person asked for leave at once.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from learnhub.core import tasks
from learnhub.core.db import dialect_insert, utcnow
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.extensions import db
from learnhub.notify.models import SmsMessage, SmsPreference
from learnhub.notify.providers import SmsError, provider

# The events a person may also take by SMS: the first part of a notification's kind.
SMS_EVENTS = {
    "required": _l("Required courses: a new one, due in 7 days and in 1 day, overdue, reminders"),
    "application": _l("My applications for recognition: decided, or more asked for"),
    "prior_learning": _l("My prior learning: recognised or not"),
    "credential": _l("My credentials: issued or revoked"),
    "review": _l("Applications I review: the worker sent what I asked for"),
}
# Events only some roles have: a worker is never told about applications they review.
SMS_EVENT_ROLES = {"review": ("admin",)}
SMS_CLAIM_MINUTES = 10
_PENDING = "learnhub_sms_to_send"


# ---------------------------------------------------------------- choices


def sms_events(user):
    """The events `user` takes by SMS (every one until they choose)."""
    preference = db.session.get(SmsPreference, user.id)
    return list(SMS_EVENTS) if preference is None else [e for e in preference.events if e in SMS_EVENTS]


def sms_event_choices(user):
    """(event, label) pairs `user` may choose from, by their role."""
    role = getattr(user, "role", None)
    return [(event, label) for event, label in SMS_EVENTS.items() if role in SMS_EVENT_ROLES.get(event, (role,))]


def set_sms_events(user, events):
    """Save which events `user` also takes by SMS (unknown names are dropped)."""
    chosen = [e for e in SMS_EVENTS if e in set(events)]
    preference = db.session.get(SmsPreference, user.id)
    if preference is None:
        preference = SmsPreference(user_id=user.id)
        db.session.add(preference)
    preference.events = chosen
    preference.updated_at = utcnow()
    db.session.flush()
    return chosen


# ---------------------------------------------------------------- when


def _zone():
    return ZoneInfo(current_app.config["SMS_TIMEZONE"])


def _quiet_hours():
    start, end = (time.fromisoformat(part.strip()) for part in current_app.config["SMS_QUIET_HOURS"].split("-"))
    return start, end


def after_quiet_hours(moment):
    """`moment`, or the end of the quiet hours it falls in (UTC in, UTC out)."""
    start, end = _quiet_hours()
    if start == end:
        return moment
    local = moment.astimezone(_zone())
    now = local.time()
    quiet = (start <= now or now < end) if start > end else (start <= now < end)
    if not quiet:
        return moment
    wake = datetime.combine(local.date(), end, tzinfo=local.tzinfo)
    if wake <= local:
        wake += timedelta(days=1)
    return wake.astimezone(moment.tzinfo)


def local_day(moment):
    return moment.astimezone(_zone()).date()


# ---------------------------------------------------------------- queue


def queue_sms(*, key, phone, template, params, text, user=None, urgent=False, now=None):
    """Put one SMS in the outbox under `key`, once; returns the row, or None if the key was queued before.

    `urgent` (a code the person is waiting for): at once, whatever the hour and the cap.
    """
    now = now or utcnow()
    not_before = now if urgent else after_quiet_hours(now)
    day = local_day(not_before)
    status = "queued"
    if not urgent and user is not None:
        sent_that_day = db.session.scalar(
            select(func.count(SmsMessage.id)).where(
                SmsMessage.user_id == user.id,
                SmsMessage.day == day,
                SmsMessage.template != "code",
                SmsMessage.status != "capped",
            )
        )
        if sent_that_day >= current_app.config["SMS_DAILY_CAP"]:
            status = "capped"
    message_id = db.session.scalar(
        dialect_insert(SmsMessage)
        .values(
            key=key[:160],
            user_id=user.id if user is not None else None,
            phone=phone,
            template=template,
            params=params,
            text=text,
            status=status,
            attempts=0,
            day=day,
            not_before_at=not_before,
            provider="",
            provider_ref="",
            last_error="",
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(SmsMessage.id)
    )
    if message_id is None:
        return None
    if status == "queued" and not_before <= now:
        db.session.info.setdefault(_PENDING, []).append(message_id)
    return db.session.get(SmsMessage, message_id)


def notification_added(user, notification_id, kind, title):
    """The inbox just took a notification: also send it by SMS if the person chose so."""
    if not user.phone or kind.split(".")[0] not in sms_events(user):
        return None
    return queue_sms(
        key=f"notification:{notification_id}:sms",
        user=user,
        phone=user.phone,
        template="notice",
        params={"title": title[:30]},
        text=_("%(title)s. Read it under Messages on LearnHub.", title=title),
    )


def _send_after_commit(session):
    # The rows are committed now: a consumer that picks the task up finds them.
    for message_id in session.info.pop(_PENDING, ()):
        try:
            tasks.enqueue(deliver, message_id)
        except Exception:  # the queue is down: deliver_due sends it within the minute
            current_app.logger.exception("SMS %s waits for the next round", message_id)


def _forget_after_rollback(session, _transaction):
    session.info.pop(_PENDING, None)


def listen():
    """Hand queued messages to the task queue once their transaction commits."""
    # On the Session class: every session the app (or a test) makes, once per process.
    if not event.contains(Session, "after_commit", _send_after_commit):
        event.listen(Session, "after_commit", _send_after_commit)
        event.listen(Session, "after_soft_rollback", _forget_after_rollback)


# ---------------------------------------------------------------- send


def deliver(message_id, now=None):
    """Send one queued message, at most once (a task); True if this call sent or tried it."""
    now = now or utcnow()
    claimed = db.session.execute(
        update(SmsMessage)
        .where(SmsMessage.id == message_id, SmsMessage.status == "queued", SmsMessage.not_before_at <= now)
        .values(status="sending", attempts=SmsMessage.attempts + 1, claimed_at=now)
    ).rowcount
    if not claimed:
        return False
    # The claim is on disk before anything leaves: a second run finds nothing to send.
    db.session.commit()
    message = db.session.get(SmsMessage, message_id)
    sender = provider()
    message.provider = sender.name
    try:
        message.provider_ref = sender.send(message)[:100]
    except SmsError as error:
        _failed(message, str(error), now)
    else:
        message.status, message.sent_at, message.last_error = "sent", utcnow(), ""
    if message.template == "code" and message.status != "queued":
        message.params, message.text = {}, ""  # a code is kept only until it leaves (or never will)
    db.session.flush()
    return True


def _failed(message, error, now):
    message.last_error = error[:500]
    if message.attempts >= current_app.config["SMS_MAX_ATTEMPTS"]:
        message.status = "failed"
        current_app.logger.warning("SMS %s failed for good: %s", message.key, error)
        return
    delay = timedelta(seconds=current_app.config["SMS_RETRY_SECONDS"] * 2 ** (message.attempts - 1))
    retry_at = now + delay
    message.status = "queued"
    message.not_before_at = retry_at if message.template == "code" else after_quiet_hours(retry_at)


def deliver_due(now=None):
    """Send what is due (retries, the end of quiet hours) and give up on stale claims; every minute."""
    now = now or utcnow()
    db.session.execute(
        update(SmsMessage)
        .where(SmsMessage.status == "sending", SmsMessage.claimed_at < now - timedelta(minutes=SMS_CLAIM_MINUTES))
        .values(status="failed", last_error="the sender stopped while sending: not sent again, it may have arrived")
    )
    db.session.commit()
    due = db.session.scalars(
        select(SmsMessage.id)
        .where(SmsMessage.status == "queued", SmsMessage.not_before_at <= now)
        .order_by(SmsMessage.not_before_at, SmsMessage.id)
        .limit(500)
    ).all()
    return sum(deliver(message_id, now) for message_id in due)


def retry_failed(message_id):
    """Put a failed message back in the outbox (an admin of the deployment asked)."""
    again = db.session.execute(
        update(SmsMessage)
        # A code is scrubbed once given up on, and stale after 10 minutes: the person asks anew.
        .where(SmsMessage.id == message_id, SmsMessage.status == "failed", SmsMessage.template != "code")
        .values(status="queued", attempts=0, not_before_at=utcnow(), last_error="")
    ).rowcount
    if again:
        db.session.info.setdefault(_PENDING, []).append(message_id)
    return again


def failed_query():
    """The dead-letter list: messages that were not sent, newest first."""
    return select(SmsMessage).where(SmsMessage.status == "failed").order_by(SmsMessage.id.desc())
