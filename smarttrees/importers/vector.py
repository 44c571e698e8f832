"""GeoJSON, GeoPackage, KML and GPX through GDAL (pyogrio): the layer's points and attributes.

The path given is always a file the app saved itself; no user string reaches GDAL as a path
or a URL.
"""

import warnings
from collections.abc import Iterator
from pathlib import Path

import pyogrio
import shapely
from pyogrio import raw
from pyogrio.errors import DataSourceError

from smarttrees.importers.csvfile import NotATable

SUFFIXES = {".geojson", ".json", ".gpkg", ".kml", ".gpx"}
X, Y = "__x", "__y"  # the columns holding each feature's point coordinates
PREFERRED_LAYERS = ("waypoints",)  # GPX: the waypoints, not the tracks


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
            return preferred
    if not spatial:
        raise NotATable("This file has no layer with geometries.")
    return spatial[0]


def read_vector(path: Path, layer: str | None = None) -> tuple[list[str], Iterator, str]:
    """Columns, rows (1-based feature number, dict) and the layer's coordinate system."""
    try:
        name = choose_layer(path, layer)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            meta, _, geometries, values = raw.read(path, layer=name, force_2d=True)
    except DataSourceError as error:
        raise NotATable("This file cannot be read as GeoJSON, GeoPackage, KML or GPX.") from error
    columns = [str(field) for field in meta["fields"]]
    points = shapely.from_wkb(geometries)

    def rows() -> Iterator[tuple[int, dict]]:
        for index, point in enumerate(points):
            row = {column: _text(values[i][index]) for i, column in enumerate(columns)}
            if point is not None and not point.is_empty and point.geom_type == "Point":
                row[X], row[Y] = repr(point.x), repr(point.y)
            yield index + 1, row

    return [*columns, X, Y], rows(), meta["crs"] or "EPSG:4326"


def _text(value) -> str:
    if value is None:
        return ""
    text = str(value)
    return "" if text in ("nan", "NaT", "None") else text
