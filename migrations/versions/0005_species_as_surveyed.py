"""Trees keep the species name as surveyed when it is not in the species list.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("trees", sa.Column("species_raw", sa.String(length=160), nullable=True))


def downgrade():
    op.drop_column("trees", "species_raw")
