"""The trainer's studio: authoring, uploads, draft and publish, learners' progress."""


def init_app(app):
    """Register the studio's pages, its menu item, the trainer's home section and audit actions."""
    from learnhub.core import audit, nav
    from learnhub.core.i18n import lazy_gettext as _l
    from learnhub.studio import auditlog, transcode, views
    from learnhub.studio.views import courses

    app.register_blueprint(views.bp)
    transcode.init_app(app)
    nav.add_menu_item(app, "studio.index", _l("Studio"), roles={"trainer", "admin"}, order=50)
    nav.add_menu_item(app, "studio.reviews", _l("Course reviews"), roles={"admin"}, order=51)
    nav.add_home_section(app, "studio/_home_trainer.html", roles={"trainer"}, order=15, context=courses.home_courses)
    audit.register_actions(app, auditlog.LABELS, auditlog.SENTENCES)
