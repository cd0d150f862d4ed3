"""Certificates sent as prior-learning evidence live in storage (core/storage.py), named by a key.

Rows sent before keep their bytes in `data`; `flask media migrate` moves them.

Revision ID: dd0ee617034a
Revises: d5f3fee44b54
Create Date: 2026-12-03 07:07:59.613745

"""

import sqlalchemy as sa
from alembic import op

revision = "dd0ee617034a"
down_revision = "d5f3fee44b54"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("prior_learning_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table("prior_learning_file", schema=None) as batch_op:
        batch_op.drop_column("key")
