"""Trees as a GeoPackage or a zipped Shapefile, through GDAL by pyogrio: the library the
importer reads them with.

Batches go into an unindexed staging GeoPackage; at the end one copy through GDAL's Arrow
stream writes the file asked for. Appending to an indexed GeoPackage updates its R-tree row by
row, each append slower as the file grows (20,000 trees took 0.06 s into an empty file, 0.45 s
into one of 600,000); the copy builds the index once, as ogr2ogr does. A shapefile is written in
that one copy too, so that GDAL sizes its text fields to their longest value (RESIZE) and the
.dbf stays far from dBase's 2 GB. A shapefile comes zipped with its .prj, a .cpg saying UTF-8
and a README.txt naming its fields.
"""

import shutil
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import shapely
from pyogrio import raw

from smarttrees.exporters.columns import COLUMNS, readme

LAYER = "trees"
CRS_NAMES = {4326: "EPSG:4326 (WGS 84)", 9213: "EPSG:9213 (VN-2000 / TM-3 106°30′)"}
DTYPES = {"text": object, "number": "float64", "date": "datetime64[D]"}
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
GEOPACKAGE_VERSION = "1.2"  # read without a warning by the GDAL of QGIS 3.22 and later
COPY_BATCH = 10_000


def crs_name(crs: int) -> str:
    return CRS_NAMES.get(crs, f"EPSG:{crs}")


def _geometry(xs: Sequence[float], ys: Sequence[float]) -> np.ndarray:
    points = shapely.points(np.asarray(xs, dtype="float64"), np.asarray(ys, dtype="float64"))
    return shapely.to_wkb(points)


class VectorWriter:
    """Rows of (x, y, *COLUMNS values) in `crs` as a GeoPackage, or a zipped Shapefile."""

    def __init__(self, path: Path, *, shapefile: bool, crs: int) -> None:
        self.path, self.shapefile, self.crs = path, shapefile, crs
        self.work = path.parent / f".{path.name}.work"
        self.work.mkdir(parents=True, exist_ok=True)
        self.staging = self.work / "staging.gpkg"
        self.names = [c.field if shapefile else c.name for c in COLUMNS]
        self.count = 0

    def add(self, rows: Sequence[tuple]) -> None:
        columns = list(zip(*rows, strict=True)) or [()] * (2 + len(COLUMNS))
        data = [
            np.array(v, dtype=DTYPES[c.kind]) for c, v in zip(COLUMNS, columns[2:], strict=True)
        ]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no crs given" when appending
            raw.write(
                self.staging,
                _geometry(columns[0], columns[1]),
                data,
                self.names,
                layer=LAYER,
                driver="GPKG",
                geometry_type="Point",
                crs=f"EPSG:{self.crs}",
                append=self.staging.exists(),
                layer_options=None if self.staging.exists() else {"SPATIAL_INDEX": "NO"},
            )
        self.count += len(rows)

    def finish(self) -> Path:
        if not self.staging.exists():
            self.add([])  # no tree: the layer and its columns alone
        try:
            if self.shapefile:
                self._zipped_shapefile()
            else:
                self._copy(self.path, "GPKG", dataset_options={"VERSION": GEOPACKAGE_VERSION})
        finally:
            shutil.rmtree(self.work, ignore_errors=True)
        return self.path

    def _copy(self, target: Path, driver: str, **options) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with raw.open_arrow(self.staging, batch_size=COPY_BATCH) as (meta, stream):
                raw.write_arrow(
                    stream,
                    target,
                    layer=LAYER,
                    driver=driver,
                    geometry_name=meta["geometry_name"],
                    geometry_type="Point",
                    crs=f"EPSG:{self.crs}",
                    **options,
                )

    def _zipped_shapefile(self) -> None:
        stem = self.path.name.removesuffix(".zip").removesuffix(".shp")
        folder = self.work / "shapefile"
        folder.mkdir()
        shp = folder / f"{stem}.shp"
        self._copy(shp, "ESRI Shapefile", encoding="UTF-8", layer_options={"RESIZE": "YES"})
        text = readme(stem, crs=crs_name(self.crs), count=self.count)
        with zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED) as archive:
            for suffix in SHAPEFILE_PARTS:
                archive.write(shp.with_suffix(suffix), f"{stem}{suffix}")
            archive.writestr("README.txt", text.encode("utf-8"))
