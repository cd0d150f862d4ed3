"""Rendered fragments that do not depend on the person, kept between requests (Flask-Caching).

The store is Redis where REDIS_URL is set, and otherwise files in instance/cache, which every
process of one machine shares (config.py, CACHE_*). A fragment's key holds the version of
what it shows, read from the database by the page (a course's revision, the catalogue's last
change): a publish makes a new key, so no process ever serves what was replaced, and old keys
simply expire. Nothing that says who may see what is cached without the person's unions in
its key.
"""

import hashlib

from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session

from learnhub.extensions import cache

_FORGET = "learnhub.cache.forget"


def fragment(name, parts, render, timeout=None):
    """The HTML `render()` returns, kept under `name` and `parts` (everything it depends on).

    `parts` must hold the version of the data it shows; the cache being down or empty only
    costs the rendering.
    """
    key = f"{name}:{hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()}"
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, timeout=timeout)
    return Markup(html)


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
