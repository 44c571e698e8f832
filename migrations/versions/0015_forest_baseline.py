"""EUDR evidence: a stand's earlier land use, and the forest at the 31 December 2020 cut-off as
a polygon layer.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("stands", sa.Column("earlier_land_use", sa.String(120)))
    op.create_table(
        "forest_baseline",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("forest_class", sa.String(20), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "geom",
            Geometry("MULTIPOLYGON", srid=4326, spatial_index=False),
            nullable=False,
        ),
    )
    op.create_index(
        "idx_forest_baseline_geom", "forest_baseline", ["geom"], postgresql_using="gist"
    )


def downgrade():
    op.drop_index("idx_forest_baseline_geom", "forest_baseline")
    op.drop_table("forest_baseline")
    op.drop_column("stands", "earlier_land_use")
