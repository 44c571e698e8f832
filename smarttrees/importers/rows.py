"""One file row → the values to stage, and the problems found in it."""

from dataclasses import dataclass
from datetime import date

from smarttrees.importers.convert import Coordinates, parse_date, parse_number
from smarttrees.importers.errors import Problem
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
    first, second = ("lon", "lat") if "lon" in mapping else ("x", "y")
    columns = (mapping.get(first, ""), mapping.get(second, ""))
    a, b = _cell(row, mapping, first), _cell(row, mapping, second)
    if not a or not b:
        problems.append(Problem(row_number, "coordinates_missing", columns))
        return None
    try:
        return coordinates.to_lonlat(parse_number(a), parse_number(b))
    except ValueError:
        code = "coordinates_out_of_range" if _numbers(a, b) else "coordinates_invalid"
        problems.append(Problem(row_number, code, columns, f"{a}, {b}"))
        return None


def _numbers(*texts: str) -> bool:
    try:
        [parse_number(text) for text in texts]
    except ValueError:
        return False
    return True


def _measure(row, row_number, mapping, target, problems) -> float | None:
    text = _cell(row, mapping, target)
    if not text:
        return None
    try:
        value = parse_number(text)
    except ValueError:
        problems.append(Problem(row_number, "number_invalid", (mapping[target],), text))
        return None
    low, high = RANGES[target]
    if not low < value <= high:
        problems.append(Problem(row_number, "out_of_range", (mapping[target],), text))
        return None
    return value


def convert_row(
    row_number: int, row: dict, mapping: dict, coordinates: Coordinates
) -> tuple[Staged | None, list[Problem]]:
    """The staged values (None when the row cannot be placed) and every problem found."""
    problems: list[Problem] = []
    point = _coordinates(row, row_number, mapping, coordinates, problems)
    staged = Staged(row_number, *(point or (0.0, 0.0)))
    staged.external_id = _cell(row, mapping, "external_id") or None
    staged.species_raw = nfc(_cell(row, mapping, "species"))
    for target in ("dbh", "height", "crown"):
        setattr(staged, target, _measure(row, row_number, mapping, target, problems))
    staged.condition = CONDITIONS.get(fold(_cell(row, mapping, "condition")))
    if text := _cell(row, mapping, "planted"):
        try:
            staged.planted = parse_date(text)
        except ValueError:
            problems.append(Problem(row_number, "date_invalid", (mapping["planted"],), text))
    staged.notes = nfc(_cell(row, mapping, "notes"))
    return (staged if point else None), problems
