"""Rules the database enforces itself: append-only ledgers, lot stock, places of trees, codes.

Revision ID: 0002
Revises: 0001
"""

from raw_sql import run_script

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UPGRADE = r"""
-- Code sequences: trees, seedling lots and product batches draw numbers that become codes.
CREATE SEQUENCE tree_code_seq;
CREATE SEQUENCE lot_code_seq;
CREATE SEQUENCE product_code_seq;

-- History is appended, never rewritten.
CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER inspections_append_only BEFORE UPDATE OR DELETE ON inspections
  FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER lot_events_append_only BEFORE UPDATE OR DELETE ON lot_events
  FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_history_change();

-- A lot's stock moves with its ledger; the CHECK on seedling_lots refuses an overdraft,
-- and the row lock taken by the UPDATE orders concurrent events on one lot.
CREATE FUNCTION apply_lot_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE seedling_lots
     SET quantity_on_hand = quantity_on_hand + NEW.stock_change * NEW.quantity
   WHERE id = NEW.lot_id;
  RETURN NEW;
END $$;
CREATE TRIGGER lot_events_move_stock AFTER INSERT ON lot_events
  FOR EACH ROW EXECUTE FUNCTION apply_lot_event();

-- The commune (and stand) of a point, found spatially. Bulk loaders may set
-- smarttrees.bulk_places = 'on' for their transaction and assign places set-wise instead.
CREATE FUNCTION commune_at(point geometry) RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT id FROM admin_units
   WHERE level <> 'province' AND ST_Intersects(geom, point)
   ORDER BY id LIMIT 1
$$;
CREATE FUNCTION assign_tree_places() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('smarttrees.bulk_places', true), '') = 'on' THEN
    RETURN NEW;
  END IF;
  NEW.commune_id := commune_at(NEW.geom);
  NEW.stand_id := (SELECT id FROM stands WHERE ST_Intersects(geom, NEW.geom)
                    ORDER BY id LIMIT 1);
  RETURN NEW;
END $$;
CREATE TRIGGER trees_assign_places BEFORE INSERT OR UPDATE OF geom ON trees
  FOR EACH ROW EXECUTE FUNCTION assign_tree_places();

CREATE FUNCTION assign_stand_commune() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.commune_id := commune_at(ST_PointOnSurface(NEW.geom));
  RETURN NEW;
END $$;
CREATE TRIGGER stands_assign_commune BEFORE INSERT OR UPDATE OF geom ON stands
  FOR EACH ROW EXECUTE FUNCTION assign_stand_commune();

-- A tree's current values follow its latest inspection (an older one synced late does not
-- overwrite newer values); a "moved" inspection relocates the tree.
CREATE FUNCTION apply_inspection() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM inspections
              WHERE tree_id = NEW.tree_id AND id <> NEW.id
                AND inspected_at > NEW.inspected_at) THEN
    RETURN NEW;
  END IF;
  UPDATE trees SET
    dbh_cm = coalesce(NEW.dbh_cm, dbh_cm),
    height_m = coalesce(NEW.height_m, height_m),
    crown_m = coalesce(NEW.crown_m, crown_m),
    condition = coalesce(NEW.condition, condition),
    geom = CASE WHEN NEW.moved AND NEW.geom IS NOT NULL THEN NEW.geom ELSE geom END,
    updated_at = now(),
    updated_by_id = coalesce(NEW.inspector_id, updated_by_id)
  WHERE id = NEW.tree_id;
  RETURN NEW;
END $$;
CREATE TRIGGER inspections_update_tree AFTER INSERT ON inspections
  FOR EACH ROW EXECUTE FUNCTION apply_inspection();
"""

DOWNGRADE = r"""
DROP TRIGGER IF EXISTS inspections_update_tree ON inspections;
DROP FUNCTION IF EXISTS apply_inspection();
DROP TRIGGER IF EXISTS stands_assign_commune ON stands;
DROP FUNCTION IF EXISTS assign_stand_commune();
DROP TRIGGER IF EXISTS trees_assign_places ON trees;
DROP FUNCTION IF EXISTS assign_tree_places();
DROP FUNCTION IF EXISTS commune_at(geometry);
DROP TRIGGER IF EXISTS lot_events_move_stock ON lot_events;
DROP FUNCTION IF EXISTS apply_lot_event();
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
DROP TRIGGER IF EXISTS lot_events_append_only ON lot_events;
DROP TRIGGER IF EXISTS inspections_append_only ON inspections;
DROP FUNCTION IF EXISTS refuse_history_change();
DROP SEQUENCE IF EXISTS product_code_seq;
DROP SEQUENCE IF EXISTS lot_code_seq;
DROP SEQUENCE IF EXISTS tree_code_seq;
"""


def upgrade():
    run_script(UPGRADE)


def downgrade():
    run_script(DOWNGRADE)
