"""The job queue's tables (procrastinate), so the worker needs no set-up of its own.

Upgrading procrastinate later means adding a revision that applies its migration files.

Revision ID: 0003
Revises: 0002
"""

from procrastinate.schema import SchemaManager
from raw_sql import run_script

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DROP_QUEUE_OBJECTS = r"""
DO $$
DECLARE item record;
BEGIN
  FOR item IN SELECT tablename FROM pg_tables
               WHERE schemaname = 'public' AND tablename LIKE 'procrastinate%' LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', item.tablename);
  END LOOP;
  FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = 'public' AND p.proname LIKE 'procrastinate%' LOOP
    EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', item.signature);
  END LOOP;
  FOR item IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
               WHERE n.nspname = 'public' AND t.typname LIKE 'procrastinate%'
                 AND t.typtype IN ('e', 'c', 'd') LOOP
    EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', item.typname);
  END LOOP;
END $$;
"""


def upgrade():
    run_script(SchemaManager.get_schema())


def downgrade():
    run_script(DROP_QUEUE_OBJECTS)
