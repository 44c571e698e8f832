"""A tree planted from a seedling lot names it (planting as tree points, not only in a stand).

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    # Nullable with no default: PostgreSQL adds it without rewriting a million rows.
    op.add_column("trees", sa.Column("seedling_lot_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_trees_seedling_lot_id_seedling_lots"),
        "trees",
        "seedling_lots",
        ["seedling_lot_id"],
        ["id"],
    )
    op.create_index(op.f("ix_trees_seedling_lot_id"), "trees", ["seedling_lot_id"])


def downgrade():
    op.drop_index(op.f("ix_trees_seedling_lot_id"), "trees")
    op.drop_column("trees", "seedling_lot_id")
