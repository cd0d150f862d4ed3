"""Installable from the browser: the manifest, its icons, the service worker and the offline page."""

import gzip
import re

import pytest

from learnhub.catalog.models import ModuleRevision
from learnhub.extensions import db
from learnhub.learning import services as learning


@pytest.fixture
def learner(make_user, auth):
    user = make_user("worker1")
    auth.login("worker1")
    return user


def test_the_manifest_names_the_app_and_its_icons_are_there(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"] == "职工学习网"
    assert manifest["start_url"].startswith("/") and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#b3261e"
    sizes = set()
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == icon["type"] and image.get_data()
        image.close()
        sizes.add(icon["sizes"])
    assert {"any", "192x192", "512x512"} <= sizes


def test_every_page_links_the_manifest_and_loads_the_script_deferred(client):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    script = re.search(r'<script src="(/offline/static/offline\.js\?v=[0-9a-f]+)" defer></script>', page)
    assert script
    # Registered only once the page has loaded, so a first visit weighs what it did.
    response = client.get(script.group(1))
    source = response.get_data(as_text=True)
    response.close()
    assert 'addEventListener("load"' in source and 'register("/sw.js")' in source
    # The menu's "offline" is there for the script to show, hidden while online.
    assert "data-offline-badge hidden>离线<" in page


def test_the_service_worker_is_small_served_from_the_root_and_never_stale(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert "no-cache" in response.headers["Cache-Control"]
    body = response.get_data()
    assert len(gzip.compress(body)) <= 10 * 1024  # the budget, compressed
    # What it keeps at installation all answers.
    shell = re.search(rb"var SHELL = (\[.*?\]);", body).group(1).decode()
    for url in re.findall(r'"([^"]+)"', shell):
        kept = client.get(url)
        assert kept.status_code == 200 and kept.get_data(), url
        kept.close()


def test_the_offline_page_explains_and_says_how_to_download(client, learner):
    page = client.get("/offline").get_data(as_text=True)
    assert "你已离线" in page and "下载离线学习" in page and "data-offline-courses" in page


def test_the_course_page_offers_the_download_to_the_enrolled_only(client, auth, learner, make_course):
    course = make_course()
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "data-offline-panel" not in page
    learning.enrol(learner, course)
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    # Offline needs JavaScript: without it the panel stays hidden and the page works as before.
    assert re.search(r"<section [^>]*data-offline-panel hidden", page)
    assert "下载离线学习" in page and "删除下载" in page


def test_a_course_download_lists_its_pages_pictures_and_quiz_never_the_answers(client, learner, make_course):
    course = make_course(
        modules=(("intro", "lesson", "0.5", 20), ("clip", "video", "0", 5), ("check", "quiz", "1", 10))
    )
    intro = course_revision(course, "intro")
    intro.body_html = (
        f'<p><img src="/media/{course.slug}/a.png" alt="图"> <a href="/media/{course.slug}/b.pdf">讲义</a>'
        ' <img src="/media/other-course/c.png" alt="别的课"></p>'
    )
    assert client.get(f"/offline/courses/{course.slug}").status_code == 404  # not enrolled
    learning.enrol(learner, course)
    listing = client.get(f"/offline/courses/{course.slug}").get_json()
    assert listing["url"] == f"/courses/{course.slug}"
    assert listing["pages"] == [f"/courses/{course.slug}/{key}" for key in ("intro", "clip", "check")]
    assert listing["files"] == [f"/media/{course.slug}/a.png", f"/media/{course.slug}/b.pdf"]
    assert listing["videos"] == [
        {"title": "单元 clip", "url": f"/media/{course.slug}/clip.mp4", "bytes": None, "phone_url": None}
    ]
    quiz = client.get(listing["pages"][2]).get_data(as_text=True)
    assert "第一题" in quiz and "因为甲对" not in quiz and "is_correct" not in quiz
    # A new revision of a module is a new version: the phone downloads the course again.
    before = listing["version"]
    module = course_module(course, "intro")
    db.session.add(ModuleRevision(module_id=module.id, revision=2, title="新版", minutes=20))
    module.revision = 2
    db.session.flush()
    assert client.get(f"/offline/courses/{course.slug}").get_json()["version"] != before


def course_module(course, key):
    from learnhub.catalog.services import course_modules

    return {m.key: m for m, _r in course_modules(course)}[key]


def course_revision(course, key):
    from learnhub.catalog.services import course_modules

    return {m.key: r for m, r in course_modules(course)}[key]


def test_logging_out_tells_the_browser_to_clear_what_the_phone_kept_for_offline(client, auth, learner):
    from tests.conftest import csrf_token

    page = client.get("/").get_data(as_text=True)
    assert "data-logout" in page and "data-unsent=" in page  # what offline.js says before it clears
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    # The downloaded courses (Cache API), the queue (IndexedDB) and the service worker go.
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert "Clear-Site-Data" not in client.get("/").headers  # only the logout says it
    auth.login("worker1")
    refused = client.post("/logout", data={"csrf_token": "forged"})
    assert refused.status_code == 400 and "Clear-Site-Data" not in refused.headers


def test_a_logout_leaves_the_storage_where_another_persons_learning_waits(client, auth, learner):
    """The page says so (offline.js) when the phone's queue holds another person's unsent learning:
    clearing all storage would delete it, so only this person's part goes (the service worker's)."""
    from tests.conftest import csrf_token

    page = client.get("/").get_data(as_text=True)
    assert f'data-person="{learner.id}"' in page  # whose phone it is now, for the service worker
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/"), "keep_offline": "1"})
    assert response.status_code == 302 and response.headers["Clear-Site-Data"] == '"cache"'
