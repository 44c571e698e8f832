"""Field users assigned to communes (a field user with none works everywhere), and commune
names an admin corrected, which the reference loader then keeps.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_communes",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "commune_id", name="pk_user_communes"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_user_communes_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["admin_units.id"],
            name="fk_user_communes_commune_id_admin_units",
            ondelete="CASCADE",
        ),
    )
    # The communes page counts the field users of each commune.
    op.create_index("ix_user_communes_commune_id", "user_communes", ["commune_id"])
    op.add_column(
        "admin_units", sa.Column("name_corrected_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade():
    op.drop_column("admin_units", "name_corrected_at")
    op.drop_table("user_communes")
