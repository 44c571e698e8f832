"""Where a survey row's point is: a WKT or "lat lon" field read, coordinates transformed to
WGS 84 (pyproj, on arrays), numbers with a decimal comma. Plain longitude/latitude columns are
left to SQL."""

import math
import re

import shapely
import shapely.errors
from pyproj import CRS, Transformer

from smarttrees.importers.mapping import COORDINATE_KINDS, coordinate_kind


def parse_number(text: str) -> float:
    """'12,5', '1.234,5', '1 234.5', '12.5' → float; ValueError otherwise (as import_number
    in SQL does)."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in value and "." in value:
        # The last separator is the decimal one.
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif "," in value:
        value = value.replace(",", ".")
    # ASCII only, as import_number in SQL: float() also reads "١٢" and "1_000"
    if not value.isascii() or "_" in value:
        raise ValueError(text)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


class Coordinates:
    """The coordinate system a file's points are written in (any that PROJ knows)."""

    def __init__(self, crs: str) -> None:
        self.crs = CRS.from_user_input(crs)
        self.geographic = self.crs.is_geographic
        self.identity = self.crs == CRS.from_epsg(4326)  # GPS files: nothing to transform


def point_texts(kind: str, text: str | None) -> tuple[str | None, ...]:
    """A WKT or "lat lon" field read as (x, y, problem code, problem value), texts for COPY;
    an empty field gives nothing (SQL calls it missing)."""
    text = (text or "").strip()
    if not text:
        return None, None, None, None
    try:
        first, second = _pair(kind, text)
    except NotAPoint as error:
        return None, None, "geometry_not_point", str(error)
    except ValueError:
        return None, None, "coordinates_invalid", text
    return repr(first), repr(second), None, None


class NotAPoint(ValueError):
    """A WKT geometry that is not a point; its type is the message."""


def _pair(kind: str, text: str) -> tuple[float, float]:
    """(x, y) of a WKT point, or (lon, lat) of one "lat lon" / "lat, lon" field (ODK and Kobo
    geopoints are "lat lon altitude accuracy")."""
    if kind == "wkt":
        try:
            # GeoJSON text in a column (open-data exports) as well as WKT.
            shape = shapely.from_geojson(text) if text.startswith("{") else shapely.from_wkt(text)
        except (shapely.errors.GEOSException, NotImplementedError) as error:
            # A geometry type GEOS does not read (TIN, CIRCULARSTRING…) is still not a point.
            if kind_name := _WKT_TYPE.match(text):
                raise NotAPoint(kind_name.group(1).upper()) from error
            raise ValueError(text) from error
        if shape.geom_type == "MultiPoint" and len(shape.geoms) == 1:
            shape = shape.geoms[0]
        if shape.geom_type != "Point" or shape.is_empty:
            raise NotAPoint(shape.geom_type)
        if not (math.isfinite(shape.x) and math.isfinite(shape.y)):  # POINT (nan inf)
            raise ValueError(text)
        return shape.x, shape.y
    if kind == "latlon":
        parts = _LATLON_SPLIT.split(text.strip().strip("[]()"))
        if len(parts) == 1:
            parts = parts[0].split(",")
        if len(parts) < 2:
            raise ValueError(text)
        lat, lon = parse_number(parts[0]), parse_number(parts[1])
        return lon, lat
    raise ValueError(kind)


_WKT_TYPE = re.compile(r"^\s*([A-Za-z]{3,})\s*(?:Z|M|ZM)?\s*\(")
_LATLON_SPLIT = re.compile(r"\s*[;]\s*|,\s+|\s+")


FIELD_KINDS = ("wkt", "latlon")  # one field holds the whole point


def reads_points(mapping: dict[str, str], crs: Coordinates) -> bool:
    """Whether Python must read the points (else SQL reads WGS 84 lon/lat columns itself)."""
    return coordinate_kind(mapping) in FIELD_KINDS or not crs.identity


class PointReader:
    """Each row's point as COPY texts: (x, y, lon, lat, problem code, problem value).

    A WGS 84 file with longitude/latitude columns needs nothing here: SQL reads the columns.
    A WKT or "lat lon" field is read here (x, y); any other coordinate system is transformed
    here, a chunk of rows at a time (pyproj on arrays), into lon, lat. A point PROJ cannot
    transform keeps no lon, lat: SQL then names it out of range.
    """

    def __init__(self, mapping: dict[str, str], crs: Coordinates):
        self.kind = coordinate_kind(mapping)
        self.field = mapping[self.kind] if self.kind in FIELD_KINDS else None
        self.columns = None if self.field else [mapping[t] for t in COORDINATE_KINDS[self.kind]]
        self.coordinates = crs
        self.needed = reads_points(mapping, crs)
        if not crs.identity:
            self.transformer = Transformer.from_crs(crs.crs, 4326, always_xy=True)

    def read(self, row: dict) -> list:
        if not self.needed:
            return [None] * 6
        if self.field is not None:
            x, y, problem, value = point_texts(self.kind, row.get(self.field))
            return [x, y, _number(x), _number(y), problem, value]
        x, y = (row.get(column) for column in self.columns)
        return [None, None, _number(x), _number(y), None, None]

    def place(self, points: list[list]) -> None:
        """Turn the (x, y) numbers of a chunk's points into lon, lat texts, in place."""
        if not self.needed:
            return
        todo = [p for p in points if p[2] is not None and p[3] is not None]
        if not todo or self.coordinates.identity:
            for p in todo:
                p[2], p[3] = repr(p[2]), repr(p[3])
            return
        if not self.coordinates.geographic:  # X = northing, Y = easting, as surveyors write
            for p in todo:
                if p[2] > 1_000_000 > p[3]:
                    p[2], p[3] = p[3], p[2]
        xs, ys = self.transformer.transform([p[2] for p in todo], [p[3] for p in todo])
        for p, lon, lat in zip(todo, xs, ys, strict=True):
            inside = -180 <= lon <= 180 and -90 <= lat <= 90  # False for inf and nan
            p[2], p[3] = (repr(float(lon)), repr(float(lat))) if inside else (None, None)


def _number(text) -> float | None:
    if text is None or text == "":
        return None
    try:
        return parse_number(str(text))
    except ValueError:
        return None
