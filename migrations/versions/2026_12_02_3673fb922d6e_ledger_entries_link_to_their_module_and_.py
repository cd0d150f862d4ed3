"""ledger entries link to their module and course

Ledger entries gain typed links to what was learned: a module's entry its module and course,
a course's entry its course, a correction the links of the entry it corrects. They are filled
in from the string source_id that named them until now (which stays: it is the idempotency key).

Revision ID: 3673fb922d6e
Revises: ef18a79af19e
Create Date: 2026-12-02 18:03:11.697261

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3673fb922d6e"
down_revision = "ef18a79af19e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("module_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("course_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_ledger_entry_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_entry_module_id"), ["module_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_ledger_entry_module_id_module"), "module", ["module_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_ledger_entry_course_id_course"), "course", ["course_id"], ["id"])

    # Only entries that existed before this revision are filled in; every award since writes
    # its links itself. source_id of a module's or course's entry is the id, in digits.
    op.execute("""
        UPDATE ledger_entry SET
            module_id = CAST(source_id AS INTEGER),
            course_id = (SELECT module.course_id FROM module WHERE module.id = CAST(ledger_entry.source_id AS INTEGER))
        WHERE kind = 'module' AND source_type = 'module'
    """)
    op.execute("""
        UPDATE ledger_entry SET course_id = CAST(source_id AS INTEGER)
        WHERE kind = 'course' AND source_type = 'course'
    """)
    op.execute("""
        UPDATE ledger_entry SET
            module_id = (SELECT corrected.module_id FROM ledger_entry AS corrected
                         WHERE corrected.id = ledger_entry.reverses_id),
            course_id = (SELECT corrected.course_id FROM ledger_entry AS corrected
                         WHERE corrected.id = ledger_entry.reverses_id)
        WHERE kind = 'reversal'
    """)


def downgrade():
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_ledger_entry_course_id_course"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_ledger_entry_module_id_module"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_ledger_entry_module_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_entry_course_id"))
        batch_op.drop_column("course_id")
        batch_op.drop_column("module_id")
