"""Imports settled by hand: species choices, units, cell fixes, the raw values of rows with
problems (to fix them in the browser), saved mappings; a file's coordinate system may be WKT.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("import_batches", "crs", type_=sa.Text(), existing_type=sa.String(40))
    for column in ("species_choices", "units", "edits"):
        op.add_column("import_batches", sa.Column(column, JSONB()))
    op.create_table(
        "import_row_values",
        sa.Column(
            "batch_id",
            sa.Integer(),
            sa.ForeignKey("import_batches.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("row_number", sa.Integer(), primary_key=True),
        sa.Column("values", JSONB(), nullable=False),
    )
    op.create_table(
        "saved_mappings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("columns", JSONB(), nullable=False),
        sa.Column("species", JSONB(), nullable=False, server_default="{}"),
        sa.Column("units", JSONB(), nullable=False, server_default="{}"),
        sa.Column("crs", sa.Text()),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint("name IS NFC NORMALIZED", name="name_nfc"),
    )


def downgrade():
    op.drop_table("saved_mappings")
    op.drop_table("import_row_values")
    for column in ("edits", "units", "species_choices"):
        op.drop_column("import_batches", column)
    op.alter_column("import_batches", "crs", type_=sa.String(40), existing_type=sa.Text())
