"""The province's own layers for a basemap: roads, rivers and lakes, villages, communes, land
use, from Shapefile (zipped or not), GeoPackage, GeoJSON or KML. Each file is one kind of
layer, said by the user (`roads=duong_giao_thong.shp`) or read from its name; each feature
keeps its name (the Vietnamese one when the file has it), in WGS 84."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import shapely
from pyproj import CRS, Transformer

from smarttrees.importers import archive
from smarttrees.importers.csvfile import NotATable
from smarttrees.importers.headings import words
from smarttrees.importers.vector import SHAPE, read_vector

# The kinds a basemap draws, and the words of a file's or layer's name that tell each one.
KIND_WORDS = {
    "roads": (
        "road",
        "roads",
        "duong",
        "giao thong",
        "giaothong",
        "highway",
        "street",
        "streets",
        "gt",
    ),
    "water": (
        "water",
        "waterway",
        "waterways",
        "river",
        "rivers",
        "song",
        "suoi",
        "ho",
        "kenh",
        "lake",
        "lakes",
        "stream",
        "thuy he",
        "thuy van",
        "mat nuoc",
    ),
    "places": (
        "place",
        "places",
        "village",
        "villages",
        "thon",
        "xom",
        "ban",
        "dan cu",
        "populated",
        "settlement",
        "settlements",
        "town",
        "towns",
        "dia danh",
    ),
    "boundaries": (
        "commune",
        "communes",
        "xa",
        "ranh gioi",
        "boundary",
        "boundaries",
        "admin",
        "huyen",
        "district",
        "tinh",
        "province",
        "dia gioi",
    ),
    "landuse": ("landuse", "land use", "forest", "rung", "hien trang", "landcover"),
}
KINDS = tuple(KIND_WORDS)
# A feature's name, the Vietnamese first.
NAME_COLUMNS = ("name vi", "ten", "ten xa", "ten thon", "ten song", "ten duong", "name", "nam")


@dataclass(frozen=True)
class LayerFile:
    kind: str
    path: Path
    layer: str | None = None


def layer_file(argument: str) -> LayerFile:
    """`roads=duong.shp` or `duong.shp` (its kind read from its name); `file.gpkg:layer`
    takes one layer of a GeoPackage."""
    kind, _, rest = argument.rpartition("=") if "=" in argument else ("", "", argument)
    path_text, _, layer = rest.partition(":") if rest.count(":") == 1 else (rest, "", "")
    path = Path(path_text)
    kind = kind or guess_kind(path, layer or None) or ""
    if kind not in KINDS:
        raise NotATable(
            f"{path.name}: say which kind of layer this is ({', '.join(KINDS)}), "
            f"e.g. roads={path.name}"
        )
    return LayerFile(kind, path, layer or None)


def guess_kind(path: Path, layer: str | None = None) -> str | None:
    said = f" {words(path.stem.replace('_', ' '))} {words((layer or '').replace('_', ' '))} "
    for kind, known in KIND_WORDS.items():
        if any(f" {word} " in said for word in known):
            return kind
    return None


def features(source: LayerFile, work: Path) -> Iterator[tuple[str, str | None]]:
    """Each feature of the layer: its geometry (WKB in hexadecimal, WGS 84) and its name."""
    path = source.path
    if path.suffix.lower() == ".zip":
        path = archive.unpack_shapefile(path, work, source.layer)
    columns, rows, crs = read_vector(
        path, None if path != source.path else source.layer, shapes=True
    )
    name_column = _name_column(columns)
    to_wgs84 = _transformer(crs)
    for _, row in rows:
        if not row.get(SHAPE):
            continue
        shape = shapely.from_wkb(row[SHAPE])
        if to_wgs84 is not None:
            shape = shapely.transform(shape, to_wgs84, interleaved=False)
        name = (row.get(name_column) or "").strip() if name_column else ""
        yield shapely.to_wkb(shape, hex=True), name or None


def _name_column(columns: list[str]) -> str | None:
    folded = {words(column.replace("_", " ").replace(":", " ")): column for column in columns}
    return next((folded[name] for name in NAME_COLUMNS if name in folded), None)


def _transformer(crs: str | None):
    if not crs:
        return None  # GeoJSON and KML are WGS 84
    source = CRS.from_user_input(crs)
    if source.to_epsg() == 4326:
        return None
    transformer = Transformer.from_crs(source, 4326, always_xy=True)
    return lambda x, y: transformer.transform(x, y)
