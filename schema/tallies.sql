-- Map tallies: trees per map cell (zoom 6 to 14) and per commune, and the version of each area
-- of the map, kept by statement-level triggers with transition tables, so one edited tree and
-- a COPY of a million take the same path. tally_trees_sql builds the statement that adds
-- (sign +1) or removes (-1) the trees of a relation: cells are summed at zoom 14 and shifted up.
-- The triggers run with jit = off: compiling every tally statement cost about 0.5 s, even for
-- one tree. Cells that a delete or a move empties are dropped.
-- Writes: tree_cells, commune_tallies, tile_versions (tree triggers); layer_versions (stands,
-- admin_units).
-- Written by: migrations 0004 and 0008.

CREATE OR REPLACE FUNCTION public.tally_trees_sql(source text, sign integer)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
AS $function$
SELECT format($q$
WITH m AS (
  SELECT ST_X(p) AS x, ST_Y(p) AS y, category, condition, species_id, commune_id
    FROM (SELECT ST_Transform(geom, 3857) AS p, category, condition, species_id, commune_id
            FROM %1$I) AS r
), finest AS (
  SELECT floor((x + 20037508.342789244) * (%3$s << %5$s) / 40075016.68557849)::int AS cx,
         floor((20037508.342789244 - y) * (%3$s << %5$s) / 40075016.68557849)::int AS cy,
         category, condition, species_id, count(*) AS n, sum(x) AS sx, sum(y) AS sy
    FROM m GROUP BY 1, 2, 3, 4, 5
), cells AS (
  INSERT INTO tree_cells AS c (zoom, cx, cy, category, condition, species_id, trees, sum_x, sum_y)
  SELECT z, cx >> (%5$s - z), cy >> (%5$s - z), category, condition, species_id,
         %2$s * sum(n), %2$s * sum(sx), %2$s * sum(sy)
    FROM finest CROSS JOIN generate_series(%4$s, %5$s) AS z
   GROUP BY 1, 2, 3, 4, 5, 6
   ORDER BY 1, 2, 3
  ON CONFLICT (zoom, cx, cy, category, condition, species_id) DO UPDATE
     SET trees = c.trees + EXCLUDED.trees, sum_x = c.sum_x + EXCLUDED.sum_x,
         sum_y = c.sum_y + EXCLUDED.sum_y
  RETURNING 1
), communes AS (
  INSERT INTO commune_tallies AS t (commune_id, category, condition, trees)
  SELECT commune_id, category, condition, %2$s * count(*) FROM m
   WHERE commune_id IS NOT NULL GROUP BY 1, 2, 3
  ON CONFLICT (commune_id, category, condition) DO UPDATE SET trees = t.trees + EXCLUDED.trees
  RETURNING 1
), versions AS (
  INSERT INTO tile_versions AS v (x, y, version)
  SELECT DISTINCT floor((x + 20037508.342789244) * %6$s / 40075016.68557849)::int,
         floor((20037508.342789244 - y) * %6$s / 40075016.68557849)::int,
         (SELECT nextval('tile_version_seq'))
    FROM m
  ON CONFLICT (x, y) DO UPDATE SET version = EXCLUDED.version
  RETURNING 1
)
SELECT (SELECT count(*) FROM cells) + (SELECT count(*) FROM communes)
       + (SELECT count(*) FROM versions)
$q$, source, sign, 8, 6, 14, 4096)
$function$;

CREATE OR REPLACE FUNCTION public.trees_tally_insert()
 RETURNS trigger
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
BEGIN EXECUTE tally_trees_sql('new_rows', 1); RETURN NULL; END $function$;

CREATE TRIGGER trees_tally_insert AFTER INSERT ON trees REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION trees_tally_insert();

CREATE OR REPLACE FUNCTION public.trees_tally_delete()
 RETURNS trigger
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
BEGIN
  EXECUTE tally_trees_sql('old_rows', -1);
  DELETE FROM tree_cells WHERE trees = 0;
  DELETE FROM commune_tallies WHERE trees = 0;
  RETURN NULL;
END $function$;

CREATE TRIGGER trees_tally_delete AFTER DELETE ON trees REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION trees_tally_delete();

CREATE OR REPLACE FUNCTION public.trees_tally_update()
 RETURNS trigger
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
BEGIN
  EXECUTE tally_trees_sql('old_rows', -1);
  EXECUTE tally_trees_sql('new_rows', 1);
  DELETE FROM tree_cells WHERE trees = 0;
  DELETE FROM commune_tallies WHERE trees = 0;
  RETURN NULL;
END $function$;

CREATE TRIGGER trees_tally_update AFTER UPDATE ON trees REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION trees_tally_update();

CREATE OR REPLACE FUNCTION public.trees_tally_truncate()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  TRUNCATE tree_cells, commune_tallies, tree_tallies;
  UPDATE tile_versions SET version = nextval('tile_version_seq');
  RETURN NULL;
END $function$;

CREATE TRIGGER trees_tally_truncate AFTER TRUNCATE ON trees FOR EACH STATEMENT EXECUTE FUNCTION trees_tally_truncate();

CREATE OR REPLACE FUNCTION public.bump_layer_version()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  INSERT INTO layer_versions (layer, version) VALUES (TG_ARGV[0], nextval('tile_version_seq'))
  ON CONFLICT (layer) DO UPDATE SET version = EXCLUDED.version;
  RETURN NULL;
END $function$;

CREATE TRIGGER stands_layer_version AFTER INSERT OR DELETE OR UPDATE ON stands FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version('stands');

CREATE TRIGGER admin_units_layer_version AFTER INSERT OR DELETE OR UPDATE ON admin_units FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version('communes');
