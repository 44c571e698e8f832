"""Import batches remember their uploaded file, the category of their trees and a failure.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("import_batches", sa.Column("stored_path", sa.String(length=500)))
    op.add_column("import_batches", sa.Column("category", sa.String(length=20)))
    op.add_column("import_batches", sa.Column("failure", sa.Text()))


def downgrade():
    op.drop_column("import_batches", "failure")
    op.drop_column("import_batches", "category")
    op.drop_column("import_batches", "stored_path")
