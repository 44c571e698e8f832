"""GeoJSON in and out of Shapely."""

import json
from collections.abc import Iterator
from pathlib import Path

from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry

# Thái Nguyên's extent, padded: a quick plausibility check before any database work.
LONGITUDE_RANGE = (-180.0, 180.0)
LATITUDE_RANGE = (-90.0, 90.0)


def read_features(path: Path) -> Iterator[tuple[dict, BaseGeometry]]:
    """Each feature's properties and Shapely geometry from a GeoJSON file."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        yield feature["properties"], shape(feature["geometry"])


def as_multipolygon(geometry: BaseGeometry) -> MultiPolygon:
    if isinstance(geometry, Polygon):
        return MultiPolygon([geometry])
    if isinstance(geometry, MultiPolygon):
        return geometry
    raise ValueError(f"expected a polygon, got {geometry.geom_type}")


def lonlat_point(lon: float, lat: float) -> Point:
    """A WGS 84 point, refusing values that cannot be longitude and latitude."""
    if not LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]:
        raise ValueError("longitude must be between -180 and 180")
    if not LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1]:
        raise ValueError("latitude must be between -90 and 90")
    return Point(lon, lat)
