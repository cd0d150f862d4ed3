"""The database's migrations (Alembic, through Flask-Migrate), loaded only where they are used.

Alembic takes 11 MB of every process that imports it, and the web workers never migrate. An
app made for a command line (`flask db upgrade` and every other `flask` command: click's
context is current while Flask's CLI loads the app) registers Flask-Migrate; an app made by
gunicorn does not. A script or test that calls `flask_migrate.upgrade()` on an app it made
itself calls `init_migrations(app)` first.
"""

from pathlib import Path

import click


def init_migrations(app):
    """Register Flask-Migrate on `app`, once; returns `app`."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        from learnhub.extensions import db

        directory = Path(app.root_path).parent / "migrations"
        Migrate(app, db, directory=str(directory), render_as_batch=True, compare_type=True)
    return app


def init_app(app):
    if click.get_current_context(silent=True) is not None:
        init_migrations(app)
