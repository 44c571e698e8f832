"""A tree keeps, as the survey file wrote them, the values that could not be read (and size
classes): they no longer block the tree. Survey size classes ("07-12") read as their middle.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

CLASS_MIDDLE_SQL = r"""
CREATE FUNCTION import_class_middle(t text) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN t ~ '^\s*[0-9]{1,4}([.,][0-9]+)?\s*[-–]\s*[0-9]{1,4}([.,][0-9]+)?\s*$'
            THEN (import_number(btrim(split_part(translate(t, '–', '-'), '-', 1)))
                  + import_number(btrim(split_part(translate(t, '–', '-'), '-', 2)))) / 2 END;
"""


def upgrade():
    op.add_column("trees", sa.Column("surveyed", JSONB()))
    op.execute(CLASS_MIDDLE_SQL)


def downgrade():
    op.execute("DROP FUNCTION IF EXISTS import_class_middle(text)")
    op.drop_column("trees", "surveyed")
