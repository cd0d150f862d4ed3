"""Courses and modules: the catalogue, search, and course packages under courses/."""


def init_app(app):
    """Register the catalogue's pages, its menu item and `flask courses`."""
    from learnhub.catalog import cli, views
    from learnhub.core import nav
    from learnhub.core.i18n import lazy_gettext as _l

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.courses_cli)
    nav.add_menu_item(app, "catalog.catalogue", _l("Courses"), order=10, who="everyone")
