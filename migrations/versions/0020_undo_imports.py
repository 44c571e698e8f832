"""An import can be undone: the values it overwrote are kept (trees, stands, the stand a tree
stood in), and a batch can be undoing or undone.

Revision ID: 0020
Revises: 0019
"""

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def _enum(name: str) -> postgresql.ENUM:
    return postgresql.ENUM(name=name, create_type=False)


def _batch_column() -> sa.Column:
    return sa.Column(
        "batch_id",
        sa.Integer(),
        sa.ForeignKey("import_batches.id", ondelete="CASCADE"),
        primary_key=True,
    )


def upgrade():
    op.execute("ALTER TYPE import_status ADD VALUE IF NOT EXISTS 'undoing'")
    op.execute("ALTER TYPE import_status ADD VALUE IF NOT EXISTS 'undone'")
    op.create_table(
        "import_replaced_trees",
        _batch_column(),
        sa.Column(
            "tree_id",
            sa.BigInteger(),
            sa.ForeignKey("trees.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("species_id", sa.Integer()),
        sa.Column("species_raw", sa.String(160)),
        sa.Column("surveyed", postgresql.JSONB()),
        sa.Column("dbh_cm", sa.Numeric(5, 1)),
        sa.Column("height_m", sa.Numeric(4, 1)),
        sa.Column("crown_m", sa.Numeric(4, 1)),
        sa.Column("condition", _enum("tree_condition")),
        sa.Column("planted_on", sa.Date()),
        sa.Column("notes", sa.Text()),
        sa.Column("commune_id", sa.Integer()),
        sa.Column("stand_id", sa.Integer()),
        sa.Column("import_batch_id", sa.Integer()),
        sa.Column("category", _enum("tree_category"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer()),
        sa.Column(
            "geom",
            geoalchemy2.Geometry("POINT", srid=4326, spatial_index=False),
            nullable=True,
        ),
    )
    op.create_table(
        "import_replaced_stands",
        _batch_column(),
        sa.Column(
            "stand_id",
            sa.Integer(),
            sa.ForeignKey("stands.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("name", sa.String(120)),
        sa.Column("species_id", sa.Integer()),
        sa.Column("planting_year", sa.Integer()),
        sa.Column("density_per_ha", sa.Integer()),
        sa.Column("tieu_khu", sa.String(20)),
        sa.Column("khoanh", sa.String(20)),
        sa.Column("lo", sa.String(20)),
        sa.Column("owner", sa.String(160)),
        sa.Column("forest_function", _enum("forest_function")),
        sa.Column("declared_area_ha", sa.Numeric(12, 4)),
        sa.Column("import_batch_id", sa.Integer()),
        sa.Column(
            "geom",
            geoalchemy2.Geometry("MULTIPOLYGON", srid=4326, spatial_index=False),
            nullable=True,
        ),
    )
    op.create_table(
        "import_replaced_tree_stands",
        _batch_column(),
        sa.Column(
            "tree_id",
            sa.BigInteger(),
            sa.ForeignKey("trees.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("stand_id", sa.Integer()),
    )


def downgrade():
    op.drop_table("import_replaced_tree_stands")
    op.drop_table("import_replaced_stands")
    op.drop_table("import_replaced_trees")
    # PostgreSQL cannot drop a value from an enum; 'undoing' and 'undone' stay unused.
