"""Province-sized imports: survey values parsed in SQL, tree codes made in SQL, and map tallies
summed once at their finest zoom (14) and shifted up to the coarser ones.

Zooms 15-17 are no longer tallied: a scattered tree had a cell of its own there, so a province
import wrote as many tally rows as trees. Dense tiles at those zooms are clustered live from
the trees (a tile there is at most 1.2 km wide).

The parsing functions are SQL expressions (inlined by the planner, so a million rows cost no
function calls) and mirror what survey files hold: decimal commas, dot or space thousands,
dates day first, ISO or Excel serials. A text that does not parse gives NULL, never an error.

Revision ID: 0008
Revises: 0007
"""

from alembic import op
from raw_sql import run_script

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MIN_ZOOM, OLD_MAX_ZOOM, MAX_ZOOM, CELLS_PER_TILE, VERSION_TILES = 6, 17, 14, 8, 2**12

FUNCTIONS_SQL = r"""
-- '12,5' '1.234,5' '1 234.5' → 12.5, 1234.5, 1234.5: the last separator is the decimal one.
CREATE FUNCTION import_decimal(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
  WHEN strpos(t, ',') > 0 AND strpos(t, '.') > 0 THEN
    CASE WHEN strpos(reverse(t), ',') < strpos(reverse(t), '.')
         THEN replace(replace(t, '.', ''), ',', '.')
         ELSE replace(t, ',', '') END
  ELSE replace(t, ',', '.') END;

CREATE FUNCTION import_number(t text) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
  WHEN t ~ '^-?[0-9]{1,15}(\.[0-9]{1,15})?$' THEN t::float8  -- the common case, quickly
  WHEN length(t) <= 40 AND import_decimal(translate(t, E' \u00a0', ''))
       ~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,2})?$'
  THEN import_decimal(translate(t, E' \u00a0', ''))::float8 END;

-- A calendar date or NULL (31/02 is NULL, not an error).
CREATE FUNCTION import_make_date(y integer, m integer, d integer) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN y BETWEEN 1 AND 9999 AND m BETWEEN 1 AND 12 AND d >= 1 AND d <= CASE
  WHEN m = 2 THEN 28 + (y % 4 = 0 AND (y % 100 <> 0 OR y % 400 = 0))::integer
  ELSE 30 + (m + m / 8) % 2 END  -- 31 days in Jan, Mar, May, Jul, Aug, Oct, Dec
  THEN make_date(y, m, d) END;

-- dd/mm/yyyy (also . or -, two-digit years are 20yy), yyyy-mm-dd…, a bare year, Excel serials.
CREATE FUNCTION import_date(t text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
  WHEN t ~ '^[0-9]{1,2}[/.-][0-9]{1,2}[/.-]([0-9]{2}|[0-9]{4})$' THEN import_make_date(
       split_part(translate(t, '/.', '--'), '-', 3)::integer
         + CASE WHEN length(split_part(translate(t, '/.', '--'), '-', 3)) = 2 THEN 2000 ELSE 0 END,
       split_part(translate(t, '/.', '--'), '-', 2)::integer,
       split_part(translate(t, '/.', '--'), '-', 1)::integer)
  WHEN t ~ '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}' THEN import_make_date(
       split_part(t, '-', 1)::integer, split_part(t, '-', 2)::integer,
       substring(split_part(t, '-', 3) FROM '^[0-9]+')::integer)
  WHEN t ~ '^[0-9]{4}$' THEN import_make_date(t::integer, 1, 1)
  WHEN t ~ '^[0-9]{5}(\.[0-9]+)?$' AND t::numeric > 20000 AND t::numeric < 80000
  THEN date '1899-12-30' + floor(t::numeric)::integer
END;

-- The tree code of a sequence number: six base-31 digits and the mod-31 check character
-- (the same as smarttrees.labels.codes.encode; weights 1..7, 9 is the inverse of 7 mod 31).
CREATE FUNCTION tree_code(n bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN substr('0123456789ABCDEFGHJKMNPQRSTVWXY', (n / 28629151 % 31)::integer + 1, 1)
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXY', (n / 923521 % 31)::integer + 1, 1)
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXY', (n / 29791 % 31)::integer + 1, 1)
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXY', (n / 961 % 31)::integer + 1, 1)
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXY', (n / 31 % 31)::integer + 1, 1)
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXY', (n % 31)::integer + 1, 1)
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXY', ((31 - (9 * (
         1 * (n / 28629151 % 31) + 2 * (n / 923521 % 31) + 3 * (n / 29791 % 31)
         + 4 * (n / 961 % 31) + 5 * (n / 31 % 31) + 6 * (n % 31))) % 31) % 31)::integer + 1, 1);
"""

DROP_FUNCTIONS_SQL = """
DROP FUNCTION IF EXISTS tree_code(bigint);
DROP FUNCTION IF EXISTS import_date(text);
DROP FUNCTION IF EXISTS import_make_date(integer, integer, integer);
DROP FUNCTION IF EXISTS import_number(text);
DROP FUNCTION IF EXISTS import_decimal(text);
"""

# Web mercator: x, y in metres within ±HALF; a cell at zoom z is WORLD / (8 · 2^z) wide, so
# a cell at zoom z - k is the cell at zoom z shifted right by k bits.
TALLY_SQL = r"""
CREATE OR REPLACE FUNCTION tally_trees_sql(source text, sign integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
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
$q$, source, sign, @CELLS@, @MIN_ZOOM@, @MAX_ZOOM@, @VERSION_TILES@)
$fn$;
"""


# Cells a delete or a move empties are dropped, so the tallies stay as small as the trees
# (they used to keep every emptied cell). JIT compiling the tally statement costs more than
# it saves (its cost estimate is high on any transition table, even of one row).
TRIGGERS_SQL = r"""
CREATE INDEX ix_tree_cells_empty ON tree_cells (id) WHERE trees = 0;
DELETE FROM tree_cells WHERE trees = 0;
DELETE FROM commune_tallies WHERE trees = 0;
CREATE OR REPLACE FUNCTION trees_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE tally_trees_sql('old_rows', -1);
  DELETE FROM tree_cells WHERE trees = 0;
  DELETE FROM commune_tallies WHERE trees = 0;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION trees_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE tally_trees_sql('old_rows', -1);
  EXECUTE tally_trees_sql('new_rows', 1);
  DELETE FROM tree_cells WHERE trees = 0;
  DELETE FROM commune_tallies WHERE trees = 0;
  RETURN NULL;
END $$;
ALTER FUNCTION trees_tally_insert() SET jit = off;
ALTER FUNCTION trees_tally_delete() SET jit = off;
ALTER FUNCTION trees_tally_update() SET jit = off;
"""

OLD_TRIGGERS_SQL = r"""
DROP INDEX IF EXISTS ix_tree_cells_empty;
CREATE OR REPLACE FUNCTION trees_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN EXECUTE tally_trees_sql('old_rows', -1); RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION trees_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE tally_trees_sql('old_rows', -1);
  EXECUTE tally_trees_sql('new_rows', 1);
  RETURN NULL;
END $$;
ALTER FUNCTION trees_tally_insert() RESET jit;
ALTER FUNCTION trees_tally_delete() RESET jit;
ALTER FUNCTION trees_tally_update() RESET jit;
"""


def _tally_sql(max_zoom: int) -> str:
    values = {
        "@CELLS@": CELLS_PER_TILE,
        "@MIN_ZOOM@": MIN_ZOOM,
        "@MAX_ZOOM@": max_zoom,
        "@VERSION_TILES@": VERSION_TILES,
    }
    sql = TALLY_SQL
    for name, value in values.items():
        sql = sql.replace(name, str(value))
    return sql


def upgrade():
    run_script(FUNCTIONS_SQL)
    run_script(_tally_sql(MAX_ZOOM))
    op.execute(f"DELETE FROM tree_cells WHERE zoom > {MAX_ZOOM}")
    run_script(TRIGGERS_SQL)


def downgrade():
    run_script(OLD_TRIGGERS_SQL)
    run_script(DROP_FUNCTIONS_SQL)
    # Back to tallies down to zoom 17, counted again from the trees.
    run_script(_tally_sql(OLD_MAX_ZOOM))
    op.execute("TRUNCATE tree_cells, commune_tallies")
    op.execute("DO $$ BEGIN EXECUTE tally_trees_sql('trees', 1); END $$")
