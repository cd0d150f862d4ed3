"""Offline learning: LearnHub installed from the browser, courses downloaded to the phone, and
what was learnt offline counted when the phone is back online, held to the rules of online study.

- The web app manifest and the service worker (`static/sw.js`, served at /sw.js so that it
  may answer for the whole site) make the site installable and let downloaded pages open
  offline; every other page then shows the offline page, which lists the downloaded courses.
- `static/offline.js`, loaded after each page, registers the service worker once the page has
  loaded, says "offline" in the menu, and drives the course page's download panel.
- What the player posts while offline (heartbeats, "I have finished", quiz answers) waits in
  the phone's IndexedDB queue, each with a key the phone made; the service worker sends the
  queue to /offline/sync when the network returns, and `services.sync` accepts each key once.
- Logging out clears the phone of the person's downloads and queue: the page first sends the
  queue, and if items still wait (no network to the server) says so and asks before going on;
  then the logout's response says Clear-Site-Data, and the page asks the service worker to
  forget too (for browsers that ignore the header).
- A phone passed on without a logout (the session expired): every signed-in page tells the
  service worker whose phone it is now; another person's downloads then go, and what they
  learnt offline waits for them, sent only in their own session (a logout that finds such
  items keeps the storage: the header would delete them).

Browsers tried: Debian's Chromium (headless, a 390x844 phone, tests/e2e/test_offline.py). Not
tried yet: Android Chrome on a device, the in-app browsers of WeChat and QQ. Where a browser
has no service worker, offline.js does nothing and every page works online as before.
"""


def init_app(app):
    """Register the manifest, service worker, offline page and sync, and the panels on the course page and record."""
    from learnhub.core import nav
    from learnhub.extensions import csrf
    from learnhub.offline import views

    app.register_blueprint(views.bp)
    # The sync takes JSON only and checks the request's origin (views.sync): a form of another
    # site cannot send JSON, and the queued items are signed for this person by the pages they came from.
    csrf.exempt(views.sync)
    app.after_request(views.clear_on_logout)
    app.jinja_env.globals["offline_script_url"] = views.script_url
    nav.add_to_slot(app, "course_page", "offline/_download.html", order=5, context=views.download_panel)
    nav.add_to_slot(app, "learning_record", "offline/_record.html", order=60, context=views.record_section)
