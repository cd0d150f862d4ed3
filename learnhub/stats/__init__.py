"""Union statistics: dashboards over pre-aggregated rollups, drill-down, exports."""


def init_app(app):
    """Register the statistics pages, menu item, admin's home section, `flask stats`, receivers and tasks."""
    from huey import crontab

    from learnhub.catalog.filters import offer_required_filter
    from learnhub.core import audit, db, jobs, nav, tasks
    from learnhub.core.i18n import lazy_gettext as _l
    from learnhub.stats import auditlog, cli, exports, headcounts, required, rollups, subscribers, views
    from learnhub.stats.views import dashboards

    app.register_blueprint(views.bp)
    db.keep_transactions(app, views.bp.name)  # the roster's exports stream (yield_per)
    app.cli.add_command(cli.stats_cli)
    nav.add_menu_item(app, "stats.overview", _l("Statistics"), roles={"admin"}, order=65)
    nav.add_home_section(app, "stats/_home.html", roles={"admin"}, order=15, context=dashboards.home_headline)
    nav.add_home_section(app, "stats/_home_required.html", roles={"worker"}, order=18, context=dashboards.home_required)
    nav.add_to_slot(app, "course_page", "stats/_course_required.html", context=dashboards.course_required)
    offer_required_filter(app, required.required_course_ids)
    nav.add_to_slot(app, "learning_record", "stats/_record_required.html", context=dashboards.record_required)
    audit.register_actions(app, auditlog.LABELS, auditlog.SENTENCES)
    subscribers.connect()
    required.watch_requirements()
    jobs.add_kind(app, exports.JOB_KIND, exports.run_export, label=_l("Statistics export"))
    tasks.add_task(
        app, headcounts.count_everyone, schedule=crontab(minute=f"*/{app.config['STATS_HEADCOUNT_MINUTES']}")
    )
    # The rollups of the unions above each learner's, from the outbox (see stats.rollups).
    tasks.add_task(app, rollups.drain_rollups, schedule=crontab(minute="*"))
    tasks.add_task(app, required.tell_the_asked)
    tasks.add_task(app, required.send_reminder)
    # Deadlines: at 09:00 Beijing time (Huey's crontab is in UTC), and again at 13:00 should a
    # consumer have been down in the morning; each notice goes once per person and requirement.
    tasks.add_task(app, required.tell_deadlines, schedule=crontab(hour="1,5", minute="0"))
