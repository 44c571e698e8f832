"""One file row → the values to stage, and the problems found in it."""

import math
import re
from dataclasses import dataclass
from datetime import date

import shapely
import shapely.errors

from smarttrees.importers.convert import Coordinates, parse_date, parse_number
from smarttrees.importers.errors import Problem
from smarttrees.importers.mapping import COORDINATE_KINDS, coordinate_columns, coordinate_kind
from smarttrees.importers.vector import GEOMETRY
from smarttrees.vietnamese import fold, nfc

RANGES = {"dbh": (0, 500), "height": (0, 120), "crown": (0, 80)}
CONDITIONS = {
    "good": "good",
    "tot": "good",
    "fair": "fair",
    "trung binh": "fair",
    "kha": "fair",
    "poor": "poor",
    "kem": "poor",
    "xau": "poor",
    "dead": "dead",
    "chet": "dead",
    "removed": "removed",
    "da chat": "removed",
}


@dataclass
class Staged:
    row: int
    lon: float
    lat: float
    external_id: str | None = None
    species_raw: str | None = None
    dbh: float | None = None
    height: float | None = None
    crown: float | None = None
    condition: str | None = None
    planted: date | None = None
    notes: str | None = None


def _cell(row: dict, mapping: dict, target: str) -> str:
    column = mapping.get(target)
    return (row.get(column) or "").strip() if column else ""


def _coordinates(row, row_number, mapping, coordinates, problems) -> tuple[float, float] | None:
    kind = coordinate_kind(mapping) or "lon"
    columns = coordinate_columns(mapping)
    texts = [_cell(row, mapping, k) for k in COORDINATE_KINDS[kind]]
    if not all(texts):
        code = "geometry_not_point" if row.get(GEOMETRY) else "coordinates_missing"
        problems.append(Problem(row_number, code, columns, row.get(GEOMETRY)))
        return None
    try:
        first, second = _pair(kind, texts)
    except NotAPoint as error:
        problems.append(Problem(row_number, "geometry_not_point", columns, str(error)))
        return None
    except ValueError:
        problems.append(Problem(row_number, "coordinates_invalid", columns, ", ".join(texts)))
        return None
    try:
        return coordinates.to_lonlat(first, second)
    except ValueError:
        problems.append(Problem(row_number, "coordinates_out_of_range", columns, ", ".join(texts)))
        return None


COORDINATE_COLUMNS = {
    "lon": ("lon", "lat"),
    "x": ("x", "y"),
    "latlon": ("latlon",),
    "wkt": ("wkt",),
}


class NotAPoint(ValueError):
    """A WKT geometry that is not a point; its type is the message."""


def _pair(kind: str, texts: list[str]) -> tuple[float, float]:
    """(lon, lat) or (x, y) from two columns, a WKT point, or one "lat lon" / "lat, lon" field
    (ODK and Kobo geopoints are "lat lon altitude accuracy")."""
    if kind == "wkt":
        try:
            shape = shapely.from_wkt(texts[0])
        except (shapely.errors.GEOSException, NotImplementedError) as error:
            # A geometry type GEOS does not read (TIN, CIRCULARSTRING…) is still not a point.
            if kind_name := _WKT_TYPE.match(texts[0]):
                raise NotAPoint(kind_name.group(1).upper()) from error
            raise ValueError(texts[0]) from error
        if shape.geom_type == "MultiPoint" and len(shape.geoms) == 1:
            shape = shape.geoms[0]
        if shape.geom_type != "Point" or shape.is_empty:
            raise NotAPoint(shape.geom_type)
        return shape.x, shape.y
    if kind == "latlon":
        parts = _LATLON_SPLIT.split(texts[0].strip().strip("[]()"))
        if len(parts) == 1:
            parts = parts[0].split(",")
        if len(parts) < 2:
            raise ValueError(texts[0])
        lat, lon = parse_number(parts[0]), parse_number(parts[1])
        return lon, lat
    return parse_number(texts[0]), parse_number(texts[1])


_WKT_TYPE = re.compile(r"^\s*([A-Za-z]{3,})\s*(?:Z|M|ZM)?\s*\(")
_LATLON_SPLIT = re.compile(r"\s*[;]\s*|,\s+|\s+")


def _numbers(*texts: str) -> bool:
    try:
        [parse_number(text) for text in texts]
    except ValueError:
        return False
    return True


UNITS = {
    "dbh": {
        "cm": 1.0,
        "mm": 0.1,
        "m": 100.0,
        "circumference_cm": 1 / math.pi,
        "circumference_m": 100 / math.pi,
    },
    "height": {"m": 1.0, "ft": 0.3048},
    "crown": {"m": 1.0, "ft": 0.3048},
}


def _measure(row, row_number, mapping, target, problems, unit=None) -> float | None:
    """A measure in the product's unit (DBH in cm, heights in m) from the file's unit."""
    text = _cell(row, mapping, target)
    if not text:
        return None
    try:
        value = round(parse_number(text) * UNITS[target][unit or next(iter(UNITS[target]))], 2)
    except ValueError:
        problems.append(Problem(row_number, "number_invalid", (mapping[target],), text))
        return None
    low, high = RANGES[target]
    if not low < value <= high:
        problems.append(Problem(row_number, "out_of_range", (mapping[target],), text))
        return None
    return value


def convert_row(
    row_number: int, row: dict, mapping: dict, coordinates: Coordinates, units: dict | None = None
) -> tuple[Staged | None, list[Problem]]:
    """The staged values (None when the row cannot be placed) and every problem found."""
    problems: list[Problem] = []
    point = _coordinates(row, row_number, mapping, coordinates, problems)
    staged = Staged(row_number, *(point or (0.0, 0.0)))
    staged.external_id = _cell(row, mapping, "external_id") or None
    staged.species_raw = nfc(_cell(row, mapping, "species"))
    for target in ("dbh", "height", "crown"):
        unit = (units or {}).get(target)
        setattr(staged, target, _measure(row, row_number, mapping, target, problems, unit))
    staged.condition = CONDITIONS.get(fold(_cell(row, mapping, "condition")))
    if text := _cell(row, mapping, "planted"):
        try:
            staged.planted = parse_date(text)
        except ValueError:
            problems.append(Problem(row_number, "date_invalid", (mapping["planted"],), text))
    staged.notes = nfc(_cell(row, mapping, "notes"))
    return (staged if point else None), problems
