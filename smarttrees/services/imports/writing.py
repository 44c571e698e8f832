"""Step 4 of an import, write: the checked rows without errors become trees, by (source,
external id): a tree the source already has is updated, the others are created."""

from psycopg2.errorcodes import UNIQUE_VIOLATION
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from smarttrees.extensions import db
from smarttrees.models import ImportBatch, User
from smarttrees.services.inventory.trees import reserve_tree_codes

# A row that repeats its tree's values is not written at all.
CHANGED = """(t.species_id, t.species_raw, t.dbh_cm, t.height_m, t.crown_m, t.condition,
      t.planted_on, t.notes, t.geom, t.commune_id, t.stand_id, t.surveyed, t.category)
     IS DISTINCT FROM
     (r.species_id, r.species_raw, round(r.dbh, 1), round(r.height, 1), round(r.crown, 1),
      coalesce(r.condition, t.condition), r.planted, coalesce(r.notes, t.notes), r.geom,
      r.commune_id, r.stand_id, r.surveyed, coalesce(r.category, t.category))"""

# A tree the source already has takes the row's values, unless they repeat what it holds:
# next month's re-import rewrites only what changed. What it held is kept, for an undo.
KEPT = ("species_id", "species_raw", "surveyed", "dbh_cm", "height_m", "crown_m", "condition",
        "planted_on", "notes", "commune_id", "stand_id", "import_batch_id", "category",
        "updated_at", "updated_by_id", "geom")  # fmt: skip
UPDATE_SQL = f"""
WITH old AS (
  SELECT t.id, {", ".join(f"t.{column}" for column in KEPT)}
    FROM trees AS t JOIN import_rows AS r ON t.source = :source AND t.external_id = r.external_id
   WHERE r.problem IS NULL AND {CHANGED}
), kept AS (
  INSERT INTO import_replaced_trees (batch_id, tree_id, {", ".join(KEPT)})
  SELECT :batch, old.* FROM old
)
UPDATE trees AS t
   SET species_id = r.species_id, species_raw = r.species_raw, dbh_cm = r.dbh,
       height_m = r.height, crown_m = r.crown, condition = coalesce(r.condition, t.condition),
       planted_on = r.planted, notes = coalesce(r.notes, t.notes), geom = r.geom,
       commune_id = r.commune_id, stand_id = r.stand_id, import_batch_id = :batch,
       category = coalesce(r.category, t.category),
       updated_at = now(), updated_by_id = :actor, surveyed = r.surveyed
  FROM import_rows AS r, old
 WHERE t.id = old.id AND t.source = :source AND t.external_id = r.external_id
   AND r.problem IS NULL"""

# The others are new trees: they take the next codes of a block reserved for them, in the
# file's order (tree_code() is the SQL twin of labels.codes.encode).
INSERT_SQL = """
INSERT INTO trees (code, category, species_id, species_raw, dbh_cm, height_m, crown_m,
                   condition, planted_on, notes, geom, commune_id, stand_id, source,
                   external_id, import_batch_id, created_by_id, updated_by_id, surveyed)
SELECT tree_code(:first + row_number() OVER (ORDER BY r.row_number) - 1),
       coalesce(r.category, CAST(:category AS tree_category)), r.species_id, r.species_raw,
       r.dbh, r.height, r.crown, r.condition, r.planted, r.notes, r.geom, r.commune_id,
       r.stand_id, :source, r.external_id, :batch, :actor, :actor, r.surveyed
  FROM import_rows AS r
 WHERE r.problem IS NULL AND NOT EXISTS (
       SELECT 1 FROM trees AS t WHERE t.source = :source AND t.external_id = r.external_id)"""


# Were another writer to commit a tree of this source and id while the INSERT runs, the INSERT
# fails on the unique key: it is then done again as an upsert, which updates that tree.
# (Each row goes by a plain UPDATE or INSERT otherwise: a quarter faster than an upsert,
# which checks every row's key before inserting it.)
UPSERT_SQL = f"""
WITH numbered AS (
  SELECT r.*, t.code AS kept_code, CASE WHEN t.id IS NULL THEN
           tree_code(:first + row_number() OVER (PARTITION BY t.id IS NULL
                                                 ORDER BY r.row_number) - 1) END AS new_code
    FROM import_rows AS r
    LEFT JOIN trees AS t ON t.source = :source AND t.external_id = r.external_id
   WHERE r.problem IS NULL AND (t.id IS NULL OR {CHANGED})
), written AS (
INSERT INTO trees (code, category, species_id, species_raw, dbh_cm, height_m, crown_m,
                   condition, planted_on, notes, geom, commune_id, stand_id, source,
                   external_id, import_batch_id, created_by_id, updated_by_id, surveyed)
SELECT coalesce(r.new_code, r.kept_code),
       coalesce(r.category, CAST(:category AS tree_category)), r.species_id,
       r.species_raw, r.dbh, r.height, r.crown, r.condition, r.planted, r.notes, r.geom,
       r.commune_id, r.stand_id, :source, r.external_id, :batch, :actor, :actor, r.surveyed
  FROM numbered AS r
ON CONFLICT ON CONSTRAINT uq_trees_source_external_id DO UPDATE SET
       species_id = EXCLUDED.species_id, species_raw = EXCLUDED.species_raw,
       dbh_cm = EXCLUDED.dbh_cm, height_m = EXCLUDED.height_m, crown_m = EXCLUDED.crown_m,
       condition = coalesce(EXCLUDED.condition, trees.condition),
       planted_on = EXCLUDED.planted_on, notes = coalesce(EXCLUDED.notes, trees.notes),
       geom = EXCLUDED.geom, commune_id = EXCLUDED.commune_id, stand_id = EXCLUDED.stand_id,
       import_batch_id = EXCLUDED.import_batch_id, updated_at = now(),
       updated_by_id = EXCLUDED.updated_by_id, surveyed = EXCLUDED.surveyed
 WHERE (trees.species_id, trees.species_raw, trees.dbh_cm, trees.height_m, trees.crown_m,
        trees.condition, trees.planted_on, trees.notes, trees.geom, trees.commune_id,
        trees.stand_id, trees.surveyed)
       IS DISTINCT FROM
       (EXCLUDED.species_id, EXCLUDED.species_raw, EXCLUDED.dbh_cm, EXCLUDED.height_m,
        EXCLUDED.crown_m, coalesce(EXCLUDED.condition, trees.condition), EXCLUDED.planted_on,
        coalesce(EXCLUDED.notes, trees.notes), EXCLUDED.geom, EXCLUDED.commune_id,
        EXCLUDED.stand_id, EXCLUDED.surveyed)
RETURNING xmax = 0 AS inserted)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written"""


ANALYZE_FROM = 50_000
NEW_ROWS_SQL = """
SELECT count(*) FROM import_rows AS r
 WHERE r.problem IS NULL AND NOT EXISTS (
       SELECT 1 FROM trees AS t WHERE t.source = :source AND t.external_id = r.external_id)"""


def write(batch: ImportBatch, *, ready: int, actor: User | None) -> dict[str, int]:
    """Write the checked rows without errors: how many trees were created and updated, and
    how many ready rows were left alone because they repeat what their trees already hold."""
    new_rows = db.session.scalar(text(NEW_ROWS_SQL), {"source": batch.source})
    params = {
        "source": batch.source,
        "batch": batch.id,
        "category": batch.category or "scattered",
        "actor": actor.id if actor else None,
        "first": reserve_tree_codes(new_rows) if new_rows else 0,
    }
    # Places were found set-wise in the staging step: the per-row trigger need not look again.
    db.session.execute(text("SET LOCAL smarttrees.bulk_places = 'on'"))
    # The map tallies' grouping of a large import is done in memory, not spilled to disk.
    db.session.execute(text("SET LOCAL work_mem = '256MB'"))
    updated = db.session.execute(text(UPDATE_SQL), params).rowcount
    created, also_updated = _insert(params) if new_rows else (0, 0)
    updated += also_updated
    if created + updated >= ANALYZE_FROM:
        # The planner must know the trees a large import brought before the next query.
        db.session.execute(text("ANALYZE trees"))
    return {"created": created, "updated": updated, "unchanged": ready - created - updated}


def _insert(params: dict) -> tuple[int, int]:
    """The new trees: how many were created (and updated, when another writer committed some
    of them meanwhile)."""
    savepoint = db.session.begin_nested()
    try:
        created = db.session.execute(text(INSERT_SQL), params).rowcount
    except IntegrityError as error:
        if getattr(error.orig, "pgcode", None) != UNIQUE_VIOLATION:
            raise
        savepoint.rollback()
        return tuple(db.session.execute(text(UPSERT_SQL), params).one())
    savepoint.commit()
    return created, 0
