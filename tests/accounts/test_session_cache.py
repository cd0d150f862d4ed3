"""Two app processes of one machine without Redis share the file cache (config.py, CACHE_DIR):
what one of them changes about a person, the other sees on its next request.

The journeys' server runs two gunicorn workers this way, as a small box would; a cache in each
process's memory would let one worker serve a session the other had ended.
"""

import re

import pytest

from learnhub import create_app
from learnhub.extensions import db
from tests.conftest import PASSWORD, seed_one_module_course


def _process(committed_app, folder):
    """Another app over the same database, its cache in files under `folder`."""
    settings = {k: v for k, v in committed_app.config.items() if k.isupper()}
    settings.update(CACHE_TYPE="FileSystemCache", CACHE_DIR=str(folder))
    return create_app(type("Config", (), settings)())


def _token(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


@pytest.mark.own_database
def test_a_language_and_a_logout_reach_the_other_process_at_once(committed_app, tmp_path):
    seed_one_module_course(committed_app, "files", ["walker"])
    first, second = (_process(committed_app, tmp_path / "cache") for _ in range(2))
    a, b = first.test_client(), second.test_client()
    a.post("/login", data={"csrf_token": _token(a, "/login"), "login": "walker", "password": PASSWORD})
    cookie = a.get_cookie(first.config["SESSION_COOKIE_NAME"]).value
    b.set_cookie(second.config["SESSION_COOKIE_NAME"], cookie)
    assert "walker" in b.get("/me/profile").get_data(as_text=True)  # B now holds the session cached

    # English chosen on A: B's next page is in English (the person, cached, was dropped).
    a.post("/language", data={"csrf_token": _token(a, "/me/profile"), "locale": "en", "next": "/me/profile"})
    assert '<html lang="en"' in b.get("/me/profile").get_data(as_text=True)

    # Logged out on A: B's copy of the cookie opens nothing.
    a.post("/logout", data={"csrf_token": _token(a, "/privacy")})
    assert b.get("/me/profile").status_code == 302
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()
