"""The credit bank: pathways, applications and review, prior learning, credentials."""


def init_app(app):
    """Register recognition's pages, menu items, home sections, audit actions and receivers."""
    from learnhub.core import audit, nav, storage
    from learnhub.core.i18n import lazy_gettext as _l
    from learnhub.recognition import auditlog, prior, subscribers, views
    from learnhub.recognition.views import review, worker

    app.register_blueprint(views.bp)
    nav.add_menu_item(app, "recognition.index", _l("Recognition"), roles={"worker"}, order=25)
    nav.add_menu_item(app, "recognition.review_queue", _l("Recognition"), roles={"admin"}, order=55)
    nav.add_home_section(app, "recognition/_home_worker.html", roles={"worker"}, order=35, context=worker.home_nearest)
    nav.add_home_section(app, "recognition/_home_admin.html", roles={"admin"}, order=15, context=review.home_waiting)
    nav.add_to_slot(
        app, "course_completed", "recognition/_course_credential.html", context=worker.completed_course_credential
    )
    audit.register_actions(app, auditlog.LABELS, auditlog.SENTENCES)
    subscribers.connect()
    storage.add_to_migration(app, "certificates", prior.certificates_in_database, prior.move_certificate)
