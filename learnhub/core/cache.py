"""Rendered fragments that do not depend on the person, kept between requests (Flask-Caching).

The store is Redis where REDIS_URL is set, and otherwise files in instance/cache, which every
process of one machine shares (config.py, CACHE_*). A fragment's key holds the version of
what it shows, read from the database by the page (a course's revision, the catalogue's last
change): a publish makes a new key, so no process ever serves what was replaced, and old keys
simply expire. Nothing that says who may see what is cached without the person's unions in
its key.

Where reading the version would cost as much as what it saves, a kind of record has a
*generation* instead: a random token in the cache itself, replaced whenever such a record is
written (`new_generation_after_commit`). A key holding the generation names what was read under
it; a lost or expired token is simply a new generation.
"""

import hashlib
import secrets

from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session

from learnhub.extensions import cache

_FORGET = "learnhub.cache.forget"

# What is kept for one person (their record, a card of their home page) or one search lives for
# a visit, not a month: the files of the default store are pruned one by one once CACHE_THRESHOLD
# of them are live, and every write then reads them all.
VISIT_SECONDS = 600


def kept(name, parts, compute, timeout=None):
    """What `compute()` returns (not None), kept under `name` and `parts` (everything it depends on).

    `parts` must hold the version of the data it reads; the cache being down or empty only
    costs the computing.
    """
    key = f"{name}:{hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return value


def fragment(name, parts, render, timeout=None):
    """The HTML `render()` returns, kept under `name` and `parts` (see `kept`)."""
    return Markup(kept(name, parts, lambda: str(render()), timeout))


def generation(name):
    """The current generation of `name`'s records: a token that changes whenever one is written."""
    key = f"generation:{name}"
    token = cache.get(key)
    if token is None:
        # The first to find none names the new generation; others racing it read that one.
        cache.add(key, secrets.token_hex(8), timeout=0)
        token = cache.get(key)
    # None still (the cache is down, or a writer dropped the token in between): a token of this
    # request alone, under which nothing kept is ever found again.
    return token or secrets.token_hex(8)


def new_generation_after_commit(session, name):
    """Start a new generation of `name`'s records now and again once `session` commits.

    Only a reader that finds no token makes one, and a new one, so a reader who read the old
    records under an old token never files them under the new one.
    """
    forget_after_commit(session, f"generation:{name}")


def forget_after_commit(session, *keys):
    """Drop these keys from the cache now, and again once `session` commits.

    For what is cached by identity rather than by version (a person's session, their unread
    count). Now: this transaction reads its own change. After the commit: another request may
    have put the old value back meanwhile, read from a transaction that had not seen the change;
    a short timeout bounds the rare race of a request that read just before the commit and
    writes just after. After a rollback they are dropped at the session's next commit, if any:
    dropping a key too many costs only a read.
    """
    if keys:
        cache.delete_many(*keys)
        session.info.setdefault(_FORGET, set()).update(keys)


def _after_commit(session):
    keys = session.info.pop(_FORGET, None)
    if keys:
        cache.delete_many(*keys)


def init_app(app):
    cache.init_app(app)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
