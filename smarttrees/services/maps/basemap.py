"""A vector basemap made from the province's own layers (roads, rivers, villages, land use)
and its communes, as one PMTiles file the app serves itself: on a closed network the map still
has roads and villages under its trees.

The layers go into a temporary PostGIS table in Web Mercator; PostGIS cuts each tile
(ST_AsMVT, one query per zoom level) and the tiles are written, compressed, in the order of
their PMTiles ids. Zoom levels above the last one built are drawn from it by the map.
"""

import gzip
import math
import tempfile
from collections.abc import Callable
from pathlib import Path

from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write
from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.maps.basemap_layers import LayerFile, features
from smarttrees.services.imports.copying import copy_rows

EXTENT = 4096  # a tile's coordinate grid: 2.4 m at zoom 12, 1.2 m at 13
BUFFER = 64

FEATURES_SQL = """
CREATE TEMP TABLE basemap_features (layer text, name text, kind text,
                                    geom geometry(Geometry, 3857)) ON COMMIT DROP;
CREATE TEMP TABLE basemap_row (name text, kind text, geom geometry) ON COMMIT DROP;
CREATE TEMP TABLE basemap_wkb (layer text, name text, wkb text) ON COMMIT DROP;
"""

# The communes of the reference data: their outlines, and their names at a point inside.
COMMUNES_SQL = """
INSERT INTO basemap_features (layer, name, kind, geom)
SELECT 'communes', name, CAST(level AS text), ST_Transform(geom, 3857)
  FROM admin_units WHERE level <> 'province'
UNION ALL
SELECT 'boundaries', name, 'province', ST_Transform(ST_Boundary(geom), 3857)
  FROM admin_units WHERE level = 'province'
UNION ALL
SELECT 'places', name, CAST(level AS text), ST_Transform(ST_PointOnSurface(geom), 3857)
  FROM admin_units WHERE level <> 'province'
"""

# A file's features, read in WGS 84; broken rings are repaired, empty shapes left out.
LAYER_SQL = """
INSERT INTO basemap_features (layer, name, kind, geom)
SELECT w.layer, w.name, lower(GeometryType(g)), ST_Transform(g, 3857)
  FROM basemap_wkb AS w,
       LATERAL ST_MakeValid(ST_SetSRID(ST_GeomFromWKB(decode(w.wkb, 'hex')), 4326)) AS g
 WHERE NOT ST_IsEmpty(g)
"""

# A commune named as the town it holds (ward Bắc Kạn in the town of Bắc Kạn) is named once: the
# town's label, shown from a smaller zoom, stands for both.
ONE_NAME_SQL = """
DELETE FROM basemap_features AS c
 WHERE c.layer = 'places' AND c.kind IN ('commune', 'ward')
   AND EXISTS (SELECT 1 FROM basemap_features AS t
                WHERE t.layer = 'places' AND t.kind NOT IN ('commune', 'ward')
                  AND t.name = c.name AND ST_DWithin(t.geom, c.geom, 15000))"""

TILES_SQL = """
WITH tiles AS (
  SELECT x, y, ST_TileEnvelope(:z, x, y) AS envelope
    FROM generate_series(:x0, :x1) AS x, generate_series(:y0, :y1) AS y
), cut AS (
  SELECT t.x, t.y, f.layer, f.name, f.kind,
         ST_AsMVTGeom(f.geom, t.envelope, :extent, :buffer, true) AS geom
    FROM tiles AS t
    JOIN basemap_features AS f
      ON f.geom && ST_TileEnvelope(:z, t.x, t.y, margin => CAST(:buffer AS float8) / :extent)
), layers AS (
  SELECT x, y, layer,
         ST_AsMVT(CAST(ROW(name, kind, geom) AS basemap_row), layer, :extent, 'geom') AS mvt
    FROM cut WHERE geom IS NOT NULL
   GROUP BY x, y, layer
)
SELECT x, y, string_agg(mvt, ''::bytea ORDER BY layer) FROM layers GROUP BY x, y
"""

LAYER_FIELDS = {"name": "String", "kind": "String"}

# The basemap covers the province and a margin around it (a national roads file is cut there).
MARGIN_DEGREES = 0.2
BOUNDS_SQL = """
SELECT ST_XMin(e) - :margin, ST_YMin(e) - :margin, ST_XMax(e) + :margin, ST_YMax(e) + :margin
  FROM (SELECT ST_Extent(geom) AS e FROM admin_units) AS province"""


def build_basemap(
    layers: list[LayerFile],
    out: Path,
    *,
    min_zoom: int = 6,
    max_zoom: int = 13,
    attribution: str = "",
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write the basemap of the given layers and the communes to `out` (a .pmtiles file);
    what it holds. Nothing is kept in the database."""
    db.session.execute(text(FEATURES_SQL))
    db.session.execute(text(COMMUNES_SQL))
    with tempfile.TemporaryDirectory(prefix="smarttrees-basemap-") as work:
        for layer in layers:
            _load(layer, Path(work))
            if progress:
                progress(f"{layer.kind}: {layer.path.name}")
    db.session.execute(text(ONE_NAME_SQL))
    db.session.execute(text("CREATE INDEX ON basemap_features USING gist (geom)"))
    db.session.execute(text("ANALYZE basemap_features"))
    counts = dict(
        db.session.execute(text("SELECT layer, count(*) FROM basemap_features GROUP BY 1")).all()
    )
    bounds = tuple(db.session.execute(text(BOUNDS_SQL), {"margin": MARGIN_DEGREES}).one())
    metadata = _metadata(counts, attribution)
    tiles = _write(out, bounds, metadata, (min_zoom, max_zoom), progress)
    db.session.rollback()
    return {
        "file": str(out),
        "features": counts,
        "tiles": tiles,
        "bounds": list(bounds),
        "zooms": [min_zoom, max_zoom],
        "bytes": out.stat().st_size,
    }


def _load(layer: LayerFile, work: Path) -> None:
    db.session.execute(text("TRUNCATE basemap_wkb"))
    copy_rows(
        "basemap_wkb",
        ("layer", "name", "wkb"),
        ((layer.kind, name, wkb) for wkb, name in features(layer, work)),
    )
    db.session.execute(text(LAYER_SQL))


def _write(out: Path, bounds, metadata: dict, zooms: tuple[int, int], progress) -> int:
    """Cut every tile of every zoom level and write them in the order of their ids."""
    cut: dict[int, bytes] = {}
    min_zoom, max_zoom = zooms
    for z in range(min_zoom, max_zoom + 1):
        (x0, y0), (x1, y1) = _tile(bounds[0], bounds[3], z), _tile(bounds[2], bounds[1], z)
        params = {"z": z, "x0": x0, "x1": x1, "y0": y0, "y1": y1}
        rows = db.session.execute(text(TILES_SQL), {**params, "extent": EXTENT, "buffer": BUFFER})
        for x, y, mvt in rows:
            cut[zxy_to_tileid(z, x, y)] = gzip.compress(bytes(mvt), mtime=0)
        if progress:
            progress(f"zoom {z}: {len(cut)} tiles")
    out.parent.mkdir(parents=True, exist_ok=True)
    with write(out) as writer:
        for tile_id in sorted(cut):
            writer.write_tile(tile_id, cut[tile_id])
        writer.finalize(_header(bounds, min_zoom, max_zoom), metadata)
    return len(cut)


def _tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def _header(bounds, min_zoom: int, max_zoom: int) -> dict:
    west, south, east, north = bounds
    return {
        "tile_type": TileType.MVT,
        "tile_compression": Compression.GZIP,
        "min_zoom": min_zoom,
        "max_zoom": max_zoom,
        "min_lon_e7": int(west * 1e7),
        "min_lat_e7": int(south * 1e7),
        "max_lon_e7": int(east * 1e7),
        "max_lat_e7": int(north * 1e7),
        "center_zoom": min(max_zoom, 10),
        "center_lon_e7": int((west + east) / 2 * 1e7),
        "center_lat_e7": int((south + north) / 2 * 1e7),
    }


def _metadata(counts: dict, attribution: str) -> dict:
    return {
        "name": "SmartTrees basemap",
        "description": "Built by `flask basemap build` from the province's layers",
        "attribution": attribution,
        "vector_layers": [
            {"id": layer, "fields": LAYER_FIELDS, "description": f"{n} features"}
            for layer, n in sorted(counts.items())
        ],
    }
