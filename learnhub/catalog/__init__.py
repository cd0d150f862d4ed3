"""Courses and modules: the catalogue, search, and course packages under courses/."""


def init_app(app):
    """Register the catalogue's pages, its menu item and `flask courses`."""
    from learnhub.catalog import cli, views
    from learnhub.core import nav
    from learnhub.core.i18n import lazy_gettext as _l

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.courses_cli)
    nav.add_menu_item(app, "catalog.catalogue", _l("Courses"), order=10, who="everyone")


REQUIRED_COURSES = "learnhub.catalog.required_courses"


def offer_required_filter(app, course_ids):
    """Let workers narrow the catalogue to the courses their unions require of them.

    The feature that knows requirements (stats, above this package) gives `course_ids(user)`.
    """
    app.extensions[REQUIRED_COURSES] = course_ids
