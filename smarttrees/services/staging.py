"""The staging side of an import: rows COPied into a temporary table, checked set-wise in SQL,
then written to trees as updates of what the source already has and inserts of the rest."""

import io
from collections.abc import Iterable

from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.importers.convert import Coordinates
from smarttrees.importers.errors import ERROR, Problem
from smarttrees.importers.mapping import coordinate_columns
from smarttrees.importers.rows import Staged, convert_row
from smarttrees.labels import codes
from smarttrees.models import ImportBatch, User
from smarttrees.services.species_match import SpeciesMatcher
from smarttrees.services.trees import reserve_tree_codes, service_area_enabled

CHUNK = 20_000
STAGE_COLUMNS = (
    "row_number",
    "external_id",
    "species_raw",
    "species_id",
    "dbh",
    "height",
    "crown",
    "condition",
    "planted",
    "notes",
    "lon",
    "lat",
)


def stage_table() -> None:
    db.session.execute(
        text("""
        CREATE TEMP TABLE import_rows (
          row_number integer, external_id text, species_raw text, species_id integer,
          dbh numeric, height numeric, crown numeric, condition tree_condition, planted date,
          notes text, lon float8, lat float8, geom geometry(Point, 4326), commune_id integer,
          stand_id integer, code text, problem text
        ) ON COMMIT DROP""")
    )


def _tsv(value) -> str:
    if value is None or value == "":
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def copy_rows(table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """COPY rows (tuples of values) into a table: far faster than INSERTs for thousands."""
    out = io.StringIO()
    for row in rows:
        out.write("\t".join(_tsv(v) for v in row) + "\n")
    out.seek(0)
    cursor = db.session.connection().connection.cursor()
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", out)


def _copy(rows: list[Staged], species: dict) -> None:
    copy_rows(
        "import_rows",
        STAGE_COLUMNS,
        (
            (
                r.row,
                r.external_id,
                r.species_raw,
                species.get(r.species_raw),
                r.dbh,
                r.height,
                r.crown,
                r.condition,
                r.planted,
                r.notes,
                r.lon,
                r.lat,
            )
            for r in rows
        ),
    )


def stage(
    rows: Iterable,
    mapping: dict,
    coordinates: Coordinates,
    matcher: SpeciesMatcher,
    problems: list[Problem],
    progress=None,
    units: dict | None = None,
) -> int:
    """Convert and COPY every row in chunks; returns how many rows were read."""
    read, chunk = 0, []
    for row_number, row in rows:
        read += 1
        staged, found = convert_row(row_number, row, mapping, coordinates, units)
        problems.extend(found)
        if staged is not None:
            if problem := matcher.problem(staged.species_raw, row_number, mapping):
                problems.append(problem)
            chunk.append(staged)
        if len(chunk) >= CHUNK:
            _copy(chunk, matcher.ids)
            chunk = []
            if progress:
                progress(read)
    if chunk:
        _copy(chunk, matcher.ids)
    return read


# ---- set-based checks on the staged rows ----

PLACE_SQL = """
UPDATE import_rows SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326);
CREATE INDEX ON import_rows USING gist (geom);
ANALYZE import_rows;
UPDATE import_rows AS r SET commune_id = u.id
  FROM admin_units AS u
 WHERE u.level <> 'province' AND ST_Intersects(u.geom, r.geom);
UPDATE import_rows AS r SET stand_id = s.id
  FROM stands AS s WHERE ST_Intersects(s.geom, r.geom);
"""


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

# A tree of the same species within 1 m that is not the one this row updates. The planar
# ST_DWithin (1e-5° is at least 1 m here) lets the index find candidates; geography decides.
NEAR_SQL = """
SELECT r.row_number, near.code
  FROM import_rows AS r
  CROSS JOIN LATERAL (
        SELECT t.code FROM trees AS t
         WHERE t.species_id = r.species_id AND ST_DWithin(t.geom, r.geom, 0.00002)
           AND ST_DWithin(t.geom::geography, r.geom::geography, 1.0)
           AND NOT (t.source = :source AND t.external_id = r.external_id)
         LIMIT 1) AS near
 WHERE r.problem IS NULL AND r.species_id IS NOT NULL
 ORDER BY r.row_number"""


def problems_in_sql(problems: list[Problem], mapping: dict, source: str) -> None:
    """Points outside the service area; ids that appear twice in the file (a row repeated
    exactly is imported once); trees already standing within 1 m."""
    db.session.execute(text(PLACE_SQL))
    point_columns = coordinate_columns(mapping)
    if service_area_enabled():
        outside = db.session.execute(
            text("SELECT row_number FROM import_rows WHERE commune_id IS NULL ORDER BY row_number")
        )
        problems.extend(Problem(r, "outside_service_area", point_columns) for (r,) in outside)
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

FILL_IDS_SQL = """
UPDATE import_rows SET external_id = 'geo:' || md5(round(lon::numeric, 6) || ',' ||
       round(lat::numeric, 6) || ',' || coalesce(species_raw, ''))
 WHERE external_id IS NULL"""

UPDATE_SQL = """
UPDATE trees AS t SET species_id = r.species_id, species_raw = r.species_raw,
       dbh_cm = r.dbh, height_m = r.height, crown_m = r.crown,
       condition = coalesce(r.condition, t.condition), planted_on = r.planted,
       notes = coalesce(r.notes, t.notes), geom = r.geom, commune_id = r.commune_id,
       stand_id = r.stand_id, import_batch_id = :batch, updated_at = now(),
       updated_by_id = :actor
  FROM import_rows AS r
 WHERE r.problem IS NULL AND t.source = :source AND t.external_id = r.external_id"""

# Rows another import committed meanwhile (same source and id) are updated, not duplicated:
# the unique constraint makes this INSERT wait for that commit, then take the DO UPDATE branch.
INSERT_SQL = """
WITH written AS (
INSERT INTO trees (code, category, species_id, species_raw, dbh_cm, height_m, crown_m,
                   condition, planted_on, notes, geom, commune_id, stand_id, source,
                   external_id, import_batch_id, created_by_id, updated_by_id)
SELECT r.code, CAST(:category AS tree_category), r.species_id, r.species_raw, r.dbh,
       r.height, r.crown, r.condition, r.planted, r.notes, r.geom, r.commune_id, r.stand_id,
       :source, r.external_id, :batch, :actor, :actor
  FROM import_rows AS r
 WHERE r.problem IS NULL AND r.code IS NOT NULL
ON CONFLICT ON CONSTRAINT uq_trees_source_external_id DO UPDATE SET
       species_id = EXCLUDED.species_id, species_raw = EXCLUDED.species_raw,
       dbh_cm = EXCLUDED.dbh_cm, height_m = EXCLUDED.height_m, crown_m = EXCLUDED.crown_m,
       condition = coalesce(EXCLUDED.condition, trees.condition),
       planted_on = EXCLUDED.planted_on, notes = coalesce(EXCLUDED.notes, trees.notes),
       geom = EXCLUDED.geom, commune_id = EXCLUDED.commune_id, stand_id = EXCLUDED.stand_id,
       import_batch_id = EXCLUDED.import_batch_id, updated_at = now(),
       updated_by_id = EXCLUDED.updated_by_id
RETURNING xmax = 0 AS inserted)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written"""


def _assign_codes(source: str) -> None:
    """Codes for the rows that become new trees (one block from the sequence)."""
    new_rows = list(
        db.session.scalars(
            text("""
        SELECT r.row_number FROM import_rows AS r
         WHERE r.problem IS NULL AND NOT EXISTS (
               SELECT 1 FROM trees AS t WHERE t.source = :source AND t.external_id = r.external_id)
         ORDER BY r.row_number"""),
            {"source": source},
        )
    )
    if not new_rows:
        return
    first = reserve_tree_codes(len(new_rows))
    out = io.StringIO(
        "".join(f"{row}\t{codes.encode(first + i)}\n" for i, row in enumerate(new_rows))
    )
    db.session.execute(
        text("CREATE TEMP TABLE new_codes (row_number integer, code text) ON COMMIT DROP")
    )
    db.session.connection().connection.cursor().copy_expert("COPY new_codes FROM STDIN", out)
    db.session.execute(
        text(
            "UPDATE import_rows AS r SET code = n.code FROM new_codes AS n "
            "WHERE n.row_number = r.row_number"
        )
    )


def commit_rows(batch: ImportBatch, *, category: str, actor: User | None) -> tuple[int, int]:
    params = {
        "source": batch.source,
        "batch": batch.id,
        "category": category,
        "actor": actor.id if actor else None,
    }
    _assign_codes(batch.source)
    # Places were found set-wise above: the per-row trigger need not look again.
    db.session.execute(text("SET LOCAL smarttrees.bulk_places = 'on'"))
    updated = db.session.execute(text(UPDATE_SQL), params).rowcount
    created, updated_meanwhile = db.session.execute(text(INSERT_SQL), params).one()
    return created, updated + updated_meanwhile
