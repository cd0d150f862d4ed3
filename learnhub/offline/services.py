"""Offline learning's operations: what a course download holds, and the sync of a phone's queue.

The sync holds offline learning to the rules of online study (learning.study): each item
must come from a page this person opened (its signed `opened` note), within OFFLINE_DAYS;
heartbeats count the time since the previous one, capped as online, and only when both are of
the same module; "I have finished" and quiz answers then go through the same services as
online. Each item is accepted once, by the key the phone made for it. Services flush; the
caller commits.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from learnhub.catalog import renditions
from learnhub.catalog.models import Module, ModuleRevision
from learnhub.catalog.services import course_modules, get_module, get_visible_course
from learnhub.core.db import dialect_insert
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import ngettext
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.offline.models import SyncItem

KINDS = ("heartbeat", "done", "quiz")
# A key the phone made (offline.js: 128 random bits, base 36 or hex): nothing else is taken.
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$", re.ASCII)
_PATH = re.compile(r"^/courses/([A-Za-z0-9_-]{1,80})/([A-Za-z0-9_.-]{1,80})/(heartbeat|done|quiz)$", re.ASCII)
_MEDIA = re.compile(r'(?:src|href)="(/media/[^"?#]{1,300})"')
# A phone's clock may be a little ahead of the server's; more than this is "in the future".
CLOCK_SKEW = timedelta(minutes=2)
MAX_FIELDS = 200  # form fields of one queued item (a quiz of many questions)


def _now():
    return learning.now()


# ---------------------------------------------------------------- downloading


@dataclass
class Download:
    """What downloading a course takes: its modules, the files its pages show, its videos, its version."""

    modules: list  # [(module, revision)]
    files: list  # ["/media/<slug>/picture.png", ...]: pictures and documents the pages show
    # [(module, revision, "/media/<slug>/clip.mp4", bytes or None, its phone rendition's address
    # or None, that rendition's bytes or None)]
    videos: list
    version: str  # changes whenever a module is revised, added or dropped


def course_download(user, course):
    """What `user` downloads of `course` to learn offline (enrolled only, else learning.NotEnrolled)."""
    learning.require_enrolment(user, course)
    modules = course_modules(course)
    ids = [revision.id for _module, revision in modules]
    bodies = dict(
        db.session.execute(select(ModuleRevision.id, ModuleRevision.body_html).where(ModuleRevision.id.in_(ids))).all()
    )
    files, videos = [], []
    phones = renditions.ready_by_name(course)
    for module, revision in modules:
        for path in _MEDIA.findall(bodies.get(revision.id) or ""):
            if path.startswith(f"/media/{course.slug}/") and path not in files:
                files.append(path)
        if revision.video and not revision.video.startswith("https://"):
            path = f"/media/{course.slug}/{revision.video.removeprefix('media/')}"
            phone = phones.get(revision.video.removeprefix("media/"))
            phone_path = f"/media/{course.slug}/{phone.video_name}" if phone else None
            if phone:  # the player shows the poster: it comes with the pages
                files.append(f"/media/{course.slug}/{phone.poster_name}")
            videos.append(
                (
                    module,
                    revision,
                    path,
                    _media_bytes(course, revision.video),
                    phone_path,
                    phone.size if phone else None,
                )
            )
    stamp = f"{course.slug}:{course.updated_at:%Y%m%d%H%M%S}:" + ",".join(str(i) for i in ids)
    return Download(modules, files, videos, hashlib.sha256(stamp.encode()).hexdigest()[:16])


def _media_bytes(course, path):
    file = Path(current_app.instance_path) / "media" / course.slug / path.removeprefix("media/")
    return file.stat().st_size if file.is_file() else None


# ---------------------------------------------------------------- syncing


@dataclass
class Outcome:
    """What became of one queued item, as the phone shows it."""

    key: str
    kind: str
    status: str  # counted | refused | already (a replay: nothing changed)
    message: str
    score: int | None = None

    def as_dict(self):
        return {"key": self.key, "kind": self.kind, "status": self.status, "message": self.message, "score": self.score}


@dataclass
class _Item:
    key: str
    kind: str
    slug: str
    module_key: str
    at: datetime
    fields: dict


def _signer():
    # The same note as the player's forms carry (learning.study.opening_token).
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="learnhub.module-opened")


def _opened_at(user, module, token):
    """When this person opened (downloaded) the module's page, by its signed note; None if forged or too old."""
    max_age = current_app.config["OFFLINE_DAYS"] * 86400
    try:
        (user_id, module_id), opened_at = _signer().loads(str(token)[:200], max_age=max_age, return_timestamp=True)
    except (BadSignature, ValueError, TypeError):
        return None
    if (user_id, module_id) != (user.id, module.id):
        return None
    return opened_at


def _parse(raw):
    """One item as the phone sent it -> _Item, or a DomainError saying what is wrong with it."""
    if not isinstance(raw, dict):
        raise DomainError(_("This item is not one LearnHub queued."))
    key, path, at, fields = raw.get("key"), raw.get("path"), raw.get("at"), raw.get("fields")
    match = _PATH.match(path) if isinstance(path, str) else None
    if match is None or not isinstance(fields, dict) or len(fields) > MAX_FIELDS:
        raise DomainError(_("This item is not one LearnHub queued."))
    if isinstance(at, bool) or not isinstance(at, int) or not 0 < at < 10**14:
        raise DomainError(_("This item has no time of its own."))
    clean = {}
    for name, values in fields.items():
        values = values if isinstance(values, list) else [values]
        if not isinstance(name, str) or len(name) > 40 or len(values) > 50:
            raise DomainError(_("This item is not one LearnHub queued."))
        clean[name] = [str(v)[:300] for v in values if isinstance(v, str | int)]
    slug, module_key, kind = match.groups()
    return _Item(str(key), kind, slug, module_key, datetime.fromtimestamp(at / 1000, UTC), clean)


def sync(user, items):
    """Accept a phone's queued items (a list of dicts); return an Outcome for each, in the order sent.

    Refuses the whole batch (DomainError) only when it is not a list or holds more than
    OFFLINE_SYNC_MAX_ITEMS; any single item that is wrong is refused on its own, saying why.
    """
    limit = current_app.config["OFFLINE_SYNC_MAX_ITEMS"]
    if not isinstance(items, list):
        raise DomainError(_("Nothing to sync was sent."))
    if len(items) > limit:
        raise DomainError(_("At most %(num)d items can be sent at once.", num=limit))
    outcomes, parsed = {}, []
    for index, raw in enumerate(items):
        key = raw.get("key") if isinstance(raw, dict) else None
        if not isinstance(key, str) or not _KEY.match(key):
            outcomes[index] = Outcome(str(key)[:64] if key else "", "", "refused", _("This item has no valid key."))
            continue
        try:
            parsed.append((index, _parse(raw)))
        except DomainError as error:
            outcomes[index] = Outcome(key, "", "refused", error.message)
    keys = {item.key for _index, item in parsed}
    known = {
        row.key: row
        for row in db.session.scalars(select(SyncItem).where(SyncItem.user_id == user.id, SyncItem.key.in_(keys)))
    }
    seen = set()
    last_beat = _last_heartbeat(user)
    # In the order they happened: a module's heartbeats come before the "finished" they lead to.
    for index, item in sorted(parsed, key=lambda pair: pair[1].at):
        if item.key in known or item.key in seen:
            row = known.get(item.key)
            outcomes[index] = Outcome(
                item.key, item.kind, "already", row.message if row else _("Already sent."), row.score if row else None
            )
            continue
        seen.add(item.key)
        outcome, last_beat = _accept(user, item, last_beat)
        outcomes[index] = outcome
    return [outcomes[index] for index in range(len(items))]


def _last_heartbeat(user):
    """(time, module id) of this person's latest offline heartbeat, or None."""
    row = db.session.execute(
        select(SyncItem.at, SyncItem.module_id)
        .where(SyncItem.user_id == user.id, SyncItem.kind == "heartbeat", SyncItem.status == "counted")
        .order_by(SyncItem.at.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def _claim(user, item, module_id):
    """Write the item's row under its key; False if another request has just claimed the key."""
    inserted = db.session.execute(
        dialect_insert(SyncItem)
        .values(
            user_id=user.id,
            key=item.key,
            kind=item.kind,
            module_id=module_id,
            at=item.at,
            received_at=_now(),
            status="refused",
            message="",
        )
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
        .returning(SyncItem.id)
    ).first()
    return None if inserted is None else db.session.get(SyncItem, inserted[0])


def _accept(user, item, last_beat):
    """Check one new item and apply it as online; (Outcome, latest heartbeat)."""
    module = revision = course = None
    try:
        course = get_visible_course(user, item.slug)
        module, revision = get_module(course, item.module_key)
    except NotFound:
        pass
    row = _claim(user, item, module.id if module else None)
    if row is None:
        return Outcome(item.key, item.kind, "already", _("Already sent.")), last_beat
    try:
        if module is None:
            raise DomainError(_("This module is no longer on offer: nothing was recorded for it."))
        _check_plausible(user, module, item)
        if item.kind == "heartbeat":
            row.seconds, last_beat = _heartbeat(user, course, module, item, last_beat)
            message = ""
        elif item.kind == "done":
            message = _done(user, course, module, revision, item)
        else:
            row.score, message = _quiz(user, course, module, revision, item)
        row.status = "counted"
    except learning.NotEnrolled:
        row.message = _("You are not enrolled in this course: nothing was recorded.")
    except DomainError as error:
        row.message = error.message[:300]
    else:
        row.message = message[:300]
    db.session.flush()
    title = revision.title if revision is not None else item.module_key
    return Outcome(item.key, item.kind, row.status, _label(title, row.message), row.score), last_beat


def _label(title, message):
    return f"{title}: {message}" if message else ""


def _check_plausible(user, module, item):
    """Refuse times that cannot be: in the future, too old, before the page was downloaded, or forged."""
    now = _now()
    if item.at > now + CLOCK_SKEW:
        raise DomainError(_("Its time is in the future: check the phone's clock."))
    if item.at < now - timedelta(days=current_app.config["OFFLINE_DAYS"]):
        raise DomainError(
            _("It is older than %(num)d days and can no longer count.", num=current_app.config["OFFLINE_DAYS"])
        )
    opened_at = _opened_at(user, module, (item.fields.get("opened") or [""])[0])
    if opened_at is None:
        raise DomainError(_("It did not come from a page you downloaded: open the module again."))
    if item.at < opened_at - CLOCK_SKEW:
        raise DomainError(_("Its time is before the page was downloaded: check the phone's clock."))


def _heartbeat(user, course, module, item, last_beat):
    """Count the time since the previous offline heartbeat, capped as online, if it was of this module."""
    progress = learning.open_module_at(user, course, module, item.at)
    cap = current_app.config["STUDY_HEARTBEAT_CAP_SECONDS"]
    seconds = 0
    if last_beat is not None and last_beat[1] == module.id and item.at > last_beat[0]:
        seconds = round(min((item.at - last_beat[0]).total_seconds(), cap))
    if last_beat is None or item.at > last_beat[0]:
        last_beat = (item.at, module.id)
    # A heartbeat at or before the latest one counted overlaps time already counted: it adds nothing.
    progress.active_seconds = (progress.active_seconds or 0) + seconds
    if progress.last_seen_at is None:
        progress.last_seen_at = item.at  # measured by heartbeats from now on (learning.study)
    return seconds, last_beat


def _done(user, course, module, revision, item):
    _check_revision(module, item, _("This module was revised while you were offline: read it again and finish it."))
    if not learning.complete_module(user, course, module, revision):
        return _("already done")
    return _("counted")


def _quiz(user, course, module, revision, item):
    _check_revision(module, item, _("This quiz was revised while you were offline: take it again."))
    answers = {name[1:]: values for name, values in item.fields.items() if name.startswith("q")}
    try:
        attempt = learning.submit_quiz(
            user, course, module, revision, answers, opened=(item.fields.get("opened") or [""])[0]
        )
    except DomainError as error:
        if error.message == _("An answer was not one of the choices. Reload the quiz and try again."):
            raise DomainError(_("The quiz paper changed while you were offline: take the quiz again.")) from error
        raise
    if attempt.is_passed:
        return attempt.score, _("scored %(score)d%% and passed", score=attempt.score)
    return attempt.score, _("scored %(score)d%%, not yet a pass", score=attempt.score)


def _check_revision(module, item, message):
    sent = (item.fields.get("revision") or [""])[0]
    if sent and sent != str(module.revision):
        raise DomainError(message)


def summary(outcomes):
    """One line for the phone: "2 lessons counted, quiz scored 85% and passed, 1 needs more time"."""
    counted = [o for o in outcomes if o.status == "counted" and o.kind == "done"]
    quizzes = [o for o in outcomes if o.status == "counted" and o.kind == "quiz"]
    refused = [o for o in outcomes if o.status == "refused" and o.kind != "heartbeat"]
    parts = []
    if counted:
        parts.append(ngettext("%(num)d module counted", "%(num)d modules counted", len(counted)))
    parts.extend(_("quiz scored %(score)d%%", score=o.score) for o in quizzes)
    if refused:
        parts.append(ngettext("%(num)d item not counted", "%(num)d items not counted", len(refused)))
    return _(", ").join(parts)


def learnt_offline(user, limit=20):
    """(module title, SyncItem) of what this person finished or answered offline, newest first."""
    return db.session.execute(
        select(ModuleRevision.title, SyncItem)
        .join(Module, Module.id == SyncItem.module_id)
        .join(ModuleRevision, (ModuleRevision.module_id == Module.id) & (ModuleRevision.revision == Module.revision))
        .where(SyncItem.user_id == user.id, SyncItem.kind.in_(("done", "quiz")))
        .order_by(SyncItem.at.desc())
        .limit(limit)
    ).all()


def offline_seconds(user):
    """The study time this person's offline heartbeats added, in seconds."""
    from sqlalchemy import func

    return (
        db.session.scalar(
            select(func.coalesce(func.sum(SyncItem.seconds), 0)).where(
                SyncItem.user_id == user.id, SyncItem.kind == "heartbeat", SyncItem.status == "counted"
            )
        )
        or 0
    )
