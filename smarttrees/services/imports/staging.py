"""Step 2 of an import, stage: survey rows turned into typed, placed rows in SQL.

The file's rows are COPied as text into `import_raw`, every column as the file has it. One
CREATE TABLE … AS SELECT then parses numbers, dates and coordinates (the SQL functions of
migration 0008), finds the commune and stand of each point, and joins the species and
condition names, which Python settles once per distinct name. Python touches a row only to
write it to COPY, and to read its point when that is not plain WGS 84 longitude/latitude (a
WKT or "lat lon" field; any other coordinate system, transformed by pyproj a chunk at a
time). Row problems then come from one query.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.importers.csvfile import EXTRA
from smarttrees.importers.errors import Problem
from smarttrees.importers.mapping import COORDINATE_KINDS, coordinate_columns, coordinate_kind
from smarttrees.importers.points import Coordinates, PointReader, reads_points
from smarttrees.importers.vector import GEOMETRY
from smarttrees.models import ImportBatch
from smarttrees.services.imports import column_values
from smarttrees.services.imports.copying import copy_rows
from smarttrees.services.imports.opening import Opened
from smarttrees.services.imports.species_match import SpeciesMatcher

CHUNK = 20_000


@dataclass
class Staged:
    """The rows staged in `import_rows`: how many were read, the problems found while typing
    and placing them, and the species names as matched."""

    read: int
    problems: list[Problem]
    matcher: SpeciesMatcher


def stage(
    opened: Opened, batch: ImportBatch, progress: Callable[..., None], *, keep: bool
) -> Staged:
    """COPY the file's rows as text, then type and place them in SQL (`import_rows`)."""
    reader = PointReader(opened.mapping, opened.coordinates)
    read = stage_raw(opened.rows, opened.columns, reader, progress)
    progress(read, "checking")
    matcher = SpeciesMatcher(batch.species_choices)
    problems = convert(
        opened.columns, opened.mapping, opened.coordinates, matcher, opened.units, keep=keep
    )
    return Staged(read=read, problems=problems, matcher=matcher)


def stage_raw(rows: Iterable, columns: list[str], points: PointReader | None, progress=None) -> int:
    """COPY every row as text into import_raw, in chunks; returns how many rows were read.
    `points` reads each row's point where Python must (None: the rows have no points)."""
    cells = ", ".join(f"{name} text" for name in column_values.raw_names(columns).values())
    db.session.execute(
        text(
            "CREATE TEMP TABLE import_raw (row_number integer, extra text, geometry text, "
            "point_x text, point_y text, lon text, lat text, point_problem text, point_value text, "
            f"{cells}) ON COMMIT DROP"
        )
    )
    read, chunk = 0, []
    for number, row in rows:
        read += 1
        point = points.read(row) if points else [None] * 6
        chunk.append((number, row.get(EXTRA), row.get(GEOMETRY), point, *map(row.get, columns)))
        if len(chunk) >= CHUNK:
            _copy_chunk(chunk, points)
            chunk = []
            if progress:
                progress(read)
    _copy_chunk(chunk, points)
    return read


def _copy_chunk(chunk: list[tuple], points: PointReader | None) -> None:
    if points:
        points.place([row[3] for row in chunk])
    copy_rows("import_raw", None, ((n, e, g, *p, *cells) for n, e, g, p, *cells in chunk))


def _coordinate_sql(mapping: dict, raw: dict[str, str], coordinates: Coordinates) -> dict:
    """The SQL of the coordinate texts as the file has them, and of the WGS 84 numbers."""
    kind = coordinate_kind(mapping)
    if kind in ("lon", "x"):
        x, y = (column_values.cell(mapping, target, raw) for target in COORDINATE_KINDS[kind])
    else:
        x, y = "r.point_x", "r.point_y"
    if reads_points(mapping, coordinates):  # Python read or transformed the points
        return {"x": x, "y": y, "lon": "import_number(r.lon)", "lat": "import_number(r.lat)"}
    return {"x": x, "y": y, "lon": f"import_number({x})", "lat": f"import_number({y})"}


# import_rows is a temporary table, or (kept for a later write) an unlogged one in the batch's
# own schema, which the pipeline puts first on the search path.
CREATE_TEMP = "CREATE TEMP TABLE import_rows ON COMMIT DROP AS"
CREATE_KEPT = "CREATE UNLOGGED TABLE import_rows AS"


def create_sql(keep: bool) -> str:
    return CREATE_KEPT if keep else CREATE_TEMP


CONVERT_SQL = """
{create}
WITH v AS (
  SELECT r.row_number, r.extra, r.geometry, r.point_problem, r.point_value,
         {x} AS x_text, {y} AS y_text, {lon} AS lon, {lat} AS lat,
         {external_id} AS external_id,
         {species} AS species_text, {dbh} AS dbh_text, {height} AS height_text,
         {crown} AS crown_text, {condition} AS condition_text, {planted} AS planted_text,
         normalize({notes}, NFC) AS notes, md5(concat_ws(chr(31), {every_cell})) AS content
    FROM import_raw AS r OFFSET 0
), parsed AS (
  SELECT v.*, import_number(x_text) AS x, import_number(y_text) AS y,
         import_number(dbh_text) IS NULL AND import_class_middle(dbh_text) IS NOT NULL
           AS dbh_class,
         import_number(height_text) IS NULL AND import_class_middle(height_text) IS NOT NULL
           AS height_class,
         import_number(crown_text) IS NULL AND import_class_middle(crown_text) IS NOT NULL
           AS crown_class,
         round((coalesce(import_number(dbh_text), import_class_middle(dbh_text))
                * :dbh_unit)::numeric, 2) AS dbh_number,
         round((coalesce(import_number(height_text), import_class_middle(height_text))
                * :height_unit)::numeric, 2) AS height_number,
         round((coalesce(import_number(crown_text), import_class_middle(crown_text))
                * :crown_unit)::numeric, 2) AS crown_number,
         import_date(planted_text) AS planted_date
    FROM v OFFSET 0
), checked AS (
  SELECT p.*, CASE WHEN p.lon BETWEEN -180 AND 180 AND p.lat BETWEEN -90 AND 90
                   THEN ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) END AS geom,
         CASE WHEN p.dbh_number > :dbh_low AND p.dbh_number <= :dbh_high
              THEN p.dbh_number END AS dbh,
         CASE WHEN p.height_number > :height_low AND p.height_number <= :height_high
              THEN p.height_number END AS height,
         CASE WHEN p.crown_number > :crown_low AND p.crown_number <= :crown_high
              THEN p.crown_number END AS crown,
         CASE WHEN p.planted_date >= date '1800-01-01' THEN p.planted_date END AS planted,
         -- The first row the file repeats exactly (every cell alike), for trees with no id.
         min(p.row_number) OVER (PARTITION BY round(p.lon::numeric, 6),
                                 round(p.lat::numeric, 6), p.species_text, p.content)
           AS first_alike
    FROM parsed AS p OFFSET 0
)
SELECT c.row_number, c.extra, c.geometry, c.point_problem, c.point_value, c.x_text, c.y_text,
       c.x, c.y,
       coalesce(c.external_id, CASE WHEN c.geom IS NOT NULL THEN
         'geo:' || md5(round(ST_X(c.geom)::numeric, 6) || ',' || round(ST_Y(c.geom)::numeric, 6)
                       || ',' || coalesce(sp.name, ''))
         -- Trees at one point with no id of their own (a street address) are told apart
         -- by their order in the file (the second one's id ends in a 2); a row repeated
         -- exactly keeps the id of its first copy, and is imported once.
         || CASE WHEN dense_rank() OVER same_place > 1
                 THEN ':' || dense_rank() OVER same_place ELSE '' END END) AS external_id,
       sp.name AS species_raw, sp.id AS species_id, sp.problem AS species_problem,
       c.dbh_text, c.dbh_number, c.dbh, c.dbh_class,
       c.height_text, c.height_number, c.height, c.height_class,
       c.crown_text, c.crown_number, c.crown, c.crown_class,
       c.condition_text, CAST(co.value AS tree_condition) AS condition, c.planted_text, c.planted,
       -- What could not be read (or was a size class) is kept as the file wrote it.
       nullif(jsonb_strip_nulls(jsonb_build_object(
         'dbh', CASE WHEN c.dbh IS NULL OR c.dbh_class THEN c.dbh_text END,
         'height', CASE WHEN c.height IS NULL OR c.height_class THEN c.height_text END,
         'crown', CASE WHEN c.crown IS NULL OR c.crown_class THEN c.crown_text END,
         'planted', CASE WHEN c.planted IS NULL THEN c.planted_text END,
         'condition', CASE WHEN co.value IS NULL THEN c.condition_text END)), '{{}}') AS surveyed,
       c.notes, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, c.geom,
       cu.id AS commune_id, st.id AS stand_id,
       NULL::text AS code, NULL::text AS problem
  FROM checked AS c
  LEFT JOIN LATERAL (SELECT u.id FROM commune_parts AS u
                      WHERE ST_Intersects(u.geom, c.geom) LIMIT 1) AS cu ON true
  LEFT JOIN LATERAL (SELECT s.id FROM stands AS s
                      WHERE ST_Intersects(s.geom, c.geom) ORDER BY s.id LIMIT 1) AS st ON true
  LEFT JOIN unnest(CAST(:species_texts AS text[]), CAST(:species_names AS text[]),
                   CAST(:species_ids AS integer[]), CAST(:species_problems AS text[]))
         AS sp (text, name, id, problem) ON sp.text = c.species_text
  LEFT JOIN unnest(CAST(:condition_texts AS text[]), CAST(:condition_values AS text[]))
         AS co (text, value) ON co.text = c.condition_text
WINDOW same_place AS (PARTITION BY round(c.lon::numeric, 6), round(c.lat::numeric, 6),
                                   c.species_text
                      ORDER BY c.first_alike)
"""

# Communes cut into pieces of at most 256 vertices: a point finds its commune in a few
# comparisons instead of walking a boundary of thousands of vertices (256 measured faster
# than 64 or 16: fewer pieces, a shallower index).
COMMUNE_PARTS_SQL = """
CREATE TEMP TABLE commune_parts ON COMMIT DROP AS
SELECT id, ST_Subdivide(geom, 256) AS geom FROM admin_units WHERE level <> 'province';
CREATE INDEX ON commune_parts USING gist (geom);
ANALYZE commune_parts;
"""


def convert(
    columns: list[str],
    mapping: dict,
    coordinates: Coordinates,
    matcher: SpeciesMatcher,
    units: dict | None = None,
    *,
    keep: bool = False,
) -> list[Problem]:
    """Build import_rows from import_raw; the problems of the rows (coordinates, numbers,
    dates, species). Rows that cannot be placed are left out of import_rows."""
    raw = column_values.raw_names(columns)
    targets = ("external_id", "species", *column_values.MEASURES, "condition", "planted", "notes")
    cells = {t: column_values.cell(mapping, t, raw) for t in targets}
    points = _coordinate_sql(mapping, raw, coordinates)
    every_cell = ", ".join(f"r.{name}" for name in raw.values()) or "''"
    sql = CONVERT_SQL.format(create=create_sql(keep), every_cell=every_cell, **points, **cells)
    params = {
        **column_values.measure_params(units),
        **column_values.species_params(raw, mapping, matcher),
        **column_values.condition_params(raw, mapping),
    }
    db.session.execute(text(COMMUNE_PARTS_SQL))
    # JIT compiling this long expression costs more than it saves, even for a million rows.
    db.session.execute(text("SET LOCAL jit = off"))
    db.session.execute(text(sql), params)
    problems = _row_problems(mapping)
    db.session.execute(text("DELETE FROM import_rows WHERE geom IS NULL"))
    db.session.execute(text("ANALYZE import_rows"))
    matcher.count_rows(
        db.session.execute(text("SELECT species_raw, count(*) FROM import_rows GROUP BY 1"))
    )
    return problems


PROBLEMS_SQL = """
SELECT row_number, 'row' AS field, 'row_too_many_values' AS code, extra AS value
  FROM import_rows WHERE extra IS NOT NULL
UNION ALL
SELECT row_number, 'point',
       CASE WHEN point_problem IS NOT NULL THEN point_problem
            WHEN x_text IS NULL OR y_text IS NULL THEN
                 CASE WHEN geometry IS NOT NULL THEN 'geometry_not_point'
                      ELSE 'coordinates_missing' END
            WHEN x IS NULL OR y IS NULL THEN 'coordinates_invalid'
            ELSE 'coordinates_out_of_range' END AS code,
       CASE WHEN point_problem IS NOT NULL THEN point_value
            WHEN x_text IS NULL OR y_text IS NULL THEN geometry
            ELSE x_text || ', ' || y_text END AS value
  FROM import_rows WHERE geom IS NULL
UNION ALL
SELECT row_number, 'dbh', CASE WHEN dbh_number IS NULL THEN 'number_invalid'
                               ELSE 'out_of_range' END, dbh_text
  FROM import_rows WHERE dbh_text IS NOT NULL AND dbh IS NULL
UNION ALL
SELECT row_number, 'height', CASE WHEN height_number IS NULL THEN 'number_invalid'
                                  ELSE 'out_of_range' END, height_text
  FROM import_rows WHERE height_text IS NOT NULL AND height IS NULL
UNION ALL
SELECT row_number, 'crown', CASE WHEN crown_number IS NULL THEN 'number_invalid'
                                 ELSE 'out_of_range' END, crown_text
  FROM import_rows WHERE crown_text IS NOT NULL AND crown IS NULL
UNION ALL
SELECT row_number, 'dbh', 'size_class', dbh_text
  FROM import_rows WHERE dbh_class AND dbh IS NOT NULL
UNION ALL
SELECT row_number, 'height', 'size_class', height_text
  FROM import_rows WHERE height_class AND height IS NOT NULL
UNION ALL
SELECT row_number, 'crown', 'size_class', crown_text
  FROM import_rows WHERE crown_class AND crown IS NOT NULL
UNION ALL
SELECT row_number, 'condition', 'condition_unknown', condition_text
  FROM import_rows WHERE condition_text IS NOT NULL AND condition IS NULL
UNION ALL
SELECT row_number, 'planted', 'date_invalid', planted_text
  FROM import_rows WHERE planted_text IS NOT NULL AND planted IS NULL
UNION ALL
SELECT row_number, 'species', species_problem, species_raw
  FROM import_rows WHERE species_problem IS NOT NULL AND geom IS NOT NULL
"""


def _row_problems(mapping: dict) -> list[Problem]:
    fields = ("species", "planted", "condition", *column_values.MEASURES)
    columns = {field: (mapping.get(field, ""),) for field in fields}
    columns["point"] = coordinate_columns(mapping)
    columns["row"] = ()
    return [
        Problem(row, code, columns[field], value)
        for row, field, code, value in db.session.execute(text(PROBLEMS_SQL))
    ]
