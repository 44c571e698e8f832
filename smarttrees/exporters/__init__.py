"""Tree files for other programs: Excel, GeoPackage, zipped Shapefile, KML. Pure: a writer takes
rows of plain values a batch at a time and never holds more than one batch, so a province's
export runs in constant memory; the columns are the ones SmartTrees' importer reads back."""

from pathlib import Path
from typing import NamedTuple

from smarttrees.exporters.columns import COLUMNS, Column
from smarttrees.exporters.kml import KmlWriter
from smarttrees.exporters.vector import VectorWriter, crs_name
from smarttrees.exporters.xlsx import XlsxWriter


class Format(NamedTuple):
    suffix: str
    mimetype: str
    crs: tuple[int, ...]  # the coordinate systems it can be written in (EPSG codes)


FORMATS = {
    "xlsx": Format(
        ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (4326,)
    ),
    "gpkg": Format(".gpkg", "application/geopackage+sqlite3", (4326, 9213)),
    "shp": Format(".shp.zip", "application/zip", (4326, 9213)),  # GDAL opens a .shp.zip as is
    "kml": Format(".kml", "application/vnd.google-earth.kml+xml", (4326,)),
}


def open_writer(fmt: str, path: Path, *, crs: int = 4326):
    """A writer of `fmt` to `path` (its `add(rows)` takes rows of (x, y, *COLUMNS values), its
    `finish()` closes the file); temporary files go beside `path`."""
    if fmt == "xlsx":
        return XlsxWriter(path)
    if fmt == "kml":
        return KmlWriter(path)
    return VectorWriter(path, shapefile=fmt == "shp", crs=crs)


__all__ = ["COLUMNS", "FORMATS", "Column", "Format", "crs_name", "open_writer"]
