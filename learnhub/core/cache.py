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

from learnhub.extensions import cache


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


def init_app(app):
    cache.init_app(app)
