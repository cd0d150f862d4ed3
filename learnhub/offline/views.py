import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for
from flask_login import current_user, login_required

from learnhub.catalog.services import get_visible_course
from learnhub.core.errors import DomainError
from learnhub.core.i18n import gettext as _
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.offline import services as offline

bp = Blueprint(
    "offline",
    "learnhub.offline",
    template_folder="templates",
    static_folder="static",
    static_url_path="/offline/static",
)
_STATIC = Path(__file__).resolve().parent / "static"
THEME = "#b3261e"  # the menu bar's red (core/static/app.css)


def _version(filename):
    return hashlib.sha256((_STATIC / filename).read_bytes()).hexdigest()[:10]


def script_url():
    """The page-side script's address, with its version (a template global)."""
    versions = current_app.extensions.setdefault("offline_versions", {})
    if "offline.js" not in versions or current_app.debug:
        versions["offline.js"] = _version("offline.js")
    return url_for("offline.static", filename="offline.js", v=versions["offline.js"])


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: what a phone needs to install LearnHub from the browser."""
    body = {
        "name": "职工学习网",
        "short_name": "职工学习网",
        "description": "工会为产业工人办的学习平台：学技能、攒学分、离线也能学。",
        "lang": "zh-CN",
        "start_url": "/?source=app",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": THEME,
        "icons": [
            {"src": url_for("offline.static", filename="icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": url_for("offline.static", filename="icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("offline.static", filename="icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": url_for("offline.static", filename="icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.cache_control.max_age = 86400
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, served from the site's root so that it may answer for every page.

    What it keeps at installation (the offline page, the stylesheet and scripts) is written
    at its top, with their versions: a new stylesheet makes a new worker, which replaces the old.
    """
    shell = [
        url_for("offline.offline_page"),
        url_for("core.static", filename="app.css"),
        url_for("core.static", filename="app.js"),
        url_for("offline.static", filename="offline.js"),
        url_for("offline.static", filename="icon.svg"),
    ]
    stamp = hashlib.sha256(
        b"".join(
            (Path(current_app.root_path) / "core" / "static" / name).read_bytes() for name in ("app.css", "app.js")
        )
        + (_STATIC / "offline.js").read_bytes()
        + (_STATIC / "sw.js").read_bytes()
    ).hexdigest()[:10]
    head = f"var VERSION = {json.dumps(stamp)};\nvar SHELL = {json.dumps(shell)};\n"
    response = Response(head + (_STATIC / "sw.js").read_text(encoding="utf-8"), mimetype="text/javascript")
    response.cache_control.no_cache = True  # the browser checks for a new worker on every visit
    return response


@bp.get("/offline")
def offline_page():
    """Shown, from the phone's cache, for a page that was not downloaded while the phone is offline."""
    return render_template("offline/offline.html")


@bp.get("/offline/courses/<slug>")
@login_required
def course_files(slug):
    """What the service worker downloads of a course: its pages and files, and its version (JSON)."""
    course = get_visible_course(current_user, slug)
    try:
        download = offline.course_download(current_user, course)
    except learning.NotEnrolled:
        abort(404)
    pages = [url_for("learning.module", slug=course.slug, key=module.key) for module, _revision in download.modules]
    return jsonify(
        slug=course.slug,
        title=course.title,
        url=url_for("learning.course", slug=course.slug),
        version=download.version,
        pages=pages,
        files=download.files,
        # Only a phone-sized rendition is ever downloaded (studio/transcode.py makes it): its size
        # is what the worker is asked about; a video without one yet is watched online.
        videos=[
            {
                "title": revision.title,
                "url": path,
                "bytes": phone_size if phone_path else size,
                "phone_url": phone_path,
            }
            for _module, revision, path, size, phone_path, phone_size in download.videos
        ],
    )


@bp.post("/offline/sync")
def sync():
    """The phone's offline queue, sent when the network returns: JSON {"items": [...]} in, an outcome for each out.

    No CSRF token (queued hours ago, it may be stale): the body must be JSON, which a form of
    another site cannot send without this site's consent, and a browser's Origin must be this
    site. Each item carries the signed note of the page it came from (services.sync).
    """
    if not current_user.is_authenticated:
        return jsonify(error=_("Log in to send what you learnt offline.")), 401
    origin = request.headers.get("Origin")
    if origin and urlsplit(origin).netloc != request.host:
        abort(403)
    payload = request.get_json(silent=True) if request.is_json else None
    if not isinstance(payload, dict):
        return jsonify(error=_("Nothing to sync was sent.")), 400
    try:
        outcomes = offline.sync(current_user, payload.get("items"))
    except DomainError as error:
        return jsonify(error=error.message), 400
    db.session.commit()
    return jsonify(outcomes=[o.as_dict() for o in outcomes], summary=offline.summary(outcomes))


def clear_on_logout(response):
    """Logging out clears what this site keeps on the device: the downloaded courses (Cache API),
    the offline queue (IndexedDB) and the service worker, with the standard Clear-Site-Data
    header, so that the next person on a shared phone finds none of it.

    The page has already sent the queue, or warned that items wait and been told to go on
    (offline.js); a browser without service workers, or without JavaScript, keeps neither. When
    the queue also holds what another person learnt offline on this phone (their session ended
    without a logout), the page says so (`keep_offline`): storage then stays, and the service
    worker forgets only this person's downloads and queue.
    """
    if request.endpoint == "accounts.logout" and request.method == "POST" and response.status_code in (302, 303):
        keep = request.form.get("keep_offline") == "1"
        response.headers["Clear-Site-Data"] = '"cache"' if keep else '"cache", "storage"'
    return response


def download_panel(user, course, enrolment=None):
    """The course page's "Download for offline" panel, for a person enrolled in the course
    (`enrolment`: the page's own, so the panel costs no statement)."""
    if not user.is_authenticated or enrolment is None:
        return None
    return {"course": course}


def record_section(user):
    """The learning record's list of what was learnt offline (none: nothing shown)."""
    rows = offline.learnt_offline(user)
    if not rows:
        return None
    return {"rows": rows, "offline_minutes": offline.offline_seconds(user) // 60}
