"""What an import is doing now (reading the file, checking in the database, writing trees),
so a province-sized import shows more than a full progress bar for its last minute.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("import_batches", sa.Column("step", sa.String(20)))


def downgrade():
    op.drop_column("import_batches", "step")
