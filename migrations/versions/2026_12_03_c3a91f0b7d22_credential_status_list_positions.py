"""Each credential's position in the published revocation list (Bitstring Status List), drawn at random.

Credentials issued before get theirs here, distinct and at random, as new ones do.

Revision ID: c3a91f0b7d22
Revises: e1fb7d4ebce3
Create Date: 2026-12-03 14:10:00.000000

"""

import random

import sqlalchemy as sa
from alembic import op

revision = "c3a91f0b7d22"
down_revision = "e1fb7d4ebce3"
branch_labels = None
depends_on = None

LIST_SIZE = 131_072  # recognition/status_list.py; copied, as a migration must not change with the code


def upgrade():
    with op.batch_alter_table("credential", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_index", sa.Integer(), nullable=True))
    connection = op.get_bind()
    credential = sa.table("credential", sa.column("id", sa.Integer), sa.column("status_index", sa.Integer))
    ids = connection.execute(sa.select(credential.c.id)).scalars().all()
    capacity = LIST_SIZE * (len(ids) // (LIST_SIZE // 2) + 1)
    for row_id, index in zip(ids, random.SystemRandom().sample(range(capacity), len(ids)), strict=True):
        connection.execute(sa.update(credential).where(credential.c.id == row_id).values(status_index=index))
    with op.batch_alter_table("credential", schema=None) as batch_op:
        batch_op.alter_column("status_index", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_credential_status_index"), ["status_index"])


def downgrade():
    with op.batch_alter_table("credential", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_credential_status_index"), type_="unique")
        batch_op.drop_column("status_index")
