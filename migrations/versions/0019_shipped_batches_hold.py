"""A batch on a product list is handed over: the database refuses to take wood from it (split,
process, merge) once it is listed, and refuses to list it when it changed since it was read.
Both sides lock the batch's row, so a split and a shipment at the same moment cannot both win.

Revision ID: 0019
Revises: 0018
"""

from raw_sql import run_script

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

UPGRADE = r"""
CREATE OR REPLACE FUNCTION take_batch_volume() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE product_batches SET remaining_m3 = remaining_m3 - NEW.volume_m3
   WHERE id = NEW.parent_id;
  IF EXISTS (SELECT 1 FROM shipment_items WHERE batch_id = NEW.parent_id) THEN
    RAISE EXCEPTION 'batch % left on a product list', NEW.parent_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'shipped_batch_unchanged';
  END IF;
  RETURN NEW;
END $$;

CREATE FUNCTION list_whole_batch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  left_now numeric;
BEGIN
  SELECT remaining_m3 INTO left_now FROM product_batches WHERE id = NEW.batch_id FOR UPDATE;
  IF left_now IS DISTINCT FROM NEW.volume_m3 THEN
    RAISE EXCEPTION 'batch % holds % m3, the list says %', NEW.batch_id, left_now, NEW.volume_m3
      USING ERRCODE = 'check_violation', CONSTRAINT = 'listed_as_it_is';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER shipment_items_whole_batch BEFORE INSERT ON shipment_items
  FOR EACH ROW EXECUTE FUNCTION list_whole_batch();
"""

DOWNGRADE = r"""
DROP TRIGGER shipment_items_whole_batch ON shipment_items;
DROP FUNCTION list_whole_batch();
CREATE OR REPLACE FUNCTION take_batch_volume() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE product_batches SET remaining_m3 = remaining_m3 - NEW.volume_m3
   WHERE id = NEW.parent_id;
  RETURN NEW;
END $$;
"""


def upgrade():
    run_script(UPGRADE)


def downgrade():
    run_script(DOWNGRADE)
