"""The staging side of an import: the rows in `import_rows` (built by services.conversion)
checked set-wise in SQL, then written to trees in one upsert by (source, external id)."""

import csv
import io
from collections.abc import Iterable

from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.importers.errors import ERROR, Problem
from smarttrees.importers.mapping import coordinate_columns
from smarttrees.models import ImportBatch, User
from smarttrees.services.inventory.trees import reserve_tree_codes, service_area_enabled


def copy_rows(table: str, columns: tuple[str, ...] | None, rows: Iterable[tuple]) -> None:
    """COPY rows (tuples of values; None and "" are NULL) into a table, as CSV: far faster than
    INSERTs for thousands. A NUL byte (a broken export) is dropped: PostgreSQL text has none."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    data = buffer.getvalue()
    if "\x00" in data:
        data = data.replace("\x00", "")
    names = f" ({', '.join(columns)})" if columns else ""
    cursor = db.session.connection().connection.cursor()
    cursor.copy_expert(f"COPY {table}{names} FROM STDIN (FORMAT csv)", io.StringIO(data))


# ---- set-based checks on the staged rows ----

DUPLICATES_SQL = """
WITH groups AS (
  SELECT external_id, min(row_number) AS first_row,
         count(DISTINCT md5(concat_ws('|', lon, lat, species_raw, dbh, height, crown,
                                      condition, planted, notes))) AS variants
    FROM import_rows WHERE external_id IS NOT NULL
   GROUP BY external_id HAVING count(*) > 1)
SELECT r.row_number, r.external_id, g.variants = 1 AS repeated
  FROM import_rows AS r JOIN groups AS g USING (external_id)
 WHERE g.variants > 1 OR r.row_number <> g.first_row
 ORDER BY r.row_number"""

# A new tree with a tree of the same species within 1 m (a row that updates its own tree is
# not asked again each month). Only the spatial index may find the candidates: "species_id
# + 0" keeps the planner from walking every tree of a species instead (it did, once a
# million trees were not yet analysed). The planar ST_DWithin (1e-5° is at least 1 m here)
# sieves; the ground distance decides.
NEAR_SQL = """
SELECT r.row_number, near.code
  FROM import_rows AS r
  CROSS JOIN LATERAL (
        SELECT t.code FROM trees AS t
         WHERE ST_DWithin(t.geom, r.geom, 0.00002) AND t.species_id + 0 = r.species_id
           AND ST_DWithin(t.geom::geography, r.geom::geography, 1.0)
           AND NOT (t.source = :source AND t.external_id = r.external_id)
         LIMIT 1) AS near
 WHERE r.problem IS NULL AND r.species_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM trees AS own
                    WHERE own.source = :source AND own.external_id = r.external_id)
 ORDER BY r.row_number"""


def outside_problems(mapping: dict) -> list[Problem]:
    """The staged points outside the service area (none when the check is off)."""
    if not service_area_enabled():
        return []
    outside = db.session.scalars(
        text("SELECT row_number FROM import_rows WHERE commune_id IS NULL ORDER BY row_number")
    )
    return [Problem(row, "outside_service_area", coordinate_columns(mapping)) for row in outside]


def problems_in_sql(problems: list[Problem], mapping: dict, source: str) -> None:
    """Points outside the service area; ids that appear twice in the file (a row repeated
    exactly is imported once); trees already standing within 1 m."""
    problems.extend(outside_problems(mapping))
    column = (mapping.get("external_id", ""),)
    for row, value, repeated in db.session.execute(text(DUPLICATES_SQL)):
        code = "row_repeated" if repeated else "external_id_duplicate"
        problems.append(Problem(row, code, column, value))
    species_column = (mapping.get("species", ""),)
    near = db.session.execute(text(NEAR_SQL), {"source": source})
    problems.extend(Problem(r, "near_existing_tree", species_column, c) for r, c in near)


def mark_rows(problems: list[Problem]) -> tuple[set[int], set[int]]:
    """Rows with an error, and rows repeated exactly: neither is written to trees."""
    errors = {p.row for p in problems if p.kind.severity == ERROR}
    repeated = {p.row for p in problems if p.code == "row_repeated"} - errors
    for mark, rows in (("error", errors), ("skip", repeated)):
        if rows:
            db.session.execute(
                text("UPDATE import_rows SET problem = :mark WHERE row_number = ANY(:rows)"),
                {"mark": mark, "rows": sorted(rows)},
            )
    return errors, repeated


PREVIEW_POINTS = 2000


def preview(total: int) -> dict:
    """Up to PREVIEW_POINTS staged points spread over the file, with the extent of them all,
    so a wrong coordinate system is seen on a map before anything is written."""
    step = max(1, -(-total // PREVIEW_POINTS))
    points = db.session.execute(
        text("""
        SELECT row_number, round(lon::numeric, 6), round(lat::numeric, 6), problem
          FROM import_rows WHERE row_number % :step = 0 OR :step = 1
         ORDER BY row_number LIMIT :limit"""),
        {"step": step, "limit": PREVIEW_POINTS},
    )
    extent = db.session.execute(
        text("SELECT min(lon), min(lat), max(lon), max(lat) FROM import_rows")
    ).one()
    return {
        "points": [[r, float(x), float(y), p or "ready"] for r, x, y, p in points],
        "bbox": None if extent[0] is None else [float(v) for v in extent],
    }


def already_imported(source: str) -> int:
    return db.session.scalar(
        text("""
        SELECT count(*) FROM import_rows AS r JOIN trees AS t
          ON t.source = :source AND t.external_id = r.external_id
         WHERE r.problem IS NULL"""),
        {"source": source},
    )


def already_imported_sample(source: str, limit: int = 100) -> list[list]:
    """The first rows that will update a tree the source already has: [row, tree code]."""
    rows = db.session.execute(
        text("""
        SELECT r.row_number, t.code FROM import_rows AS r JOIN trees AS t
          ON t.source = :source AND t.external_id = r.external_id
         WHERE r.problem IS NULL ORDER BY r.row_number LIMIT :limit"""),
        {"source": source, "limit": limit},
    )
    return [list(row) for row in rows]


# ---- commit: update the trees this source already has, insert the others ----

# A row that repeats its tree's values is not written at all (not even locked); the
# DO UPDATE's own WHERE decides for the trees another import commits meanwhile.
CHANGED = """(t.species_id, t.species_raw, t.dbh_cm, t.height_m, t.crown_m, t.condition,
      t.planted_on, t.notes, t.geom, t.commune_id, t.stand_id)
     IS DISTINCT FROM
     (r.species_id, r.species_raw, round(r.dbh, 1), round(r.height, 1), round(r.crown, 1),
      coalesce(r.condition, t.condition), r.planted, coalesce(r.notes, t.notes), r.geom,
      r.commune_id, r.stand_id)"""

# New trees take the next codes of a block reserved for them (tree_code() is the SQL twin of
# labels.codes.encode); a tree the source already has keeps its code and takes the values
# (were it deleted meanwhile, it comes back under that code). A tree whose values the file
# repeats is left alone: next month's re-import rewrites only what changed.
# Rows another import commits meanwhile (same source and id) are updated, not duplicated: the
# unique constraint makes this INSERT wait for that commit, then take the DO UPDATE branch.
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
                   external_id, import_batch_id, created_by_id, updated_by_id)
SELECT coalesce(r.new_code, r.kept_code), CAST(:category AS tree_category), r.species_id,
       r.species_raw, r.dbh, r.height, r.crown, r.condition, r.planted, r.notes, r.geom,
       r.commune_id, r.stand_id, :source, r.external_id, :batch, :actor, :actor
  FROM numbered AS r
ON CONFLICT ON CONSTRAINT uq_trees_source_external_id DO UPDATE SET
       species_id = EXCLUDED.species_id, species_raw = EXCLUDED.species_raw,
       dbh_cm = EXCLUDED.dbh_cm, height_m = EXCLUDED.height_m, crown_m = EXCLUDED.crown_m,
       condition = coalesce(EXCLUDED.condition, trees.condition),
       planted_on = EXCLUDED.planted_on, notes = coalesce(EXCLUDED.notes, trees.notes),
       geom = EXCLUDED.geom, commune_id = EXCLUDED.commune_id, stand_id = EXCLUDED.stand_id,
       import_batch_id = EXCLUDED.import_batch_id, updated_at = now(),
       updated_by_id = EXCLUDED.updated_by_id
 WHERE (trees.species_id, trees.species_raw, trees.dbh_cm, trees.height_m, trees.crown_m,
        trees.condition, trees.planted_on, trees.notes, trees.geom, trees.commune_id,
        trees.stand_id)
       IS DISTINCT FROM
       (EXCLUDED.species_id, EXCLUDED.species_raw, EXCLUDED.dbh_cm, EXCLUDED.height_m,
        EXCLUDED.crown_m, coalesce(EXCLUDED.condition, trees.condition), EXCLUDED.planted_on,
        coalesce(EXCLUDED.notes, trees.notes), EXCLUDED.geom, EXCLUDED.commune_id,
        EXCLUDED.stand_id)
RETURNING xmax = 0 AS inserted)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written"""


ANALYZE_FROM = 50_000
NEW_ROWS_SQL = """
SELECT count(*) FROM import_rows AS r
 WHERE r.problem IS NULL AND NOT EXISTS (
       SELECT 1 FROM trees AS t WHERE t.source = :source AND t.external_id = r.external_id)"""


def commit_rows(batch: ImportBatch, *, category: str, actor: User | None) -> tuple[int, int]:
    """Write the rows without errors: (trees created, trees updated); the other ready rows
    repeat what their trees already hold."""
    new_rows = db.session.scalar(text(NEW_ROWS_SQL), {"source": batch.source})
    params = {
        "source": batch.source,
        "batch": batch.id,
        "category": category,
        "actor": actor.id if actor else None,
        "first": reserve_tree_codes(new_rows) if new_rows else 0,
    }
    # Places were found set-wise above: the per-row trigger need not look again.
    db.session.execute(text("SET LOCAL smarttrees.bulk_places = 'on'"))
    created, updated = db.session.execute(text(UPSERT_SQL), params).one()
    if created + updated >= ANALYZE_FROM:
        # The planner must know the trees a large import brought before the next query.
        db.session.execute(text("ANALYZE trees"))
    return created, updated
