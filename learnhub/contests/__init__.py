"""Drills and competitions (岗位练兵 · 技术比武): daily drills from the question banks, the
wrong-answer book, a streak of days (drills.py); an admin's contest for their subtree, a clocked
paper per contestant, one attempt, rankings once published (competitions.py)."""


def init_app(app):
    """Register the drills' and contests' pages, menu items, the home page's section, audit actions, receivers and the notices' task."""
    from huey import crontab

    from learnhub.contests import auditlog, notices, subscribers, views
    from learnhub.core import audit, nav, tasks
    from learnhub.core.i18n import lazy_gettext as _l

    app.register_blueprint(views.bp)
    nav.add_menu_item(app, "contests.drills_home", _l("Drills"), roles={"worker"}, order=15)
    nav.add_menu_item(app, "contests.contests", _l("Contests"), roles={"worker", "admin"}, order=16)
    nav.add_home_section(app, "contests/_home_drill.html", roles={"worker"}, order=25, context=views.home_drill)
    audit.register_actions(app, auditlog.LABELS, auditlog.SENTENCES)
    subscribers.connect()  # "download my data"
    # A contest opens for me, closes within a day: every ten minutes, each told once.
    tasks.add_task(app, notices.tell_contests, schedule=crontab(minute="*/10"))
