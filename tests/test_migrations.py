"""The schema is the migrations' work, and agrees with the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from learnhub.extensions import db


def _script():
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def test_one_head(app):
    with app.app_context():
        assert len(_script().get_heads()) == 1


def test_database_is_at_head(app):
    with app.app_context():
        conn = db.session.connection()
        assert MigrationContext.configure(conn).get_current_revision() == _script().get_current_head()


def test_models_and_migrations_agree(app):
    with app.app_context():
        conn = db.session.connection()
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
        assert diff == []
