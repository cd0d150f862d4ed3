"""The learning account (学习账户): an append-only ledger of credits and hours, and the record."""


def init_app(app):
    """Register the learning record, its menu item and home section, audit actions and receivers."""
    from learnhub.core import audit, nav
    from learnhub.core.i18n import lazy_gettext as _l
    from learnhub.credits import auditlog, subscribers, views

    app.register_blueprint(views.bp)
    nav.add_menu_item(app, "credits.record", _l("My record"), order=20)
    nav.add_home_section(app, "credits/_home_account.html", order=30, context=views.home_account)
    audit.register_actions(app, auditlog.LABELS, auditlog.SENTENCES)
    subscribers.connect()
