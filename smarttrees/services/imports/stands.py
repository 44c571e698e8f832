"""Plantation stands from the province's forest-status map (Shapefile, GeoPackage, GeoJSON,
KML polygons), through the same steps as trees: the polygon staged in WGS 84, repaired when
invalid (the change named), its area computed on the spheroid and set against the area the
file declares, plot ids (tiểu khu, khoảnh, lô), species, year, owner and function read; then
written in one upsert by (source, id), and the trees standing in them assigned to them.
"""

from collections.abc import Callable

import shapely
from pyproj import Transformer
from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.importers.errors import Problem
from smarttrees.importers.headings import words
from smarttrees.importers.vector import SHAPE
from smarttrees.models import ImportBatch, Stand, User
from smarttrees.services.imports import checks, column_values, staging
from smarttrees.services.imports.opening import Opened
from smarttrees.services.imports.species_match import SpeciesMatcher
from smarttrees.services.inventory.trees import service_area_enabled

FIELDS = ("external_id", "tieu_khu", "khoanh", "lo", "name", "species", "planting_year")
FIELDS += ("density", "owner", "forest_function", "area")
FUNCTIONS = {  # forest functions as the forest-status map writes them (folded)
    "san xuat": "production",
    "rsx": "production",
    "production": "production",
    "phong ho": "protection",
    "rph": "protection",
    "protection": "protection",
    "dac dung": "special_use",
    "rdd": "special_use",
    "special use": "special_use",
}
# The stands table's text lengths: a longer value is refused, never cut.
LIMITS = {f: Stand.__table__.c[f].type.length for f in ("external_id", "tieu_khu", "khoanh")}
LIMITS |= {f: Stand.__table__.c[f].type.length for f in ("lo", "name", "owner")}
AREA_TOLERANCE = 0.05  # a declared area more than 5 % off the drawn one is named

STAND_SQL = """
{create}
WITH v AS (
  SELECT r.row_number, r.extra, {shape} AS wkb, {external_id} AS id_text,
         {tieu_khu} AS tieu_khu, {khoanh} AS khoanh, {lo} AS lo, normalize({name}, NFC) AS name,
         {species} AS species_text, {planting_year} AS year_text, {density} AS density_text,
         normalize({owner}, NFC) AS owner, {forest_function} AS function_text, {area} AS area_text
    FROM import_raw AS r OFFSET 0
), drawn AS (
  SELECT v.*, ST_Force2D(ST_GeomFromWKB(decode(v.wkb, 'hex'), 4326)) AS shape FROM v OFFSET 0
), fixed AS (
  SELECT d.*, GeometryType(d.shape) AS shape_type,
         CASE WHEN NOT ST_IsValid(d.shape) THEN ST_IsValidReason(d.shape) END AS invalid_reason,
         CASE WHEN GeometryType(d.shape) IN ('POLYGON', 'MULTIPOLYGON')
              THEN nullif(ST_Multi(ST_CollectionExtract(ST_MakeValid(d.shape), 3)),
                          'SRID=4326;MULTIPOLYGON EMPTY'::geometry) END AS geom
    FROM drawn AS d OFFSET 0
), placed AS (
  SELECT f.*, ST_PointOnSurface(f.geom) AS inside, ST_Area(f.geom::geography) / 1e4 AS area_ha,
         import_number(f.area_text) * :area_factor AS declared_area_ha,
         import_number(f.year_text) AS year_number, import_number(f.density_text) AS density_number
    FROM fixed AS f OFFSET 0
)
SELECT p.row_number, p.extra, p.shape_type, p.invalid_reason, p.geom,
       ST_X(p.inside) AS lon, ST_Y(p.inside) AS lat, p.area_ha, p.area_text, p.declared_area_ha,
       coalesce(p.id_text, CASE WHEN coalesce(p.tieu_khu, p.khoanh, p.lo) IS NOT NULL
                                THEN concat_ws('/', p.tieu_khu, p.khoanh, p.lo) END,
                'shape:' || md5(ST_AsBinary(p.geom))) AS external_id,
       p.tieu_khu, p.khoanh, p.lo, p.name, p.owner,
       sp.name AS species_raw, sp.id AS species_id, sp.problem AS species_problem,
       p.year_text, CASE WHEN p.year_number BETWEEN 1900 AND 2200
                         THEN p.year_number::integer END AS planting_year,
       p.density_text, CASE WHEN p.density_number > 0 AND p.density_number <= 20000
                            THEN round(p.density_number)::integer END AS density,
       p.function_text, CAST(fn.value AS forest_function) AS forest_function,
       cu.id AS commune_id, NULL::text AS problem
  FROM placed AS p
  LEFT JOIN LATERAL (SELECT u.id FROM commune_parts AS u
                      WHERE ST_Intersects(u.geom, p.inside) LIMIT 1) AS cu ON true
  LEFT JOIN unnest(CAST(:species_texts AS text[]), CAST(:species_names AS text[]),
                   CAST(:species_ids AS integer[]), CAST(:species_problems AS text[]))
         AS sp (text, name, id, problem) ON sp.text = p.species_text
  LEFT JOIN unnest(CAST(:function_texts AS text[]), CAST(:function_values AS text[]))
         AS fn (text, value) ON fn.text = p.function_text
"""


def stage(opened: Opened, batch: ImportBatch, progress: Callable[..., None], *, keep: bool):
    """COPY the features (their polygons in WGS 84), then read them in SQL (`import_rows`)."""
    rows = _in_wgs84(opened)
    read = staging.stage_raw(rows, opened.columns, None, progress)
    progress(read, "checking")
    matcher = SpeciesMatcher(batch.species_choices)
    raw = column_values.raw_names(opened.columns)
    cells = {field: column_values.cell(opened.mapping, field, raw) for field in FIELDS}
    cells["shape"] = f"nullif(r.{raw[SHAPE]}, '')"
    sql = STAND_SQL.format(create=staging.create_sql(keep), **cells)
    db.session.execute(text(staging.COMMUNE_PARTS_SQL))
    db.session.execute(text(sql), _params(raw, opened, matcher))
    problems = _problems(opened.mapping)
    db.session.execute(text("DELETE FROM import_rows WHERE geom IS NULL"))
    matcher.count_rows(
        db.session.execute(text("SELECT species_raw, count(*) FROM import_rows GROUP BY 1"))
    )
    return staging.Staged(read=read, problems=problems, matcher=matcher)


def _in_wgs84(opened: Opened):
    """The features with their polygons in WGS 84 (a file in VN-2000 is the usual case)."""
    if opened.coordinates.identity:
        yield from opened.rows
        return
    transformer = Transformer.from_crs(opened.coordinates.crs, 4326, always_xy=True)

    def to_wgs84(xy):
        return shapely.transform(xy, lambda points: _transformed(transformer, points))

    for number, row in opened.rows:
        if row.get(SHAPE):
            shape = to_wgs84(shapely.from_wkb(row[SHAPE]))
            row = {**row, SHAPE: shapely.to_wkb(shape, hex=True)}
        yield number, row


def _transformed(transformer: Transformer, points):
    import numpy as np

    xs, ys = transformer.transform(points[:, 0], points[:, 1])
    return np.column_stack([xs, ys])


def _params(raw, opened: Opened, matcher: SpeciesMatcher) -> dict:
    functions = column_values.distinct(raw, opened.mapping, "forest_function")
    return {
        "area_factor": 1e-4 if opened.units.get("area") == "m2" else 1.0,
        **column_values.species_params(raw, opened.mapping, matcher),
        "function_texts": functions,
        "function_values": [FUNCTIONS.get(_function_key(f)) for f in functions],
    }


def _function_key(text_value: str) -> str:
    key = words(text_value)
    for prefix in ("rung ", "dat "):
        key = key.removeprefix(prefix)
    return key


PROBLEMS_SQL = """
SELECT row_number, 'shape', CASE WHEN shape_type IS NULL THEN 'shape_missing'
                                 ELSE 'geometry_not_polygon' END, shape_type
  FROM import_rows WHERE geom IS NULL
UNION ALL
SELECT row_number, 'shape', 'shape_repaired', invalid_reason
  FROM import_rows WHERE geom IS NOT NULL AND invalid_reason IS NOT NULL
UNION ALL
SELECT row_number, 'area', 'area_differs',
       round(declared_area_ha::numeric, 2) || ' ha ≠ ' || round(area_ha::numeric, 2) || ' ha'
  FROM import_rows
 WHERE geom IS NOT NULL AND declared_area_ha IS NOT NULL
   AND abs(declared_area_ha - area_ha) > :tolerance * area_ha
UNION ALL
SELECT row_number, 'planting_year', 'number_invalid', year_text
  FROM import_rows WHERE year_text IS NOT NULL AND planting_year IS NULL
UNION ALL
SELECT row_number, 'density', 'number_invalid', density_text
  FROM import_rows WHERE density_text IS NOT NULL AND density IS NULL
UNION ALL
SELECT row_number, 'forest_function', 'function_unknown', function_text
  FROM import_rows WHERE function_text IS NOT NULL AND forest_function IS NULL
UNION ALL
SELECT row_number, 'species', species_problem, species_raw
  FROM import_rows WHERE species_problem IS NOT NULL AND geom IS NOT NULL
"""


def _problems(mapping: dict) -> list[Problem]:
    columns = {field: (mapping.get(field, ""),) for field in FIELDS}
    columns["shape"] = ()
    found = db.session.execute(text(PROBLEMS_SQL), {"tolerance": AREA_TOLERANCE})
    problems = [Problem(row, code, columns[field], value) for row, field, code, value in found]
    for field, limit in LIMITS.items():
        too_long = db.session.execute(
            text(f"SELECT row_number, {field} FROM import_rows WHERE length({field}) > :n"),
            {"n": limit},
        )
        problems += [Problem(r, "text_too_long", columns[field], v) for r, v in too_long]
    return problems


# Set-wise, on the staged stands: ids twice in the file, plots another source's stand holds.
CHECKS_SQL = """
SELECT row_number, 'external_id_duplicate', external_id FROM import_rows
 WHERE external_id IN (SELECT external_id FROM import_rows GROUP BY 1 HAVING count(*) > 1)
UNION ALL
SELECT r.row_number, 'plot_taken', concat_ws('/', r.tieu_khu, r.khoanh, r.lo)
  FROM import_rows AS r JOIN stands AS s
    ON s.commune_id = r.commune_id AND s.tieu_khu = r.tieu_khu AND s.khoanh = r.khoanh
   AND s.lo = r.lo AND (s.source IS DISTINCT FROM :source OR s.external_id <> r.external_id)
UNION ALL
SELECT row_number, 'plot_taken', concat_ws('/', tieu_khu, khoanh, lo) FROM (
  SELECT row_number, tieu_khu, khoanh, lo,
         count(*) OVER (PARTITION BY commune_id, tieu_khu, khoanh, lo) AS holders
    FROM import_rows WHERE tieu_khu IS NOT NULL AND khoanh IS NOT NULL AND lo IS NOT NULL
) AS plots WHERE holders > 1
UNION ALL
SELECT row_number, 'outside_service_area', NULL FROM import_rows
 WHERE commune_id IS NULL AND :service_area
ORDER BY 1"""


def check(opened: Opened, staged: staging.Staged, batch: ImportBatch) -> dict:
    """Every problem of the staged stands, stored with the batch; the summary."""
    columns = {
        "external_id_duplicate": ("external_id",),
        "plot_taken": ("tieu_khu", "khoanh", "lo"),
    }
    found = db.session.execute(
        text(CHECKS_SQL), {"source": batch.source, "service_area": service_area_enabled()}
    )
    problems = [*staged.problems]
    for row, code, value in found:
        fields = columns.get(code, ("shape",))
        names = tuple(opened.mapping.get(f, "") for f in fields if opened.mapping.get(f))
        problems.append(Problem(row, code, names, value))
    return checks.summarize(opened, staged, batch, problems, already=_already(batch.source))


def _already(source: str) -> int:
    return db.session.scalar(
        text("""SELECT count(*) FROM import_rows AS r JOIN stands AS s
                  ON s.source = :source AND s.external_id = r.external_id
                 WHERE r.problem IS NULL"""),
        {"source": source},
    )


UPSERT_SQL = """
WITH written AS (
INSERT INTO stands (name, species_id, planting_year, density_per_ha, tieu_khu, khoanh, lo, owner,
                    forest_function, geom, source, external_id, declared_area_ha, import_batch_id)
SELECT r.name, r.species_id, r.planting_year, r.density, r.tieu_khu, r.khoanh, r.lo, r.owner,
       r.forest_function, r.geom, :source, r.external_id, r.declared_area_ha, :batch
  FROM import_rows AS r WHERE r.problem IS NULL
ON CONFLICT ON CONSTRAINT uq_stands_source_external_id DO UPDATE SET
       name = EXCLUDED.name, species_id = EXCLUDED.species_id,
       planting_year = EXCLUDED.planting_year, density_per_ha = EXCLUDED.density_per_ha,
       tieu_khu = EXCLUDED.tieu_khu, khoanh = EXCLUDED.khoanh, lo = EXCLUDED.lo,
       owner = EXCLUDED.owner, forest_function = EXCLUDED.forest_function, geom = EXCLUDED.geom,
       declared_area_ha = EXCLUDED.declared_area_ha, import_batch_id = EXCLUDED.import_batch_id
 WHERE (stands.name, stands.species_id, stands.planting_year, stands.density_per_ha,
        stands.tieu_khu, stands.khoanh, stands.lo, stands.owner, stands.forest_function,
        stands.declared_area_ha) IS DISTINCT FROM
       (EXCLUDED.name, EXCLUDED.species_id, EXCLUDED.planting_year, EXCLUDED.density_per_ha,
        EXCLUDED.tieu_khu, EXCLUDED.khoanh, EXCLUDED.lo, EXCLUDED.owner,
        EXCLUDED.forest_function, EXCLUDED.declared_area_ha)
    OR NOT ST_Equals(stands.geom, EXCLUDED.geom)
RETURNING xmax = 0 AS inserted)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written"""

# What a stand the upsert is about to change held, kept for an undo (the same test of change).
KEPT = ("name", "species_id", "planting_year", "density_per_ha", "tieu_khu", "khoanh", "lo",
        "owner", "forest_function", "declared_area_ha", "import_batch_id", "geom")  # fmt: skip
KEEP_SQL = f"""
INSERT INTO import_replaced_stands (batch_id, stand_id, {", ".join(KEPT)})
SELECT :batch, s.id, {", ".join(f"s.{column}" for column in KEPT)}
  FROM stands AS s JOIN import_rows AS r ON s.source = :source AND s.external_id = r.external_id
 WHERE r.problem IS NULL
   AND ((s.name, s.species_id, s.planting_year, s.density_per_ha, s.tieu_khu, s.khoanh, s.lo,
         s.owner, s.forest_function, s.declared_area_ha) IS DISTINCT FROM
        (r.name, r.species_id, r.planting_year, r.density, r.tieu_khu, r.khoanh, r.lo, r.owner,
         r.forest_function, r.declared_area_ha)
        OR NOT ST_Equals(s.geom, r.geom))"""

# The trees standing in the stands this import wrote belong to them now; a tree a stand's new
# boundary leaves out belongs to none. The stand each tree stood in first is kept, for an undo.
LEFT_OUT_SQL = """
WITH moved AS (
  SELECT t.id, t.stand_id FROM trees AS t
   WHERE t.stand_id IN (SELECT id FROM stands WHERE import_batch_id = :batch)
     AND NOT EXISTS (SELECT 1 FROM stands AS s
                      WHERE s.id = t.stand_id AND ST_Intersects(s.geom, t.geom))
), kept AS (
  INSERT INTO import_replaced_tree_stands (batch_id, tree_id, stand_id)
  SELECT :batch, id, stand_id FROM moved ON CONFLICT DO NOTHING
)
UPDATE trees AS t SET stand_id = NULL FROM moved WHERE t.id = moved.id"""
TAKEN_IN_SQL = """
WITH moved AS (
  SELECT t.id, t.stand_id AS before, s.id AS after
    FROM trees AS t JOIN stands AS s ON ST_Intersects(s.geom, t.geom)
   WHERE s.import_batch_id = :batch AND t.stand_id IS DISTINCT FROM s.id
), kept AS (
  INSERT INTO import_replaced_tree_stands (batch_id, tree_id, stand_id)
  SELECT DISTINCT ON (id) :batch, id, before FROM moved ON CONFLICT DO NOTHING
)
UPDATE trees AS t SET stand_id = moved.after FROM moved WHERE t.id = moved.id"""


def write(batch: ImportBatch, *, ready: int, actor: User | None) -> dict[str, int]:
    """Write the checked stands; then put the trees standing in them in them."""
    params = {"source": batch.source, "batch": batch.id}
    db.session.execute(text(KEEP_SQL), params)
    created, updated = db.session.execute(text(UPSERT_SQL), params).one()
    left_out = db.session.execute(text(LEFT_OUT_SQL), {"batch": batch.id}).rowcount
    taken_in = db.session.execute(text(TAKEN_IN_SQL), {"batch": batch.id}).rowcount
    return {
        "created": created,
        "updated": updated,
        "unchanged": ready - created - updated,
        "trees_assigned": taken_in,
        "trees_left_out": left_out,
    }
