"""Mapbox vector tiles straight from PostGIS: trees (clusters or points), stands, communes.

Clusters come from the tallies the database keeps (tree_cells), so a province of trees is
summed from a few thousand rows instead of drawn from a million. A filter the tallies do not
carry (commune, planting year) is selective by nature and is aggregated from the trees table.
"""

from dataclasses import dataclass

from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.geo.tiles import Tile, cell_range, version_area
from smarttrees.models import Condition, TreeCategory
from smarttrees.models.tally import CELLS_PER_TILE, MAX_ZOOM, MIN_ZOOM, VERSION_ZOOM

POINTS_FROM_ZOOM = 15  # below this, trees always come as clusters
POINT_LIMIT = 4000  # a tile holding more trees than this shows clusters instead
# Tallies are kept at 8 cells a tile side (32 px); clusters pair them up to 4 a side (64 px).
GROUP_BITS = 1
CLUSTERS_PER_TILE = CELLS_PER_TILE >> GROUP_BITS
EXTENT = 4096
# A circle near a tile's edge is drawn by both tiles it crosses: each tile also carries the
# clusters of the groups around it, kept when they lie within the buffer (a cluster's circle
# is at most 22 px of a 256 px tile; a tree's 7 px).
CLUSTER_BUFFER = 384
POINT_BUFFER = 128
HALF_WORLD = 20037508.342789244
WORLD = 2 * HALF_WORLD


@dataclass(frozen=True)
class TileFilter:
    category: TreeCategory | None = None
    condition: Condition | None = None
    species_ids: tuple[int, ...] = ()
    commune_id: int | None = None
    planted_year: int | None = None
    import_batch_id: int | None = None  # the trees an import wrote

    @property
    def tallied(self) -> bool:
        """True when the tallies can answer (they carry category, condition, species)."""
        return self.commune_id is None and self.planted_year is None and not self.import_batch_id

    def key(self) -> str:
        return "|".join(
            str(v)
            for v in (
                self.category.value if self.category else "",
                self.condition.value if self.condition else "",
                ",".join(map(str, self.species_ids)),
                self.commune_id or "",
                self.planted_year or "",
                self.import_batch_id or "",
            )
        )


def _where(filters: TileFilter, prefix: str = "") -> tuple[str, dict]:
    clauses, params = [], {}
    if filters.category:
        clauses.append(f"{prefix}category = CAST(:category AS tree_category)")
        params["category"] = filters.category.value
    if filters.condition:
        clauses.append(f"{prefix}condition = CAST(:condition AS tree_condition)")
        params["condition"] = filters.condition.value
    if filters.species_ids:
        clauses.append(f"{prefix}species_id = ANY(:species_ids)")
        params["species_ids"] = list(filters.species_ids)
    if filters.commune_id:
        clauses.append(f"{prefix}commune_id = :commune_id")
        params["commune_id"] = filters.commune_id
    if filters.planted_year:
        clauses.append(f"{prefix}planted_on >= make_date(:year, 1, 1)")
        clauses.append(f"{prefix}planted_on < make_date(:year + 1, 1, 1)")
        params["year"] = filters.planted_year
    if filters.import_batch_id:
        clauses.append(f"{prefix}import_batch_id = :import_batch_id")
        params["import_batch_id"] = filters.import_batch_id
    return "".join(f" AND {c}" for c in clauses), params


_CLUSTER_COLUMNS = f"""
    sum(n)::int AS count,
    sum(n) FILTER (WHERE category = 'urban')::int AS urban,
    sum(n) FILTER (WHERE category = 'scattered')::int AS scattered,
    sum(n) FILTER (WHERE category = 'plantation')::int AS plantation,
    sum(n) FILTER (WHERE condition = 'good')::int AS good,
    sum(n) FILTER (WHERE condition = 'fair')::int AS fair,
    sum(n) FILTER (WHERE condition = 'poor')::int AS poor,
    sum(n) FILTER (WHERE condition IN ('dead', 'removed'))::int AS dead,
    ST_AsMVTGeom(ST_MakePoint(sum(sx) / sum(n), sum(sy) / sum(n)),
                 ST_TileEnvelope(:z, :x, :y), 4096, {CLUSTER_BUFFER}) AS geom
"""


def _tallied_cells_sql(where: str) -> str:
    return f"""
    SELECT cx >> (:shift + {GROUP_BITS}) AS gx, cy >> (:shift + {GROUP_BITS}) AS gy,
           category, condition,
           trees AS n, sum_x AS sx, sum_y AS sy
      FROM tree_cells
     WHERE zoom = :cell_zoom AND cx BETWEEN :x0 AND :x1 AND cy BETWEEN :y0 AND :y1 {where}
    """


def _live_cells_sql(where: str) -> str:
    cells = f"(:cells_per_tile << :z)::float8 / {WORLD}"
    return f"""
    SELECT floor((ST_X(p) + {HALF_WORLD}) * {cells})::int AS gx,
           floor(({HALF_WORLD} - ST_Y(p)) * {cells})::int AS gy,
           category, condition, 1 AS n, ST_X(p) AS sx, ST_Y(p) AS sy
      FROM (SELECT ST_Transform(geom, 3857) AS p, category, condition FROM trees
             WHERE geom && ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => :ring_margin), 4326)
                   {where}) AS t
    """


def _cluster_tile(tile: Tile, filters: TileFilter) -> bytes:
    where, params = _where(filters)
    cells = cell_range(tile, min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM, cells_per_tile=CELLS_PER_TILE)
    tallied = filters.tallied and tile.z <= MAX_ZOOM  # finer tiles are small: sum them live
    source = _tallied_cells_sql(where) if tallied else _live_cells_sql(where)
    sql = f"""
    SELECT ST_AsMVT(q, 'clusters', {EXTENT}, 'geom') FROM (
      SELECT {_CLUSTER_COLUMNS} FROM ({source}) AS c GROUP BY gx, gy HAVING sum(n) > 0
    ) AS q WHERE geom IS NOT NULL
    """
    ring = 1 << (cells.shift + GROUP_BITS)  # one group of cells around the tile
    params.update(z=tile.z, x=tile.x, y=tile.y, cells_per_tile=CLUSTERS_PER_TILE)
    params.update(cell_zoom=cells.zoom, shift=cells.shift, ring_margin=1.0 / CLUSTERS_PER_TILE)
    params.update(x0=cells.x0 - ring, x1=cells.x1 + ring, y0=cells.y0 - ring, y1=cells.y1 + ring)
    return bytes(db.session.scalar(text(sql), params))


def _trees_in_tile(tile: Tile, filters: TileFilter, *, limit: int) -> int:
    """How many trees the tile holds, counted up to limit + 1 (enough to decide)."""
    where, params = _where(filters)
    params.update(z=tile.z, x=tile.x, y=tile.y, limit=limit + 1)
    if filters.tallied and tile.z <= MAX_ZOOM:
        cells = cell_range(
            tile, min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM, cells_per_tile=CELLS_PER_TILE
        )
        params.update(cell_zoom=cells.zoom, x0=cells.x0, x1=cells.x1, y0=cells.y0, y1=cells.y1)
        sql = f"""SELECT coalesce(sum(trees), 0) FROM tree_cells
                   WHERE zoom = :cell_zoom AND cx BETWEEN :x0 AND :x1
                     AND cy BETWEEN :y0 AND :y1 {where}"""
    else:
        sql = f"""SELECT count(*) FROM (SELECT 1 FROM trees
                   WHERE geom && ST_Transform(ST_TileEnvelope(:z, :x, :y), 4326) {where}
                   LIMIT :limit) AS t"""
    return int(db.session.scalar(text(sql), params))


def _point_tile(tile: Tile, filters: TileFilter) -> bytes:
    where, params = _where(filters, prefix="t.")
    sql = f"""
    SELECT ST_AsMVT(q, 'trees', {EXTENT}, 'geom') FROM (
      SELECT t.code, t.category::text AS category, t.condition::text AS condition,
             t.species_id, s.vi_name AS species, t.dbh_cm::float8 AS dbh_cm,
             ST_AsMVTGeom(ST_Transform(t.geom, 3857), ST_TileEnvelope(:z, :x, :y),
                          {EXTENT}, {POINT_BUFFER}) AS geom
        FROM trees AS t LEFT JOIN species AS s ON s.id = t.species_id
       WHERE t.geom && ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => :margin), 4326)
             {where}
    ) AS q
    """
    params.update(z=tile.z, x=tile.x, y=tile.y, margin=POINT_BUFFER / EXTENT)
    return bytes(db.session.scalar(text(sql), params))


def _no_parallel_query() -> None:
    """Tile queries are many and small: parallel workers only add start-up time."""
    db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def tree_tile(tile: Tile, filters: TileFilter) -> bytes:
    """Trees of a tile: clusters with counts when zoomed out or dense, else each tree."""
    _no_parallel_query()
    if tile.z >= POINTS_FROM_ZOOM and _trees_in_tile(tile, filters, limit=POINT_LIMIT) <= (
        POINT_LIMIT
    ):
        return _point_tile(tile, filters)
    return _cluster_tile(tile, filters)


def stand_tile(tile: Tile) -> bytes:
    sql = f"""
    SELECT ST_AsMVT(q, 'stands', {EXTENT}, 'geom') FROM (
      SELECT st.id, st.name, sp.vi_name AS species, st.planting_year,
             st.area_ha::float8 AS area_ha, st.tieu_khu, st.khoanh, st.lo,
             ST_AsMVTGeom(ST_Transform(st.geom, 3857), ST_TileEnvelope(:z, :x, :y),
                          {EXTENT}, 64) AS geom
        FROM stands AS st LEFT JOIN species AS sp ON sp.id = st.species_id
       WHERE st.geom && ST_Transform(ST_TileEnvelope(:z, :x, :y), 4326)
    ) AS q
    """
    return bytes(db.session.scalar(text(sql), {"z": tile.z, "x": tile.x, "y": tile.y}))


def commune_tile(tile: Tile) -> bytes:
    """Commune polygons with their tree count and density, for the choropleth."""
    sql = f"""
    SELECT ST_AsMVT(q, 'communes', {EXTENT}, 'geom') FROM (
      SELECT u.code, u.name, u.level::text AS level, u.area_ha::float8 AS area_ha,
             coalesce(t.trees, 0) AS trees,
             round(coalesce(t.trees, 0) / nullif(u.area_ha, 0), 4)::float8 AS trees_per_ha,
             round(100.0 * t.poor / nullif(t.trees, 0), 1)::float8 AS poor_share,
             ST_AsMVTGeom(ST_Transform(ST_Simplify(u.geom, :tolerance), 3857),
                          ST_TileEnvelope(:z, :x, :y), {EXTENT}, 64) AS geom
        FROM admin_units AS u
        LEFT JOIN (SELECT commune_id, sum(trees)::int AS trees,
                          sum(trees) FILTER (WHERE condition IN ('poor', 'dead'))::int AS poor
                     FROM commune_tallies GROUP BY commune_id) AS t ON t.commune_id = u.id
       WHERE u.level <> 'province'
         AND u.geom && ST_Transform(ST_TileEnvelope(:z, :x, :y), 4326)
    ) AS q
    """
    tolerance = 360 / (256 << tile.z) / 2  # half a pixel, in degrees
    params = {"z": tile.z, "x": tile.x, "y": tile.y, "tolerance": tolerance}
    return bytes(db.session.scalar(text(sql), params))


def tree_tile_version(tile: Tile) -> int:
    """Changes whenever a tree inside the tile (or its version area) changes, or one around
    it, whose circle the tile draws in part."""
    x0, x1, y0, y1 = version_area(tile, version_zoom=VERSION_ZOOM)
    x0, x1, y0, y1 = x0 - 1, x1 + 1, y0 - 1, y1 + 1
    sql = """SELECT coalesce(max(version), 0) FROM tile_versions
              WHERE x BETWEEN :x0 AND :x1 AND y BETWEEN :y0 AND :y1"""
    return int(db.session.scalar(text(sql), {"x0": x0, "x1": x1, "y0": y0, "y1": y1}))


def layer_version(layer: str) -> int:
    sql = "SELECT coalesce(max(version), 0) FROM layer_versions WHERE layer = :layer"
    return int(db.session.scalar(text(sql), {"layer": layer}))
