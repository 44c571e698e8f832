"""Step 3 of an import, check: the staged rows (`import_rows`, made by the staging step) checked
set-wise in SQL: points outside the service area, ids twice in the file, trees already standing
within 1 m. Every problem is stored with the batch (with the file's values of the rows in error,
to fix them in the browser), and the summary the review page shows is made once, here."""

from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.importers.csvfile import EXTRA
from smarttrees.importers.errors import ERROR, Problem
from smarttrees.importers.mapping import coordinate_columns
from smarttrees.models import ImportBatch, ImportRowError, ImportRowValues
from smarttrees.services.imports.column_values import raw_names
from smarttrees.services.imports.copying import copy_rows, pg_array
from smarttrees.services.imports.opening import Opened
from smarttrees.services.imports.staging import Staged
from smarttrees.services.inventory.trees import service_area_enabled

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


# Rows at exactly the point of an earlier row with another id (trees geocoded to one street
# address): two trees, said once for each later row.
SAME_POINT_SQL = """
WITH shared AS (
  SELECT round(lon::numeric, 7) AS x, round(lat::numeric, 7) AS y, min(row_number) AS first
    FROM import_rows GROUP BY 1, 2 HAVING count(DISTINCT external_id) > 1)
SELECT r.row_number, s.first::text
  FROM import_rows AS r
  JOIN shared AS s ON round(r.lon::numeric, 7) = s.x AND round(r.lat::numeric, 7) = s.y
 WHERE r.row_number <> s.first
 ORDER BY r.row_number"""


def problems_in_sql(problems: list[Problem], mapping: dict, source: str) -> None:
    """Points outside the service area; ids that appear twice in the file (a row repeated
    exactly is imported once); trees at one point with different ids; trees already standing
    within 1 m."""
    problems.extend(outside_problems(mapping))
    column = (mapping.get("external_id", ""),)
    for row, value, repeated in db.session.execute(text(DUPLICATES_SQL)):
        code = "row_repeated" if repeated else "external_id_duplicate"
        problems.append(Problem(row, code, column, value))
    place = coordinate_columns(mapping)
    same = db.session.execute(text(SAME_POINT_SQL))
    problems.extend(Problem(row, "same_point", place, first) for row, first in same)
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
        text("""
        SELECT min(lon), min(lat), max(lon), max(lat),
               min(lon) FILTER (WHERE problem IS NULL), min(lat) FILTER (WHERE problem IS NULL),
               max(lon) FILTER (WHERE problem IS NULL), max(lat) FILTER (WHERE problem IS NULL)
          FROM import_rows""")
    ).one()
    return {
        "points": [[r, float(x), float(y), p or "ready"] for r, x, y, p in points],
        "bbox": _box(extent[:4]),
        "ready_bbox": _box(extent[4:]),  # where the written trees will stand: the map's view
    }


def _box(values) -> list[float] | None:
    return None if values[0] is None else [float(v) for v in values]


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


def check(opened: Opened, staged: Staged, batch: ImportBatch) -> dict:
    """Find every problem of the staged rows, store them with the batch, mark the rows that
    are not to be written; the summary the review page shows."""
    problems = [*staged.problems]
    problems_in_sql(problems, opened.mapping, batch.source)
    summary = summarize(opened, staged, batch, problems, already=already_imported(batch.source))
    summary["already_sample"] = already_imported_sample(batch.source)
    return summary


def summarize(opened: Opened, staged: Staged, batch: ImportBatch, problems, *, already: int):
    """Store the problems, mark the rows not to be written, keep the rows to fix; the summary."""
    error_rows, repeated_rows = mark_rows(problems)
    record(batch.id, problems)
    if batch.kind == "trees":  # a stand's polygon is fixed in its file, not on the page
        keep_rows_to_fix(batch.id, opened.columns, error_rows, {p.row for p in problems})
    warning_rows = {p.row for p in problems if p.kind.severity != ERROR} - error_rows
    return {
        "rows_read": staged.read,
        "ready": staged.read - len(error_rows) - len(repeated_rows),
        "warnings": len(warning_rows),
        "errors": len(error_rows),
        "errors_by_code": _by_code(problems),
        "already_imported": already,
        "species": staged.matcher.names(),
        "preview": preview(staged.read),
        "already_sample": [],
        "columns": opened.shown_columns,
        "spatial": opened.spatial,
        "decisions": opened.decisions(),
        **opened.encoding,
    }


def as_reviewed(read: int, source: str) -> dict:
    """What the summary says of the kept rows as the review left them (rows fixed in place,
    trees another import of the source wrote meanwhile), read again just before the write."""
    return {
        "already_imported": already_imported(source),
        "preview": preview(read),
        "already_sample": already_imported_sample(source),
    }


def _by_code(problems: list[Problem]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.code] = counts.get(problem.code, 0) + 1
    return dict(sorted(counts.items()))


def problem_rows(batch_id: int, problems: list[Problem]) -> list[dict]:
    """Problems as rows of import_row_errors, in file order."""
    return [
        {
            "batch_id": batch_id,
            "row_number": p.row,
            "code": p.code,
            "severity": p.kind.severity,
            "columns": list(p.columns),
            "value": p.value,
            "message": p.kind.message,
        }
        for p in sorted(problems, key=lambda p: (p.row, p.code))
    ]


ERROR_COLUMNS = ("batch_id", "row_number", "code", "severity", "columns", "value", "message")


def record(batch_id: int, problems: list[Problem]) -> None:
    """The batch's problems, in place of those of an earlier check."""
    for table in (ImportRowError.__table__, ImportRowValues.__table__):
        db.session.execute(table.delete().where(table.c.batch_id == batch_id))
    rows = (
        tuple(pg_array(r[c]) if c == "columns" else r[c] for c in ERROR_COLUMNS)
        for r in problem_rows(batch_id, problems)
    )
    copy_rows("import_row_errors", ERROR_COLUMNS, rows)


KEPT_ROWS = 10_000


def keep_rows_to_fix(
    batch_id: int, columns: list[str], error_rows: set[int], problem_rows: set[int]
) -> None:
    """The file's values of the rows with a problem (the first KEPT_ROWS, the rows in error
    before the others), to fix them by hand on the review page."""
    wanted = [*sorted(error_rows), *sorted(problem_rows - error_rows)][:KEPT_ROWS]
    if not wanted:
        return
    cells = ", ".join(f"coalesce({name}, '')" for name in raw_names(columns).values())
    db.session.execute(
        text(f"""
        INSERT INTO import_row_values (batch_id, row_number, values)
        SELECT :batch, row_number,
               jsonb_object(CAST(:names AS text[]), ARRAY[{cells}, coalesce(extra, '')])
          FROM import_raw WHERE row_number = ANY(:rows)"""),
        # The values beyond the header stay with the row: fixing a cell does not hide them.
        {"batch": batch_id, "names": [*columns, EXTRA], "rows": wanted},
    )


def fixed_row_problems(row_number: int, mapping: dict) -> list[Problem]:
    """What the whole-file checks find about a row fixed by hand, against the other rows:
    an id another row has, a point another tree of the file stands on."""
    return _id_taken_by_another_row(row_number, mapping) + _same_point_as_another_row(
        row_number, mapping
    )


def _same_point_as_another_row(row_number: int, mapping: dict) -> list[Problem]:
    first = db.session.scalar(
        text("""
        SELECT min(o.row_number) FROM import_rows AS r JOIN import_rows AS o
            ON round(o.lon::numeric, 7) = round(r.lon::numeric, 7)
           AND round(o.lat::numeric, 7) = round(r.lat::numeric, 7)
           AND o.external_id IS DISTINCT FROM r.external_id
         WHERE r.row_number = :row"""),
        {"row": row_number},
    )
    if first is None or first > row_number:
        return []
    return [Problem(row_number, "same_point", coordinate_columns(mapping), str(first))]


def _id_taken_by_another_row(row_number: int, mapping: dict) -> list[Problem]:
    """A row fixed by hand whose id another row of the file already has."""
    taken = db.session.execute(
        text("""
        SELECT r.external_id FROM import_rows AS r
         WHERE r.row_number = :row AND r.external_id IS NOT NULL AND EXISTS (
               SELECT 1 FROM import_rows AS o
                WHERE o.external_id = r.external_id AND o.row_number <> r.row_number
                  AND o.problem IS DISTINCT FROM 'error')"""),
        {"row": row_number},
    ).scalar()
    if taken is None:
        return []
    return [Problem(row_number, "external_id_duplicate", (mapping.get("external_id", ""),), taken)]
