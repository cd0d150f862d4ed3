"""The schema is the migrations' work, and agrees with the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from learnhub.extensions import db
from tests.conftest import seed_one_module_course


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


@pytest.mark.own_database
def test_ledger_links_are_filled_in_from_the_string_ids_that_named_them(committed_app):
    from learnhub.accounts.models import User
    from learnhub.catalog.models import Course, Module
    from learnhub.credits.models import LedgerEntry
    from learnhub.credits.services import reverse_entry
    from learnhub.demo import finish_course

    seed_one_module_course(committed_app, "linked-course", ["w1"])
    with committed_app.app_context():
        worker = db.session.scalar(select(User).where(User.username == "w1"))
        course = db.session.scalar(select(Course).where(Course.slug == "linked-course"))
        module = db.session.scalar(select(Module).where(Module.course_id == course.id))
        finish_course(worker, course)
        module_entry = db.session.scalar(select(LedgerEntry).where(LedgerEntry.kind == "module"))
        reverse_entry(module_entry, reason="录错了", created_by=worker)
        db.session.commit()
        links = {e.kind: (e.module_id, e.course_id) for e in db.session.scalars(select(LedgerEntry))}
        assert links == {
            "module": (module.id, course.id),
            "course": (None, course.id),
            "reversal": (module.id, course.id),
        }
        db.session.remove()

        downgrade(revision="ef18a79af19e")  # the ledger as it was: links only in source_id
        upgrade()
        db.session.remove()
        assert {e.kind: (e.module_id, e.course_id) for e in db.session.scalars(select(LedgerEntry))} == links
        db.session.remove()


def test_the_web_app_leaves_the_migration_tool_out_and_the_command_line_has_it(tmp_path):
    """Alembic (11 MB) stays out of gunicorn's workers; `flask db` still migrates."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "SECRET_KEY": "x",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
        "FLASK_APP": "wsgi",
    }
    env.pop("LEARNHUB_CONFIG", None)
    web = "import sys, wsgi; print('alembic' in sys.modules, 'migrate' in wsgi.app.extensions)"
    shown = subprocess.run([sys.executable, "-c", web], env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["False", "False"], shown.stderr
    migrated = subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"], env=env, capture_output=True, text=True, check=True
    )
    assert "Running upgrade" in migrated.stderr, migrated.stderr
