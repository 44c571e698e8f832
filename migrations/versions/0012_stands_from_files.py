"""Stands imported from polygon files: each remembers the file it came from and its id there
(a re-import updates it), the area the file declared; an import batch says what it holds.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("stands", sa.Column("source", sa.String(80)))
    op.add_column("stands", sa.Column("external_id", sa.String(120)))
    op.add_column("stands", sa.Column("declared_area_ha", sa.Numeric(12, 4)))
    op.add_column(
        "stands",
        sa.Column(
            "import_batch_id",
            sa.Integer(),
            sa.ForeignKey("import_batches.id", name="fk_stands_import_batch_id_import_batches"),
        ),
    )
    op.create_unique_constraint("uq_stands_source_external_id", "stands", ["source", "external_id"])
    op.add_column(
        "import_batches",
        sa.Column("kind", sa.String(10), server_default="trees", nullable=False),
    )
    op.execute(
        "ALTER TABLE import_batches ADD CONSTRAINT ck_import_batches_kind "
        "CHECK (kind IN ('trees', 'stands'))"
    )


def downgrade():
    op.execute("ALTER TABLE import_batches DROP CONSTRAINT ck_import_batches_kind")
    op.drop_column("import_batches", "kind")
    op.drop_constraint("uq_stands_source_external_id", "stands")
    op.drop_column("stands", "import_batch_id")
    op.drop_column("stands", "declared_area_ha")
    op.drop_column("stands", "external_id")
    op.drop_column("stands", "source")
