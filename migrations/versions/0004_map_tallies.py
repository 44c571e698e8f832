"""Map tallies: trees per map cell and per commune, and tile versions, kept by triggers.

Statement-level triggers with transition tables keep the tallies set-wise, so a single edit
and a COPY of a million rows take the same path.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from raw_sql import run_script

MIN_ZOOM, MAX_ZOOM, CELLS_PER_TILE, VERSION_ZOOM = 6, 17, 8, 12

# The SQL that adds (sign +1) or removes (-1) the trees of a relation from every tally.
# Web mercator: x, y in metres within ±HALF; a cell at zoom z is WORLD / (8 · 2^z) wide.
TALLY_SQL = r"""
CREATE FUNCTION tally_trees_sql(source text, sign integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
SELECT format($q$
WITH m AS (
  SELECT ST_X(p) AS x, ST_Y(p) AS y, category, condition, species_id, commune_id
    FROM (SELECT ST_Transform(geom, 3857) AS p, category, condition, species_id, commune_id
            FROM %1$I) AS r
), cells AS (
  INSERT INTO tree_cells AS c (zoom, cx, cy, category, condition, species_id, trees, sum_x, sum_y)
  SELECT z, floor((x + 20037508.342789244) * (%3$s << z) / 40075016.68557849)::int,
         floor((20037508.342789244 - y) * (%3$s << z) / 40075016.68557849)::int,
         category, condition, species_id, %2$s * count(*), %2$s * sum(x), %2$s * sum(y)
    FROM m CROSS JOIN generate_series(%4$s, %5$s) AS z
   GROUP BY 1, 2, 3, 4, 5, 6
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

CREATE SEQUENCE tile_version_seq;

CREATE FUNCTION trees_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN EXECUTE tally_trees_sql('new_rows', 1); RETURN NULL; END $$;
CREATE FUNCTION trees_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN EXECUTE tally_trees_sql('old_rows', -1); RETURN NULL; END $$;
CREATE FUNCTION trees_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE tally_trees_sql('old_rows', -1);
  EXECUTE tally_trees_sql('new_rows', 1);
  RETURN NULL;
END $$;
CREATE TRIGGER trees_tally_insert AFTER INSERT ON trees REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION trees_tally_insert();
CREATE TRIGGER trees_tally_delete AFTER DELETE ON trees REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION trees_tally_delete();
CREATE TRIGGER trees_tally_update AFTER UPDATE ON trees
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION trees_tally_update();

-- Emptying the trees empties their tallies; every tile's version moves on.
CREATE FUNCTION trees_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE tree_cells, commune_tallies;
  UPDATE tile_versions SET version = nextval('tile_version_seq');
  RETURN NULL;
END $$;
CREATE TRIGGER trees_tally_truncate AFTER TRUNCATE ON trees
  FOR EACH STATEMENT EXECUTE FUNCTION trees_tally_truncate();

-- Stands and communes change rarely: one version for the whole layer.
CREATE FUNCTION bump_layer_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO layer_versions (layer, version) VALUES (TG_ARGV[0], nextval('tile_version_seq'))
  ON CONFLICT (layer) DO UPDATE SET version = EXCLUDED.version;
  RETURN NULL;
END $$;
CREATE TRIGGER stands_layer_version AFTER INSERT OR UPDATE OR DELETE ON stands
  FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version('stands');
CREATE TRIGGER admin_units_layer_version AFTER INSERT OR UPDATE OR DELETE ON admin_units
  FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version('communes');

-- Trees already stored (an upgrade of a filled database).
DO $$ BEGIN EXECUTE tally_trees_sql('trees', 1); END $$;
"""
for name, value in (
    ("@CELLS@", CELLS_PER_TILE),
    ("@MIN_ZOOM@", MIN_ZOOM),
    ("@MAX_ZOOM@", MAX_ZOOM),
    ("@VERSION_TILES@", 2**VERSION_ZOOM),
):
    TALLY_SQL = TALLY_SQL.replace(name, str(value))

DROP_SQL = r"""
DROP TRIGGER IF EXISTS admin_units_layer_version ON admin_units;
DROP TRIGGER IF EXISTS stands_layer_version ON stands;
DROP FUNCTION IF EXISTS bump_layer_version();
DROP TRIGGER IF EXISTS trees_tally_truncate ON trees;
DROP FUNCTION IF EXISTS trees_tally_truncate();
DROP TRIGGER IF EXISTS trees_tally_update ON trees;
DROP TRIGGER IF EXISTS trees_tally_delete ON trees;
DROP TRIGGER IF EXISTS trees_tally_insert ON trees;
DROP FUNCTION IF EXISTS trees_tally_update();
DROP FUNCTION IF EXISTS trees_tally_delete();
DROP FUNCTION IF EXISTS trees_tally_insert();
DROP FUNCTION IF EXISTS tally_trees_sql(text, integer);
DROP SEQUENCE IF EXISTS tile_version_seq;
"""


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('layer_versions',
    sa.Column('layer', sa.String(length=20), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('layer', name=op.f('pk_layer_versions'))
    )
    op.create_table('tile_versions',
    sa.Column('x', sa.Integer(), nullable=False),
    sa.Column('y', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('x', 'y', name=op.f('pk_tile_versions'))
    )
    op.create_table('tree_cells',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('zoom', sa.SmallInteger(), nullable=False),
    sa.Column('cx', sa.Integer(), nullable=False),
    sa.Column('cy', sa.Integer(), nullable=False),
    sa.Column('category', postgresql.ENUM(name='tree_category', create_type=False), nullable=False),
    sa.Column('condition', postgresql.ENUM(name='tree_condition', create_type=False), nullable=True),
    sa.Column('species_id', sa.Integer(), nullable=True),
    sa.Column('trees', sa.Integer(), nullable=False),
    sa.Column('sum_x', sa.Float(), nullable=False),
    sa.Column('sum_y', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tree_cells'))
    )
    op.create_index('ux_tree_cells_key', 'tree_cells', ['zoom', 'cx', 'cy', 'category', 'condition', 'species_id'], unique=True, postgresql_nulls_not_distinct=True)
    op.create_table('commune_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('category', postgresql.ENUM(name='tree_category', create_type=False), nullable=False),
    sa.Column('condition', postgresql.ENUM(name='tree_condition', create_type=False), nullable=True),
    sa.Column('trees', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['admin_units.id'], name=op.f('fk_commune_tallies_commune_id_admin_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commune_tallies'))
    )
    op.create_index('ux_commune_tallies_key', 'commune_tallies', ['commune_id', 'category', 'condition'], unique=True, postgresql_nulls_not_distinct=True)
    run_script(TALLY_SQL)


def downgrade():
    run_script(DROP_SQL)
    op.drop_index('ux_commune_tallies_key', table_name='commune_tallies', postgresql_nulls_not_distinct=True)
    op.drop_table('commune_tallies')
    op.drop_index('ux_tree_cells_key', table_name='tree_cells', postgresql_nulls_not_distinct=True)
    op.drop_table('tree_cells')
    op.drop_table('tile_versions')
    op.drop_table('layer_versions')
