"""The floor everything stands on: database, security, languages, layout and error pages."""

from urllib.parse import urlsplit

from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app):
    """Bind the extensions, request guards and page layout, and add core's own pages and commands."""
    from learnhub.core import (
        audit,
        backup,
        cache,
        deprecation,
        errors,
        i18n,
        inputs,
        jobs,
        logs,
        metering,
        migrations,
        nav,
        security,
        storage,
        tasks,
        templating,
        views,
    )
    from learnhub.core.db import init_db
    from learnhub.core.i18n import lazy_gettext as _l
    from learnhub.extensions import csrf, limiter, login_manager

    if app.config.get("TRUSTED_PROXY_HOPS"):
        # The client's address and scheme as the trusted balancer saw them: rate limits key on
        # the address, and without this every user behind the balancer shares one.
        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    if app.config.get("PUBLIC_BASE_URL") and not app.config.get("TRUSTED_HOSTS"):
        # Answer only to the public address: a forged Host cannot reach links, mails or credentials.
        app.config["TRUSTED_HOSTS"] = [urlsplit(app.config["PUBLIC_BASE_URL"]).hostname]
    init_db(app)
    inputs.init_app(app)  # before any blueprint adds a route: it bounds <int:> ids
    migrations.init_app(app)  # `flask db`, loaded when used
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    nav.init_app(app)
    logs.init_app(app)
    metering.init_app(app)
    errors.init_app(app)
    deprecation.init_app(app)
    tasks.init_app(app)
    jobs.init_app(app)

    app.register_blueprint(views.bp)
    nav.add_menu_item(app, "core.audit_log", _l("Audit log"), roles={"admin"}, order=80)
    app.cli.add_command(backup.backup_command)
    app.cli.add_command(backup.restore_command)
    app.cli.add_command(storage.media_cli)
    audit.init_app(app)
