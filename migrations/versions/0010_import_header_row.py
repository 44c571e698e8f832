"""An import batch may name the row of its sheet that holds the column names (otherwise the
header is found below any letterhead and title rows).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("import_batches", sa.Column("header_row", sa.Integer()))


def downgrade():
    op.drop_column("import_batches", "header_row")
