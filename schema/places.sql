-- The commune and stand of a point, found spatially on every write of a tree or a stand.
-- Bulk loaders (the demo, the survey import) set smarttrees.bulk_places = 'on' for their
-- transaction and assign places set-wise instead of once per row.
-- Writes: trees.commune_id, trees.stand_id, stands.commune_id (BEFORE triggers: the row itself).
-- Written by: migration 0002.

CREATE OR REPLACE FUNCTION public.commune_at(point geometry)
 RETURNS integer
 LANGUAGE sql
 STABLE
AS $function$
  SELECT id FROM admin_units
   WHERE level <> 'province' AND ST_Intersects(geom, point)
   ORDER BY id LIMIT 1
$function$;

CREATE OR REPLACE FUNCTION public.assign_tree_places()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF coalesce(current_setting('smarttrees.bulk_places', true), '') = 'on' THEN
    RETURN NEW;
  END IF;
  NEW.commune_id := commune_at(NEW.geom);
  NEW.stand_id := (SELECT id FROM stands WHERE ST_Intersects(geom, NEW.geom)
                    ORDER BY id LIMIT 1);
  RETURN NEW;
END $function$;

CREATE TRIGGER trees_assign_places BEFORE INSERT OR UPDATE OF geom ON trees FOR EACH ROW EXECUTE FUNCTION assign_tree_places();

CREATE OR REPLACE FUNCTION public.assign_stand_commune()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  NEW.commune_id := commune_at(ST_PointOnSurface(NEW.geom));
  RETURN NEW;
END $function$;

CREATE TRIGGER stands_assign_commune BEFORE INSERT OR UPDATE OF geom ON stands FOR EACH ROW EXECUTE FUNCTION assign_stand_commune();
