-- Reports: a tree's above-ground biomass by Chave et al. 2014, AGB = 0.0673 (ρ D² H)^0.976
-- (D cm, H m, ρ g/cm³), H the tree's own or the Feldpausch et al. 2012 South-East Asia model
-- H = 57.122 (1 − exp(−0.0332 D^0.8468)); ρ the species' (migration 0021 loads it with its
-- basis), else 0.57, the tropical-Asia default. The variance of each estimate is
-- AGB² (exp(σ²) − 1) with σ = 0.357 on ln AGB, widened by the height model's 5.691 m error
-- when the height was modelled. The numbers are smarttrees.allometry's; a test holds the two
-- equal. huy_agb_kg is Huy et al. 2019's equations for Vietnam's dipterocarp forests (stem,
-- branch, foliage and bark), summed beside Chave's for Dipterocarpaceae as a comparison.
-- tree_tallies sums trees, and the measured trees and biomass of living ones (dead and
-- removed trees hold none), per commune, category, condition, species and month of planting, kept like the map's tallies (statement-level
-- triggers with transition tables); a species' new density recomputes its rows.
-- Writes: tree_tallies (trees and species triggers).
-- Written by: migration 0021.

CREATE OR REPLACE FUNCTION public.tree_height_m(dbh numeric, height numeric)
 RETURNS double precision
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  SELECT coalesce(height::float8,
                  57.122 * (1 - exp(-0.0332 * power(dbh::float8, 0.8468))))
$function$;

CREATE OR REPLACE FUNCTION public.tree_agb_kg(dbh numeric, height numeric, density numeric)
 RETURNS double precision
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  SELECT CASE WHEN dbh > 0 THEN
    0.0673 * power(coalesce(density, 0.57)::float8 * power(dbh::float8, 2)
                   * tree_height_m(dbh, height), 0.976) END
$function$;

CREATE OR REPLACE FUNCTION public.tree_agb_var(dbh numeric, height numeric, density numeric)
 RETURNS double precision
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  SELECT power(tree_agb_kg(dbh, height, density), 2)
         * (exp(power(0.357, 2) + CASE WHEN height IS NULL
                  THEN power(0.976 * 5.691 / tree_height_m(dbh, height), 2) ELSE 0 END) - 1)
$function$;

CREATE OR REPLACE FUNCTION public.huy_agb_kg(genus text, dbh numeric, height numeric, density numeric)
 RETURNS double precision
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  SELECT CASE WHEN dbh > 0 THEN CASE genus
    WHEN 'Dipterocarpus' THEN
      0.01831 * power(dbh::float8, 2.76361) + 0.00481 * power(dbh::float8, 2.96217)
      + 0.08921 * power(dbh::float8, 1.4384) + 0.00116 * power(dbh::float8, 3.1934)
    WHEN 'Shorea' THEN
      0.03925 * power(dbh::float8, 2.47118) + 0.0213 * power(dbh::float8, 2.49004)
      + 0.05119 * power(dbh::float8, 1.50629) + 0.31967 * power(dbh::float8, 1.4738)
    ELSE
      0.02548 * power(dbh::float8, 2.25377) * power(tree_height_m(dbh, height), 0.69531)
        * power(coalesce(density, 0.57)::float8, 0.95381)
      + 0.01097 * power(dbh::float8, 2.73663) + 0.04559 * power(dbh::float8, 1.63322)
      + 0.00399 * power(dbh::float8, 2.8367)
  END END
$function$;

CREATE OR REPLACE FUNCTION public.report_tally_sql(source text, sign integer)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
AS $function$
SELECT format($q$
INSERT INTO tree_tallies AS t (commune_id, category, condition, species_id, planted_month,
                               trees, with_dbh, height_estimated, inspected, agb_kg, agb_var,
                               dipterocarps, dipterocarps_agb_kg, dipterocarps_huy_kg)
SELECT r.commune_id, r.category, r.condition, r.species_id,
       CAST(date_trunc('month', r.planted_on) AS date),
       %2$s * count(*), %2$s * count(r.dbh_cm) FILTER (WHERE l.living),
       %2$s * count(r.dbh_cm) FILTER (WHERE l.living AND r.height_m IS NULL),
       %2$s * count(r.last_inspected_at),
       %2$s * coalesce(sum(tree_agb_kg(r.dbh_cm, r.height_m, s.wood_density))
                       FILTER (WHERE l.living), 0),
       %2$s * coalesce(sum(tree_agb_var(r.dbh_cm, r.height_m, s.wood_density))
                       FILTER (WHERE l.living), 0),
       %2$s * count(r.dbh_cm) FILTER (WHERE l.dipterocarp),
       %2$s * coalesce(sum(tree_agb_kg(r.dbh_cm, r.height_m, s.wood_density))
                       FILTER (WHERE l.dipterocarp), 0),
       %2$s * coalesce(sum(huy_agb_kg(split_part(s.scientific_name, ' ', 1), r.dbh_cm,
                                      r.height_m, s.wood_density))
                       FILTER (WHERE l.dipterocarp), 0)
  FROM %1$I AS r LEFT JOIN species AS s ON s.id = r.species_id,
       LATERAL (SELECT r.condition IS NULL OR r.condition NOT IN ('dead', 'removed')) AS v(alive),
       LATERAL (SELECT v.alive, v.alive AND s.family = 'Dipterocarpaceae') AS l(living, dipterocarp)
 GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (commune_id, category, condition, species_id, planted_month) DO UPDATE
   SET trees = t.trees + EXCLUDED.trees, with_dbh = t.with_dbh + EXCLUDED.with_dbh,
       height_estimated = t.height_estimated + EXCLUDED.height_estimated,
       inspected = t.inspected + EXCLUDED.inspected,
       agb_kg = t.agb_kg + EXCLUDED.agb_kg, agb_var = t.agb_var + EXCLUDED.agb_var,
       dipterocarps = t.dipterocarps + EXCLUDED.dipterocarps,
       dipterocarps_agb_kg = t.dipterocarps_agb_kg + EXCLUDED.dipterocarps_agb_kg,
       dipterocarps_huy_kg = t.dipterocarps_huy_kg + EXCLUDED.dipterocarps_huy_kg
$q$, source, sign)
$function$;

CREATE OR REPLACE FUNCTION public.trees_report_insert()
 RETURNS trigger
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
BEGIN EXECUTE report_tally_sql('new_rows', 1); RETURN NULL; END $function$;

CREATE OR REPLACE FUNCTION public.trees_report_delete()
 RETURNS trigger
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
BEGIN
  EXECUTE report_tally_sql('old_rows', -1);
  DELETE FROM tree_tallies WHERE trees = 0;
  RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.trees_report_update()
 RETURNS trigger
 LANGUAGE plpgsql
 SET jit TO 'off'
AS $function$
BEGIN
  EXECUTE report_tally_sql('old_rows', -1);
  EXECUTE report_tally_sql('new_rows', 1);
  DELETE FROM tree_tallies WHERE trees = 0;
  RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.species_report_density()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  DELETE FROM tree_tallies WHERE species_id = NEW.id;
  CREATE TEMP TABLE species_trees ON COMMIT DROP AS
    SELECT * FROM trees WHERE species_id = NEW.id;
  EXECUTE report_tally_sql('species_trees', 1);
  DROP TABLE species_trees;
  RETURN NULL;
END $function$;

CREATE TRIGGER species_report_density AFTER UPDATE OF wood_density ON species FOR EACH ROW WHEN (old.wood_density IS DISTINCT FROM new.wood_density) EXECUTE FUNCTION species_report_density();
CREATE TRIGGER trees_report_delete AFTER DELETE ON trees REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION trees_report_delete();
CREATE TRIGGER trees_report_insert AFTER INSERT ON trees REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION trees_report_insert();
CREATE TRIGGER trees_report_update AFTER UPDATE ON trees REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION trees_report_update();
