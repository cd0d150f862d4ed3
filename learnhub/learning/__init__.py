"""Learning: enrolment, the module player, quizzes, progress and completion."""


def init_app(app):
    """Register the player's pages, the home page's sections and the receivers of accounts' signals."""
    from learnhub.core import audit, nav
    from learnhub.learning import auditlog, subscribers, views

    app.register_blueprint(views.bp)
    nav.add_home_section(app, "learning/_home_continue.html", order=20, context=views.home_continuing)
    # The catalogue's "for you", on the home page without the courses I have already taken up.
    nav.add_home_section(app, "catalog/_home_suggestions.html", order=40, context=views.home_suggestions)
    audit.register_actions(app, auditlog.LABELS, auditlog.SENTENCES)
    subscribers.connect()
