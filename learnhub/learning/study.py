"""Study time as evidence: how long a worker really spent on a module, and when that is enough.

- With JavaScript, the player sends a heartbeat at most every 30 s while the page is visible
  and its reader active; each adds the time since the one before, at most
  STUDY_HEARTBEAT_CAP_SECONDS, to the module's active time. A video reports the ranges
  actually played, not its position: dragging to the end plays nothing.
- Without JavaScript there are no heartbeats: the player's forms carry a signed note of when
  the page was opened, and the time since then counts, at most the module's declared time.
- A lesson is done once its active time reaches LESSON_READ_SHARE of its reading time, a video
  once VIDEO_PLAYED_SHARE of it has been played. The minutes paid are the lesser of the declared
  and the measured.
"""

import math
import re

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from learnhub.core.errors import DomainError
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import ngettext

MAX_SECONDS = 24 * 3600
MAX_RANGES = 200  # a video's played ranges kept; more are merged into fewer by anyone who plays it through
_RANGE = re.compile(r"^([0-9]{1,6}(?:\.[0-9]{1,3})?)-([0-9]{1,6}(?:\.[0-9]{1,3})?)$", re.ASCII)


class NotYet(DomainError):
    """A module finished before the evidence says it was studied."""


def _config(name):
    return current_app.config[name]


# ---------------------------------------------------------------- measuring


def add_heartbeat(progress, now):
    """Count the time since the previous heartbeat of this module (capped) as active time."""
    if progress.last_seen_at is not None:
        gap = min(max((now - progress.last_seen_at).total_seconds(), 0), _config("STUDY_HEARTBEAT_CAP_SECONDS"))
        progress.active_seconds = (progress.active_seconds or 0) + round(gap)
    elif progress.active_seconds is None:
        progress.active_seconds = 0
    progress.last_seen_at = now


def parse_ranges(text):
    """Played ranges as the player sends them ("0-31.5,40-62"): [[start, end], ...] in seconds."""
    ranges = []
    for part in str(text or "").split(",")[:MAX_RANGES]:
        match = _RANGE.match(part.strip())
        if match is None:
            raise DomainError(_("The played ranges must look like 0-30,45-60 (seconds)."), "played")
        start, end = float(match.group(1)), float(match.group(2))
        if not start < end <= MAX_SECONDS:
            raise DomainError(_("The played ranges must look like 0-30,45-60 (seconds)."), "played")
        ranges.append([start, end])
    return ranges


def merge_ranges(ranges):
    """The union of [start, end] ranges, in order, overlapping ones joined."""
    merged = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged[:MAX_RANGES]


def uncovered(ranges, covered):
    """The parts of `ranges` that `covered` (merged ranges) does not cover, merged: what was newly played."""
    new = []
    for start, end in merge_ranges([list(r) for r in ranges]):
        for covered_start, covered_end in covered or ():
            if covered_end <= start or covered_start >= end:
                continue
            if covered_start > start:
                new.append([start, covered_start])
            start = max(start, covered_end)
            if start >= end:
                break
        if start < end:
            new.append([start, end])
    return merge_ranges(new)


def played_seconds(ranges, duration):
    """How much of a video of `duration` seconds the ranges cover."""
    return int(sum(max(0.0, min(end, duration) - start) for start, end in ranges or ()))


# ---------------------------------------------------------------- without JavaScript


def _signer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="learnhub.module-opened")


def opening_token(user, module):
    """A signed note, for the player's forms, that `user` opened `module` now."""
    return _signer().dumps([user.id, module.id])


def seconds_since_opening(user, module, token, now):
    """Seconds since this person opened this module's page, by the note its form carried; None if none."""
    if not token:
        return None
    try:
        (user_id, module_id), opened_at = _signer().loads(str(token)[:200], max_age=MAX_SECONDS, return_timestamp=True)
    except (BadSignature, ValueError, TypeError):
        return None
    if (user_id, module_id) != (user.id, module.id):
        return None
    return max(0, int((now - opened_at).total_seconds()))


# ---------------------------------------------------------------- what counts


def duration_seconds(revision):
    """A module's declared time, in seconds: a lesson's reading time, a video's length."""
    return revision.minutes * 60


def measured_seconds(progress, user, module, revision, token, now):
    """What the evidence says this person spent on the module, in seconds; None if nothing says.

    A video: the seconds actually played (time on its page does not count). Otherwise the
    heartbeats' active time. When no heartbeat ever came (JavaScript off), the time since the
    page was opened, at most the module's declared time.
    """
    if module.kind == "video" and (progress.played or progress.last_seen_at is not None):
        return played_seconds(progress.played, duration_seconds(revision))
    if progress.last_seen_at is not None:
        return progress.active_seconds or 0
    since = seconds_since_opening(user, module, token, now)
    return None if since is None else min(since, duration_seconds(revision))


def required_seconds(module, revision):
    """How much evidence finishing the module needs: a share of a lesson's reading time or a video's length."""
    share = {"lesson": "LESSON_READ_SHARE", "video": "VIDEO_PLAYED_SHARE"}.get(module.kind)
    return math.ceil(_config(share) * duration_seconds(revision)) if share else 0


def check_enough(module, revision, measured):
    """Refuse to finish a module before the evidence says it was studied, saying how much is left."""
    needed = required_seconds(module, revision)
    if not needed or (measured is not None and measured >= needed):
        return
    left = max(1, math.ceil((needed - (measured or 0)) / 60))
    if module.kind == "video":
        raise NotYet(
            ngettext(
                "This video counts once you have watched most of it: about %(num)d more minute to go.",
                "This video counts once you have watched most of it: about %(num)d more minutes to go.",
                left,
            )
        )
    raise NotYet(
        ngettext(
            "Read on: this lesson counts once you have spent about %(num)d more minute on it.",
            "Read on: this lesson counts once you have spent about %(num)d more minutes on it.",
            left,
        )
    )


def paid_minutes(revision, measured):
    """The minutes a finished module pays: the lesser of declared and measured (declared if not measured)."""
    return revision.minutes if measured is None else min(revision.minutes, measured // 60)


def as_if_studied(progress, revision):
    """Give `progress` the evidence of the whole module studied: for invented learners only (demo data)."""
    progress.active_seconds = duration_seconds(revision)
    progress.played = [[0.0, float(duration_seconds(revision))]] if revision.video else None
