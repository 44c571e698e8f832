"""Reports: a tree's above-ground biomass in SQL (Chave et al. 2014, with the Feldpausch et al.
2012 South-East Asia height when none was measured; Huy et al. 2019 beside it for
dipterocarps), tallies of trees and biomass per commune, category, condition, species and month
of planting kept by statement-level triggers, the moment each tree was last inspected, and where
each species' wood density comes from.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op
from raw_sql import run_script
from sqlalchemy.dialects import postgresql

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# The numbers are smarttrees.allometry's (sql_params); a test holds the two equal.
FUNCTIONS = r"""
CREATE FUNCTION tree_height_m(dbh numeric, height numeric) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(height::float8,
                  57.122 * (1 - exp(-0.0332 * power(dbh::float8, 0.8468))))
$$;

CREATE FUNCTION tree_agb_kg(dbh numeric, height numeric, density numeric) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN dbh > 0 THEN
    0.0673 * power(coalesce(density, 0.57)::float8 * power(dbh::float8, 2)
                   * tree_height_m(dbh, height), 0.976) END
$$;

CREATE FUNCTION tree_agb_var(dbh numeric, height numeric, density numeric) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT power(tree_agb_kg(dbh, height, density), 2)
         * (exp(power(0.357, 2) + CASE WHEN height IS NULL
                  THEN power(0.976 * 5.691 / tree_height_m(dbh, height), 2) ELSE 0 END) - 1)
$$;

CREATE FUNCTION huy_agb_kg(genus text, dbh numeric, height numeric, density numeric)
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
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
$$;

CREATE FUNCTION report_tally_sql(source text, sign integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
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
$f$;

CREATE FUNCTION trees_report_insert() RETURNS trigger LANGUAGE plpgsql SET jit TO 'off' AS $$
BEGIN EXECUTE report_tally_sql('new_rows', 1); RETURN NULL; END $$;

CREATE FUNCTION trees_report_delete() RETURNS trigger LANGUAGE plpgsql SET jit TO 'off' AS $$
BEGIN
  EXECUTE report_tally_sql('old_rows', -1);
  DELETE FROM tree_tallies WHERE trees = 0;
  RETURN NULL;
END $$;

CREATE FUNCTION trees_report_update() RETURNS trigger LANGUAGE plpgsql SET jit TO 'off' AS $$
BEGIN
  EXECUTE report_tally_sql('old_rows', -1);
  EXECUTE report_tally_sql('new_rows', 1);
  DELETE FROM tree_tallies WHERE trees = 0;
  RETURN NULL;
END $$;

CREATE FUNCTION species_report_density() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM tree_tallies WHERE species_id = NEW.id;
  CREATE TEMP TABLE species_trees ON COMMIT DROP AS
    SELECT * FROM trees WHERE species_id = NEW.id;
  EXECUTE report_tally_sql('species_trees', 1);
  DROP TABLE species_trees;
  RETURN NULL;
END $$;

CREATE TRIGGER trees_report_insert AFTER INSERT ON trees REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION trees_report_insert();
CREATE TRIGGER trees_report_delete AFTER DELETE ON trees REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION trees_report_delete();
CREATE TRIGGER trees_report_update AFTER UPDATE ON trees
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION trees_report_update();
CREATE TRIGGER species_report_density AFTER UPDATE OF wood_density ON species
  FOR EACH ROW WHEN (OLD.wood_density IS DISTINCT FROM NEW.wood_density)
  EXECUTE FUNCTION species_report_density();

CREATE OR REPLACE FUNCTION trees_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE tree_cells, commune_tallies, tree_tallies;
  UPDATE tile_versions SET version = nextval('tile_version_seq');
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION apply_inspection() RETURNS trigger LANGUAGE plpgsql AS $$
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
END $$;
"""


# Growth from repeated inspections: each tree's first and last measured DBH (and height) at
# least half a year apart give a yearly increment, summed per species, age at the first of
# them (5-year classes), commune, category and year of planting. Refreshed by the job worker
# each night and by `flask reports refresh`: growth moves slowly, and a million inspections
# are too many to pair on every page.
GROWTH = r"""
CREATE MATERIALIZED VIEW growth_tallies AS
WITH pairs AS (
  SELECT i.tree_id, m.measure,
         (array_agg(m.value ORDER BY i.inspected_at))[1] AS first_value,
         (array_agg(m.value ORDER BY i.inspected_at DESC))[1] AS last_value,
         min(i.inspected_at) AS first_at, max(i.inspected_at) AS last_at
    FROM inspections AS i,
         LATERAL (VALUES ('dbh', i.dbh_cm), ('height', i.height_m)) AS m(measure, value)
   WHERE m.value IS NOT NULL
   GROUP BY 1, 2 HAVING count(*) >= 2
)
SELECT p.measure, t.species_id, t.commune_id, t.category,
       extract(year FROM t.planted_on)::int AS planted_year,
       (extract(year FROM p.first_at)::int - extract(year FROM t.planted_on)::int) / 5 * 5
         AS age_class,
       count(*)::int AS trees,
       sum((p.last_value - p.first_value)
           / (extract(epoch FROM p.last_at - p.first_at) / 31557600))::float8 AS yearly_sum
  FROM pairs AS p JOIN trees AS t ON t.id = p.tree_id
 WHERE p.last_at - p.first_at >= interval '182 days'
 GROUP BY 1, 2, 3, 4, 5, 6
WITH DATA;
CREATE INDEX ix_growth_tallies_species ON growth_tallies (species_id);
"""


def upgrade():
    op.add_column("species", sa.Column("wood_density_basis", sa.String(10)))
    op.add_column("trees", sa.Column("last_inspected_at", sa.DateTime(timezone=True)))
    op.create_table(
        "tree_tallies",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("commune_id", sa.Integer()),
        sa.Column("category", postgresql.ENUM(name="tree_category", create_type=False),
                  nullable=False),
        sa.Column("condition", postgresql.ENUM(name="tree_condition", create_type=False)),
        sa.Column("species_id", sa.Integer()),
        sa.Column("planted_month", sa.Date()),
        sa.Column("trees", sa.Integer(), nullable=False),
        sa.Column("with_dbh", sa.Integer(), nullable=False),
        sa.Column("height_estimated", sa.Integer(), nullable=False),
        sa.Column("inspected", sa.Integer(), nullable=False),
        sa.Column("agb_kg", sa.Float(), nullable=False),
        sa.Column("agb_var", sa.Float(), nullable=False),
        sa.Column("dipterocarps", sa.Integer(), nullable=False),
        sa.Column("dipterocarps_agb_kg", sa.Float(), nullable=False),
        sa.Column("dipterocarps_huy_kg", sa.Float(), nullable=False),
    )  # fmt: skip
    op.execute(
        "CREATE UNIQUE INDEX ux_tree_tallies_key ON tree_tallies "
        "(commune_id, category, condition, species_id, planted_month) NULLS NOT DISTINCT"
    )
    run_script(FUNCTIONS)
    op.execute(
        "UPDATE trees AS t SET last_inspected_at = i.latest FROM (SELECT tree_id, "
        "max(inspected_at) AS latest FROM inspections GROUP BY 1) AS i WHERE i.tree_id = t.id"
    )
    op.execute("DO $$ BEGIN EXECUTE report_tally_sql('trees', 1); END $$")
    run_script(GROWTH)


EARLIER = r"""
CREATE OR REPLACE FUNCTION trees_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE tree_cells, commune_tallies;
  UPDATE tile_versions SET version = nextval('tile_version_seq');
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION apply_inspection() RETURNS trigger LANGUAGE plpgsql AS $$
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
"""


def downgrade():
    op.execute("DROP MATERIALIZED VIEW IF EXISTS growth_tallies")
    run_script(EARLIER)
    for trigger, table in (
        ("trees_report_insert", "trees"),
        ("trees_report_delete", "trees"),
        ("trees_report_update", "trees"),
        ("species_report_density", "species"),
    ):
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
    for function in (
        "trees_report_insert()", "trees_report_delete()", "trees_report_update()",
        "species_report_density()", "report_tally_sql(text, integer)",
        "huy_agb_kg(text, numeric, numeric, numeric)",
        "tree_agb_var(numeric, numeric, numeric)", "tree_agb_kg(numeric, numeric, numeric)",
        "tree_height_m(numeric, numeric)",
    ):  # fmt: skip
        op.execute(f"DROP FUNCTION {function}")
    op.drop_table("tree_tallies")
    op.drop_column("trees", "last_inspected_at")
    op.drop_column("species", "wood_density_basis")
