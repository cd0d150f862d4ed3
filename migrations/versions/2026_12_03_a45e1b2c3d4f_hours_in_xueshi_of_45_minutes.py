"""hours in 学时 of 45 minutes

Hours were shown in clock hours of 60 minutes while the hours rule counted 学时 of 45: now
every page shows 学时 of MINUTES_PER_XUESHI minutes (core.hours). The rollups keep hours as
shown in tenths, so they are refilled from their minutes by the new length, as the revision
that added them did: exact for a row of one entry, within a tenth per entry otherwise;
`flask stats rebuild` (which the README asks for after an upgrade) recomputes them exactly.

Revision ID: a45e1b2c3d4f
Revises: f6380f1d0141
Create Date: 2026-12-03 07:40:00.000000

"""

from alembic import op
from flask import current_app, has_app_context

# revision identifiers, used by Alembic.
revision = "a45e1b2c3d4f"
down_revision = "f6380f1d0141"
branch_labels = None
depends_on = None

TABLES = ("rollup", "rollup_subtree")


def _refill(per):
    # Half away from zero, as core.hours rounds: (20|m| + per) // (2 per), sign kept.
    for table in TABLES:
        op.execute(
            f"UPDATE {table} SET tenths = CASE WHEN minutes >= 0 THEN (minutes * 20 + {per}) / {2 * per} "
            f"ELSE -((-minutes * 20 + {per}) / {2 * per}) END"
        )


def upgrade():
    per = int(current_app.config.get("MINUTES_PER_XUESHI", 45)) if has_app_context() else 45
    _refill(per)


def downgrade():
    _refill(60)
