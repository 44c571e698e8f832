"""The file's columns as the staging SQL sees them: each under a name of the app's making (c0,
c1, …), its cell trimmed, its distinct values, and what those mean — species names and
condition words settled once per distinct value, units' factors and plausible ranges."""

from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.importers.headings import words
from smarttrees.measures import CATEGORIES, CONDITIONS, RANGES, UNITS
from smarttrees.measures import MEASURES as MEASURE_KINDS
from smarttrees.services.imports.species_match import SpeciesMatcher
from smarttrees.vietnamese import nfc

MEASURES = tuple(MEASURE_KINDS)  # dbh, height, crown: the measures a survey may hold


def raw_names(columns: list[str]) -> dict[str, str]:
    """The staging column of each file column: c0, c1, … (a file's names never reach SQL)."""
    return {column: f"c{i}" for i, column in enumerate(columns)}


def cell(mapping: dict, target: str, raw: dict[str, str]) -> str:
    column = mapping.get(target)
    if column not in raw:
        return "NULL::text"
    return f"nullif(btrim(r.{raw[column]}, E' \\t\\r\\n'), '')"


def distinct(raw: dict[str, str], mapping: dict, target: str) -> list[str]:
    """Each distinct (trimmed) value of a mapped column."""
    value = cell(mapping, target, raw)
    if value == "NULL::text":
        return []
    sql = f"SELECT DISTINCT {value} AS value FROM import_raw AS r WHERE {value} IS NOT NULL"
    return list(db.session.scalars(text(sql)))


def species_params(raw, mapping, matcher: SpeciesMatcher) -> dict:
    rows = [(value, nfc(value)) for value in distinct(raw, mapping, "species")]
    problems = [matcher.code(name) for _, name in rows]
    return {
        "species_texts": [value for value, _ in rows],
        "species_names": [name for _, name in rows],
        "species_ids": [matcher.ids.get(name) for _, name in rows],
        "species_problems": problems,
    }


def condition_params(raw, mapping) -> dict:
    rows = [(value, CONDITIONS.get(words(value))) for value in distinct(raw, mapping, "condition")]
    return {
        "condition_texts": [value for value, _ in rows],
        "condition_values": [condition for _, condition in rows],
    }


def category_params(raw, mapping) -> dict:
    rows = [(value, CATEGORIES.get(words(value))) for value in distinct(raw, mapping, "category")]
    return {
        "category_texts": [value for value, _ in rows],
        "category_values": [category for _, category in rows],
    }


def measure_params(units: dict | None) -> dict:
    params = {}
    for target in MEASURES:
        factors = UNITS[target]
        params[f"{target}_unit"] = factors[(units or {}).get(target) or next(iter(factors))]
        params[f"{target}_low"], params[f"{target}_high"] = RANGES[target]
    return params
