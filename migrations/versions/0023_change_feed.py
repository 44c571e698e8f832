"""The change feed: a row per tree, inspection, stand, seedling lot or product batch created,
updated or deleted, written by statement-level triggers with transition tables (one INSERT per
statement, so a bulk import writes its changes set-wise).

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op
from raw_sql import run_script

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

# table → (the feed's name for it, the id shown)
FOLLOWED = {
    "trees": ("trees", "code"),
    "inspections": ("inspections", "id::text"),
    "stands": ("stands", "id::text"),
    "seedling_lots": ("lots", "code"),
    "product_batches": ("batches", "code"),
}

FUNCTION = r"""
CREATE FUNCTION record_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- TG_ARGV: the feed's name for the table, the expression of the id shown.
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('INSERT INTO changes (entity, entity_id, action) '
                   'SELECT %L, %s, ''created'' FROM new_rows', TG_ARGV[0], TG_ARGV[1]);
  ELSIF TG_OP = 'UPDATE' THEN
    EXECUTE format('INSERT INTO changes (entity, entity_id, action) '
                   'SELECT %L, %s, ''updated'' FROM new_rows', TG_ARGV[0], TG_ARGV[1]);
  ELSE
    EXECUTE format('INSERT INTO changes (entity, entity_id, action) '
                   'SELECT %L, %s, ''deleted'' FROM old_rows', TG_ARGV[0], TG_ARGV[1]);
  END IF;
  RETURN NULL;
END $$;
"""


def _triggers(table: str, entity: str, shown: str) -> str:
    args = f"'{entity}', '{shown}'"
    return (
        f"CREATE TRIGGER {table}_feed_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS "
        f"new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes({args});\n"
        f"CREATE TRIGGER {table}_feed_update AFTER UPDATE ON {table} REFERENCING NEW TABLE AS "
        f"new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes({args});\n"
        f"CREATE TRIGGER {table}_feed_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS "
        f"old_rows FOR EACH STATEMENT EXECUTE FUNCTION record_changes({args});\n"
    )


def upgrade():
    op.create_table(
        "changes",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(40), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    run_script(FUNCTION + "".join(_triggers(t, *how) for t, how in FOLLOWED.items()))


def downgrade():
    for table in FOLLOWED:
        for action in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER {table}_feed_{action} ON {table}")
    op.execute("DROP FUNCTION record_changes()")
    op.drop_table("changes")
