"""A mapping proposed from a file's headings and the values of its first rows, with the reason
for each choice, so the review (and the CLI's summary) can say exactly what was decided:

- coordinates: named columns, else a column of "lat, lon" texts, else a pair of number columns
  in longitude and latitude ranges; X/Y columns holding degrees are read as longitude/latitude;
- the id: a named id column whose values are present and unique, never one of repeated values
  (a column of zeros), else any column of unique present values named like an id;
- units: from the heading ("D1.3 (cm)", "Chu vi [mm]"), else from the magnitudes of the values
  (a median DBH of 0.3 is in metres, of 300 in millimetres), to be confirmed on the review.
"""

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from smarttrees.importers.headings import read_heading, words
from smarttrees.importers.mapping import (
    CIRCUMFERENCE,
    STAND_TARGETS,
    TARGETS,
    has_coordinates,
    propose_by_name,
)
from smarttrees.importers.points import parse_number

SAMPLE_ROWS = 500
ID_WORDS = ("id", "ma", "code", "objectid", "fid", "uuid", "so hieu", "stt")
_LATLON = re.compile(r"^\s*[\[(]?\s*(-?\d{1,3}(?:\.\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:\.\d+)?)")


@dataclass
class Proposal:
    mapping: dict[str, str]
    units: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)


def propose_mapping(columns: list[str], sample: list[dict], *, spatial: bool = False) -> Proposal:
    """The proposal for a file's columns, given up to SAMPLE_ROWS of its rows. A GIS file
    (`spatial`) has its points in its geometry: no column is taken for them by its values."""
    proposal = Proposal(propose_by_name(columns))
    for target, column in proposal.mapping.items():
        proposal.reasons[target] = f"heading {column!r}"
    values = {c: [str(row.get(c) or "").strip() for row in sample] for c in columns}
    if not spatial:
        _coordinates(proposal, columns, values)
    _identifier(proposal, columns, values)
    _units(proposal, values)
    return proposal


def _numbers(texts: list[str]) -> list[float]:
    found = []
    for text in texts:
        try:
            found.append(parse_number(text))
        except ValueError:
            continue
    return found


def _mostly(part: int, whole: int) -> bool:
    return whole > 0 and part >= 0.9 * whole


def _degrees(values: list[float], limit: float) -> bool:
    return bool(values) and all(-limit <= v <= limit for v in values) and len(set(values)) > 1


def _coordinates(proposal: Proposal, columns: list[str], values: dict[str, list[str]]) -> None:
    mapping, reasons = proposal.mapping, proposal.reasons
    if {"x", "y"} <= mapping.keys():
        xs, ys = (_numbers(values[mapping[t]]) for t in ("x", "y"))
        if _degrees(xs, 180) and _degrees(ys, 90):  # X/Y in degrees: longitude and latitude
            mapping["lon"], mapping["lat"] = mapping.pop("x"), mapping.pop("y")
            for target in ("lon", "lat"):
                reasons[target] = f"column {mapping[target]!r}: values in degrees"
            reasons.pop("x", None), reasons.pop("y", None)
    if has_coordinates(mapping) or not any(values.values()):
        return
    taken = set(mapping.values())
    for column in columns:
        filled = [v for v in values[column] if v]
        pairs = [m for m in map(_LATLON.match, filled) if m]
        if column not in taken and _mostly(len(pairs), len(filled)):
            lats = [float(m.group(1)) for m in pairs]
            lons = [float(m.group(2)) for m in pairs]
            if _degrees(lats, 90) and _degrees(lons, 180):
                mapping["latlon"] = column
                reasons["latlon"] = f"column {column!r}: 'lat, lon' values"
                return
    _number_pair(proposal, columns, values, taken)


def _number_pair(proposal, columns, values, taken) -> None:
    """Two columns of numbers, one in longitude and one in latitude range (the first such,
    longitude before latitude as files write them)."""
    numeric = {}
    for column in columns:
        filled = [v for v in values[column] if v]
        found = _numbers(filled)
        # GPS degrees carry four decimals or more; metres in a plot (lx, ly) do not.
        if (
            column not in taken
            and filled
            and _mostly(len(found), len(filled))
            and statistics.median(_decimals(v) for v in filled) >= 4
        ):
            numeric[column] = found
    for lon_column, lons in numeric.items():
        if not _degrees(lons, 180) or all(float(v).is_integer() for v in lons):
            continue
        for lat_column, lats in numeric.items():
            if lat_column != lon_column and _degrees(lats, 90) and not _integers(lats):
                proposal.mapping.update(lon=lon_column, lat=lat_column)
                proposal.reasons["lon"] = f"column {lon_column!r}: values in longitude range"
                proposal.reasons["lat"] = f"column {lat_column!r}: values in latitude range"
                return


def _decimals(text: str) -> int:
    digits = text.replace(",", ".").rpartition(".")
    return len(digits[2]) if digits[1] else 0


def _integers(values: list[float]) -> bool:
    return all(float(v).is_integer() for v in values)


def _identifier(proposal: Proposal, columns: list[str], values: dict[str, list[str]]) -> None:
    """The id column: present and unique in the sample, never a column of repeated values."""
    named = proposal.mapping.get("external_id")
    if not any(values.values()) or (named and _unique(values[named])):
        return
    rejected = []
    if named:
        rejected.append(named)
        del proposal.mapping["external_id"]
    taken = set(proposal.mapping.values())
    for name in (*TARGETS["external_id"], *ID_WORDS):
        for column in columns:
            key = read_heading(column).key
            fits = key == words(name) or key.split(" ")[-1] == words(name)
            if fits and column not in taken and column not in rejected:
                if _unique(values[column]):
                    proposal.mapping["external_id"] = column
                    why = f"column {column!r}: every value present and different"
                    if rejected:
                        why += f"; {rejected[0]!r} has repeated or missing values"
                    proposal.reasons["external_id"] = why
                    return
                rejected.append(column)
    if rejected:
        proposal.reasons["external_id"] = (
            f"none: {', '.join(map(repr, rejected))} has repeated or missing values; "
            "each tree is known by its place and species"
        )


def _unique(texts: list[str]) -> bool:
    """Present in (nearly) every row, and no value in many rows: a few repeats are mistakes
    the check names (external_id_duplicate); a value in many rows (a column of zeros) makes it
    no id at all."""
    filled = [t for t in texts if t]
    if not filled or len(filled) < 0.95 * len(texts):
        return False
    most = Counter(filled).most_common(1)[0][1]
    return most <= 2 or len(set(filled)) >= 0.9 * len(filled)


# Where a DBH or a height heading names no unit, the values' median decides.
MAGNITUDES = {
    "dbh": ((3.0, "m"), (150.0, "mm")),  # below 3: metres; above 150: millimetres
    "height": ((None, None), (60.0, "ft")),  # above 60 "metres": feet
}


def _units(proposal: Proposal, values: dict[str, list[str]]) -> None:
    for target in ("dbh", "height", "crown"):
        column = proposal.mapping.get(target)
        if column is None:
            continue
        heading = read_heading(column)
        circumference = any(heading.key.startswith(words(n)) for n in CIRCUMFERENCE)
        unit = _heading_unit(target, heading.unit, circumference)
        if unit:
            proposal.units[target] = unit
            proposal.reasons[f"unit:{target}"] = f"heading {column!r}"
        elif circumference:
            proposal.units[target] = "circumference_cm"
            proposal.reasons[f"unit:{target}"] = f"heading {column!r}: a circumference, in cm"
        elif target in MAGNITUDES:
            _unit_from_values(proposal, target, column, values[column])


def _heading_unit(target: str, unit: str | None, circumference: bool) -> str | None:
    if unit is None:
        return None
    if target == "dbh" and circumference:
        return {"cm": "circumference_cm", "mm": "circumference_mm", "m": "circumference_m"}.get(
            unit
        )
    if target == "dbh":
        return {"cm": "cm", "mm": "mm", "m": "m", "in": "in"}.get(unit)
    return {"m": "m", "ft": "ft"}.get(unit)


def _unit_from_values(proposal: Proposal, target: str, column: str, texts: list[str]) -> None:
    found = [v for v in _numbers([t for t in texts if t]) if v > 0]
    if len(found) < 5:
        return
    median = statistics.median(found)
    (low, low_unit), (high, high_unit) = MAGNITUDES[target]
    unit = low_unit if low is not None and median < low else high_unit if median > high else None
    if unit:
        proposal.units[target] = unit
        proposal.reasons[f"unit:{target}"] = (
            f"values of {column!r} (median {median:g}): {unit}, to confirm"
        )


def propose_stand_mapping(columns: list[str], sample: list[dict]) -> Proposal:
    """The proposal for a stand file's columns: plot ids, species, year, owner, function and
    the area it declares (in ha, or m² when its heading says so). A stand file is always a GIS
    file: its polygons are its own."""
    proposal = Proposal(propose_by_name(columns, STAND_TARGETS))
    for target, column in proposal.mapping.items():
        proposal.reasons[target] = f"heading {column!r}"
    if "area" in proposal.mapping:
        unit = read_heading(proposal.mapping["area"]).unit
        proposal.units["area"] = "m2" if unit == "m2" else "ha"
    values = {c: [str(row.get(c) or "").strip() for row in sample] for c in columns}
    if (
        sample
        and proposal.mapping.get("external_id")
        and not _unique(values.get(proposal.mapping["external_id"], []))
    ):
        rejected = proposal.mapping.pop("external_id")
        proposal.reasons["external_id"] = (
            f"none: {rejected!r} has repeated or missing values; each stand is known by its "
            "plot ids (tiểu khu, khoảnh, lô), else by its shape"
        )
    return proposal
