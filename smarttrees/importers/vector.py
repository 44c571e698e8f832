"""GeoJSON, GeoPackage, Shapefile, KML and GPX through GDAL (pyogrio): points and attributes.

The path given is always a file the app saved or unpacked itself; no user string reaches GDAL
as a path or a URL, and reading a file never makes a network request: a GeoJSON that names its
coordinate system by a web link is refused before GDAL reads it, and GDAL's HTTP client is
pointed at a closed local port for good measure.
"""

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pyogrio
import shapely
from pyogrio import raw
from pyogrio.errors import DataLayerError, DataSourceError

from smarttrees.importers.csvfile import NotATable

SUFFIXES = {".geojson", ".json", ".gpkg", ".kml", ".gpx", ".shp"}
X, Y = "__x", "__y"  # the columns holding each feature's point coordinates
GEOMETRY = "__geometry"  # the type of a feature that is not a point
SHAPE = "__shape"  # a feature's whole geometry as hexadecimal WKB (stands: polygons)
PREFERRED_LAYERS = ("waypoints",)  # GPX: the waypoints, not the tracks
GPX_POINT_LAYERS = ("waypoints", "route_points", "track_points")


# GDAL fetches a GeoJSON "crs" of type "link" (or "url") from the web: no such request leaves
# a government network's server. Any other HTTP GDAL might try goes to a closed port, at once.
pyogrio.set_gdal_config_options(
    {"GDAL_HTTP_PROXY": "127.0.0.1:9", "GDAL_HTTP_TIMEOUT": "1", "GDAL_HTTP_MAX_RETRY": "0"}
)
_LINKED_CRS = re.compile(rb'"crs"\s*:\s*\{.{0,400}?"(?:link|href|url)"', re.I | re.S)


def check_geojson(path: Path) -> None:
    """Refuse a GeoJSON whose coordinate system is a web link (the 2008 GeoJSON "link" crs)."""
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if _LINKED_CRS.search(head):
        raise NotATable(
            "This GeoJSON names its coordinate system by a web link, which SmartTrees does not "
            "follow: save the file again as plain GeoJSON (WGS 84) or as a GeoPackage."
        )


def choose_layer(path: Path, layer: str | None) -> str:
    """The layer asked for, else GPX waypoints, else the first layer with geometries."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layers = [(name, kind) for name, kind in pyogrio.list_layers(path)]
    names = [name for name, _ in layers]
    if layer:
        if layer not in names:
            raise NotATable(f"No layer {layer!r} in this file; it has: {', '.join(names)}.")
        return layer
    spatial = [name for name, kind in layers if kind]
    for preferred in PREFERRED_LAYERS:
        if preferred in spatial:
            if _count(path, preferred) == 0 and path.suffix.lower() == ".gpx":
                raise NotATable(
                    "This GPX file has no waypoints, only tracks or routes: mark each tree as a "
                    "waypoint (or choose the layer track_points to import every track point)."
                )
            return preferred
    if not spatial:
        raise NotATable("This file has no layer with geometries.")
    return spatial[0]


def _count(path: Path, layer: str) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pyogrio.read_info(path, layer=layer, force_feature_count=True)["features"]


def read_vector(
    path: Path, layer: str | None = None, *, shapes: bool = False
) -> tuple[list[str], Iterator, str | None]:
    """Columns, rows (1-based feature number, dict) and the layer's coordinate system; each
    row carries its point (X, Y), or with `shapes` its whole geometry (SHAPE)."""
    if path.suffix.lower() in (".geojson", ".json"):
        check_geojson(path)
    try:
        name = choose_layer(path, layer)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            meta, _, geometries, values = raw.read(path, layer=name, force_2d=True)
    except (DataSourceError, DataLayerError) as error:
        raise NotATable(
            "This file cannot be read as GeoJSON, GeoPackage, Shapefile, KML or GPX "
            f"({str(error).splitlines()[0][:200]})."
        ) from error
    if geometries is None:
        raise NotATable(f"The layer {name!r} has no geometries.")
    columns = [str(field) for field in meta["fields"]]
    geometries_read = shapely.from_wkb(geometries)

    def rows() -> Iterator[tuple[int, dict]]:
        for index, shape in enumerate(geometries_read):
            row = {column: _text(values[i][index]) for i, column in enumerate(columns)}
            if shapes:
                row[SHAPE] = "" if shape is None else shapely.to_wkb(shape, hex=True)
            else:
                row.update(_point(shape))
            yield index + 1, row

    extra = [SHAPE] if shapes else [X, Y]
    return [*columns, *extra], rows(), meta["crs"]


def _point(shape) -> dict:
    """X and Y of a point (or of a multipoint of one point); the type of anything else."""
    if shape is None or shape.is_empty:
        return {}
    if shape.geom_type == "MultiPoint" and len(shape.geoms) == 1:
        shape = shape.geoms[0]
    if shape.geom_type == "Point":
        return {X: repr(shape.x), Y: repr(shape.y)}
    return {GEOMETRY: shape.geom_type}


def _text(value) -> str:
    if value is None:
        return ""
    text = str(value)
    return "" if text in ("nan", "NaT", "None") else text
