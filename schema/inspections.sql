-- A tree's current values follow its latest inspection. An older inspection synced late does
-- not overwrite newer values; a "moved" inspection relocates the tree (which then finds its
-- commune and stand again through places.sql).
-- Writes: trees (dbh_cm, height_m, crown_m, condition, geom, last_inspected_at, updated_at,
-- updated_by_id).
-- Written by: migrations 0002 and 0021.

CREATE OR REPLACE FUNCTION public.apply_inspection()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
    last_inspected_at = NEW.inspected_at,
    updated_at = now(),
    updated_by_id = coalesce(NEW.inspector_id, updated_by_id)
  WHERE id = NEW.tree_id;
  RETURN NEW;
END $function$;

CREATE TRIGGER inspections_update_tree AFTER INSERT ON inspections FOR EACH ROW EXECUTE FUNCTION apply_inspection();
