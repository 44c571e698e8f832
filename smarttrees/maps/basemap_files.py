"""Basemap files read tile by tile: a PMTiles archive (vector or raster) or an MBTiles database,
as the province provides them (its topographic layers, its orthophoto) or as `flask basemap
build` makes them. The app serves their tiles itself: on a closed network no request leaves it.
"""

import gzip
import json
import mmap
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pmtiles.tile import (
    Compression,
    TileType,
    deserialize_directory,
    deserialize_header,
    find_tile,
    zxy_to_tileid,
)

GZIP_MAGIC = b"\x1f\x8b"


class BasemapUnreadable(ValueError):
    """The file is not a PMTiles archive or an MBTiles database that can be served."""


@dataclass(frozen=True)
class Tile:
    data: bytes
    media_type: str
    gzipped: bool = False


@dataclass(frozen=True)
class Info:
    """What a map needs to draw the basemap: vector or raster, its zooms, where it lies, and a
    vector basemap's layers."""

    kind: str  # vector | raster
    media_type: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]  # west, south, east, north
    layers: tuple[str, ...] = ()
    attribution: str = ""

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "minzoom": self.min_zoom,
            "maxzoom": self.max_zoom,
            "bounds": list(self.bounds),
            "layers": list(self.layers),
            "attribution": self.attribution,
        }


MEDIA_TYPES = {
    TileType.MVT: "application/vnd.mapbox-vector-tile",
    TileType.PNG: "image/png",
    TileType.JPEG: "image/jpeg",
    TileType.WEBP: "image/webp",
    TileType.AVIF: "image/avif",
}
MBTILES_FORMATS = {
    "pbf": "application/vnd.mapbox-vector-tile",
    "mvt": "application/vnd.mapbox-vector-tile",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}


def open_basemap(path: Path) -> "PMTilesFile | MBTilesFile":
    suffix = path.suffix.lower()
    try:
        if suffix == ".pmtiles":
            return PMTilesFile(path)
        if suffix == ".mbtiles":
            return MBTilesFile(path)
    except (OSError, ValueError, KeyError, sqlite3.Error) as error:
        raise BasemapUnreadable(f"{path.name}: {error}") from error
    raise BasemapUnreadable(f"{path.name}: a basemap is a .pmtiles or .mbtiles file")


class PMTilesFile:
    """A PMTiles v3 archive, mapped in memory; its directories are read once and kept."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            self._bytes = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self.header = deserialize_header(self._bytes[0:127])
        tile_type = self.header["tile_type"]
        if tile_type not in MEDIA_TYPES:
            raise ValueError(f"tiles of type {tile_type} cannot be drawn")
        self.media_type = MEDIA_TYPES[tile_type]
        if self.header["internal_compression"] != Compression.GZIP:
            raise ValueError("only archives with gzip-compressed directories can be read")
        self.gzipped = self.header["tile_compression"] == Compression.GZIP
        self._directory = lru_cache(maxsize=256)(self._read_directory)

    def _read_directory(self, offset: int, length: int):
        return deserialize_directory(self._bytes[offset : offset + length])  # gunzips itself

    def tile(self, z: int, x: int, y: int) -> Tile | None:
        if not self.header["min_zoom"] <= z <= self.header["max_zoom"]:
            return None
        tile_id = zxy_to_tileid(z, x, y)
        offset, length = self.header["root_offset"], self.header["root_length"]
        for _ in range(4):  # the format's deepest directory tree
            entry = find_tile(self._directory(offset, length), tile_id)
            if entry is None:
                return None
            if entry.run_length > 0:
                start = self.header["tile_data_offset"] + entry.offset
                return Tile(
                    self._bytes[start : start + entry.length], self.media_type, self.gzipped
                )
            offset = self.header["leaf_directory_offset"] + entry.offset
            length = entry.length
        return None

    def info(self) -> Info:
        header = self.header
        metadata = self._metadata()
        return Info(
            kind="vector" if header["tile_type"] == TileType.MVT else "raster",
            media_type=self.media_type,
            min_zoom=header["min_zoom"],
            max_zoom=header["max_zoom"],
            bounds=(
                header["min_lon_e7"] / 1e7,
                header["min_lat_e7"] / 1e7,
                header["max_lon_e7"] / 1e7,
                header["max_lat_e7"] / 1e7,
            ),
            layers=tuple(layer["id"] for layer in metadata.get("vector_layers", [])),
            attribution=str(metadata.get("attribution", "")),
        )

    def _metadata(self) -> dict:
        start, length = self.header["metadata_offset"], self.header["metadata_length"]
        data = self._bytes[start : start + length]
        if self.header["internal_compression"] == Compression.GZIP:
            data = gzip.decompress(data)
        return json.loads(data or b"{}")


class MBTilesFile:
    """An MBTiles database (rows counted from the south, as TMS does), opened read-only."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.metadata = dict(self._db.execute("SELECT name, value FROM metadata"))
        tile_format = self.metadata.get("format", "png").lower()
        if tile_format not in MBTILES_FORMATS:
            raise ValueError(f"tiles of format {tile_format} cannot be drawn")
        self.media_type = MBTILES_FORMATS[tile_format]

    def tile(self, z: int, x: int, y: int) -> Tile | None:
        row = self._db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (z, x, (1 << z) - 1 - y),
        ).fetchone()
        if row is None:
            return None
        data = bytes(row[0])
        return Tile(data, self.media_type, data.startswith(GZIP_MAGIC))

    def info(self) -> Info:
        zooms = self._db.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
        bounds = self.metadata.get("bounds", "-180,-85.0511,180,85.0511")
        layers = json.loads(self.metadata.get("json", "{}")).get("vector_layers", [])
        return Info(
            kind="vector" if "vector" in self.media_type else "raster",
            media_type=self.media_type,
            min_zoom=int(self.metadata.get("minzoom", zooms[0] or 0)),
            max_zoom=int(self.metadata.get("maxzoom", zooms[1] or 0)),
            bounds=tuple(float(v) for v in bounds.split(",")),
            layers=tuple(layer["id"] for layer in layers),
            attribution=self.metadata.get("attribution", ""),
        )
