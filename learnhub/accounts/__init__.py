"""People: registration, login, profile, and the people screens of union admins."""


def init_app(app):
    """Register accounts' pages, request checks, menu items, home section, CLI, jobs and audit actions."""
    from learnhub.accounts import auditlog, cli, guards, onboarding, services, views
    from learnhub.core import audit, jobs, nav
    from learnhub.core.i18n import lazy_gettext as _l

    app.register_blueprint(views.bp)
    guards.init_app(app)
    services.watch_sessions()
    app.cli.add_command(cli.accounts_cli)
    jobs.add_kind(
        app,
        onboarding.JOB_KIND,
        onboarding.run_import_job,
        label=_l("Open accounts in bulk"),
        template="accounts/_import_job.html",
    )
    nav.add_menu_item(app, "accounts.people", _l("People"), roles={"admin"}, order=60)
    nav.add_menu_item(app, "accounts.profile", _l("Me"), order=90)
    nav.add_menu_item(app, "accounts.login", _l("Log in"), order=91, who="visitors")
    nav.add_menu_item(app, "accounts.register", _l("Register"), order=92, who="visitors")
    nav.add_home_section(app, "accounts/_home_admin.html", roles={"admin"}, order=10)
    audit.register_actions(app, auditlog.LABELS, auditlog.SENTENCES)
