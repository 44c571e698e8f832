"""KoboToolbox / ODK Central JSON submissions: the header and an iterator of (row number, row as
a dict of text), like the CSV reader.
"""

import json
from collections.abc import Iterator
from pathlib import Path

from smarttrees.importers.csvfile import NotATable


def looks_like_geojson(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8", errors="replace")
    return '"Feature' in head or '"features"' in head


def read_submissions(path: Path) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """KoboToolbox / ODK Central JSON: a list of submissions, or an object holding one under
    `submissions`, `results` or `value`. Kobo's `_geolocation` [lat, lon] becomes "lat lon"."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeError, json.JSONDecodeError) as error:
        raise NotATable(f"This file is not readable JSON ({error}).") from error
    if isinstance(data, dict):
        data = next((data[key] for key in ("submissions", "results", "value") if key in data), None)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise NotATable("This JSON file is neither GeoJSON nor a list of form submissions.")
    if not data:
        raise NotATable("The file holds no submissions.")
    header = list(dict.fromkeys(key for item in data for key in item))
    rows = (
        (number, {k: _json_text(v) for k, v in item.items()}) for number, item in enumerate(data, 1)
    )
    return header, rows


def _json_text(value) -> str:
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) for v in value)
    ):
        return f"{value[0]} {value[1]}"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
