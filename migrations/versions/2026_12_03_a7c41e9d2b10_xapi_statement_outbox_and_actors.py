"""The xAPI outbox: statements waiting for the Learning Record Store, and each person's opaque actor name.

Revision ID: a7c41e9d2b10
Revises: 2e66fccffb7b
Create Date: 2026-12-03 10:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c41e9d2b10"
down_revision = "2e66fccffb7b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "xapi_actor",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_xapi_actor_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_xapi_actor")),
        sa.UniqueConstraint("name", name=op.f("uq_xapi_actor_name")),
    )
    op.create_table(
        "xapi_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("statement", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('queued', 'refused')", name=op.f("ck_xapi_statement_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_statement")),
        sa.UniqueConstraint("statement_id", name=op.f("uq_xapi_statement_statement_id")),
    )
    op.create_index("ix_xapi_statement_due", "xapi_statement", ["status", "not_before_at", "id"], unique=False)


def downgrade():
    op.drop_index("ix_xapi_statement_due", table_name="xapi_statement")
    op.drop_table("xapi_statement")
    op.drop_table("xapi_actor")
