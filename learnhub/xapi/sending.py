"""Sending the outbox to the Learning Record Store, in batches, by the task queue.

`send_batch` (the periodic task `send_statements`, every minute; a full batch queues the next
at once) takes the oldest due statements, locking their rows (FOR UPDATE SKIP LOCKED on
PostgreSQL, so that two consumers never post the same batch), and POSTs them as one list to
XAPI_LRS_URL + "/statements" (xAPI 1.0.3, HTTP Basic auth with XAPI_LRS_USERNAME and
XAPI_LRS_PASSWORD). The rows are deleted only once the LRS has them:

- 200 or 204: every statement of the batch was stored;
- 409 (a statement id the LRS already holds): the batch is sent again one statement at a
  time, and a 409 then says the LRS holds that one: done as well;
- the LRS down, slow, overloaded (5xx, 408, 429) or refusing our credentials (401, 403): the
  batch waits XAPI_RETRY_SECONDS, doubling with each try up to XAPI_RETRY_MAX_SECONDS, and
  nothing is lost;
- a statement the LRS refuses as malformed (another 4xx, alone in its request) is kept as
  "refused", with the LRS's answer, for someone to look at (`flask xapi status`).

A consumer killed after the LRS stored a batch but before the deletion commits sends the batch
again: its ids are stable, so the LRS answers 409 or stores nothing new.
"""

import base64
import json
import urllib.error
import urllib.request
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from learnhub.core import tasks
from learnhub.core.db import utcnow
from learnhub.extensions import db
from learnhub.xapi.models import XapiStatement

XAPI_VERSION = "1.0.3"
TAKEN = (200, 204)
LATER = (401, 403, 408, 429)  # and every 5xx


class LrsUnavailable(Exception):
    """The LRS could not be reached, or did not answer in time."""


def _config(name):
    return current_app.config[name]


def post_statements(statements):
    """POST `statements` to the LRS: (HTTP status, first 500 characters of the answer), or LrsUnavailable."""
    url = _config("XAPI_LRS_URL").rstrip("/") + "/statements"
    headers = {"Content-Type": "application/json", "X-Experience-API-Version": XAPI_VERSION}
    username, password = _config("XAPI_LRS_USERNAME"), _config("XAPI_LRS_PASSWORD")
    if username:
        token = base64.b64encode(f"{username}:{password or ''}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    body = json.dumps(statements, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=_config("XAPI_TIMEOUT_SECONDS")) as response:  # noqa: S310 (URL from config)
            return response.status, response.read(500).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(500).decode("utf-8", "replace")
    except (OSError, ValueError) as error:  # refused, reset, timed out, no such host
        raise LrsUnavailable(str(error) or error.__class__.__name__) from error


def _due(now, batch):
    return db.session.scalars(
        select(XapiStatement)
        .where(XapiStatement.status == "queued", XapiStatement.not_before_at <= now)
        .order_by(XapiStatement.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()


def _taken(rows):
    db.session.execute(delete(XapiStatement).where(XapiStatement.id.in_([row.id for row in rows])))


def _later(rows, error, now):
    for row in rows:
        row.attempts += 1
        wait = min(_config("XAPI_RETRY_SECONDS") * 2 ** (row.attempts - 1), _config("XAPI_RETRY_MAX_SECONDS"))
        row.not_before_at = now + timedelta(seconds=wait)
        row.last_error = error[:500]


def _is_later(status):
    return status in LATER or status >= 500


def send_batch(now=None):
    """Send one batch of due statements to the LRS; returns how many statements it took (0 when off)."""
    if not _config("XAPI_LRS_URL"):
        return 0
    now = now or utcnow()
    rows = _due(now, _config("XAPI_BATCH"))
    if not rows:
        return 0
    try:
        status, answer = post_statements([row.statement for row in rows])
    except LrsUnavailable as error:
        current_app.logger.warning("xAPI: the LRS is unavailable (%s); %d statements wait", error, len(rows))
        _later(rows, f"unavailable: {error}", now)
        db.session.flush()
        return 0
    if status in TAKEN:
        _taken(rows)
        db.session.flush()
        return len(rows)
    if _is_later(status) or len(rows) == 1:
        return _one_answer(rows, status, answer, now)
    # 409, 400 or 422 for the batch: one of them is held already, or malformed. Find which, one by one.
    taken = 0
    for index, row in enumerate(rows):
        try:
            status, answer = post_statements([row.statement])
        except LrsUnavailable as error:
            _later(rows[index:], f"unavailable: {error}", now)
            break
        taken += _one_answer([row], status, answer, now)
    db.session.flush()
    return taken


def _one_answer(rows, status, answer, now):
    """Act on the LRS's answer to `rows` (a batch answered to wait, or a single statement)."""
    if status in TAKEN or status == 409:
        _taken(rows)
        taken = len(rows)
    elif _is_later(status):
        current_app.logger.warning("xAPI: the LRS answered %s; %d statements wait", status, len(rows))
        _later(rows, f"HTTP {status}: {answer}", now)
        taken = 0
    else:
        for row in rows:
            current_app.logger.error("xAPI: the LRS refused statement %s: %s %s", row.statement_id, status, answer)
            row.status, row.attempts, row.last_error = "refused", row.attempts + 1, f"HTTP {status}: {answer}"[:500]
        taken = 0
    db.session.flush()
    return taken


def send_statements():
    """The periodic task: send a batch; a full one puts the next on the queue at once."""
    if send_batch() >= _config("XAPI_BATCH"):
        tasks.enqueue(send_statements)


def retry_refused():
    """Put the refused statements back in the queue (after the LRS or the statements were mended)."""
    rows = db.session.scalars(select(XapiStatement).where(XapiStatement.status == "refused")).all()
    for row in rows:
        row.status, row.not_before_at = "queued", utcnow()
    db.session.flush()
    return len(rows)
