"""A batch leaves on one shipment: loading it on a vehicle hands it over, so the same wood cannot
be listed on a second bảng kê (two clerks at once included: the database refuses the second).

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    # Shipments exist since 0014 of this same release; a batch listed twice there keeps its
    # first list only.
    op.execute(
        "DELETE FROM shipment_items later USING shipment_items first "
        "WHERE later.batch_id = first.batch_id AND later.shipment_id > first.shipment_id"
    )
    op.create_unique_constraint(
        op.f("uq_shipment_items_batch_id"), "shipment_items", ["batch_id"]
    )


def downgrade():
    op.drop_constraint(op.f("uq_shipment_items_batch_id"), "shipment_items")
