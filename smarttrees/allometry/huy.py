"""Huy et al. 2019's biomass of a tree of Viet Nam's dry dipterocarp forests, for comparison.

Total above-ground biomass = stem + branch + foliage + bark (kg; D cm, H m, WD g/cm³), each from
the most specific row of its table: the tree's genus, else its family, else the all-species row.
Stem: a_1 × D^b_11 for Dipterocarpus and Shorea (bs_huy_2019_2), else a_1 × D^b_11 × H^b_12 ×
WD^b_13 (bs_huy_2019_1: Dipterocarpaceae, or all species). Branch a_2 × D^b_21, foliage
a_3 × D^b_31, bark a_4 × D^b_41. The models were fitted in dry dipterocarp forest of the Central
Highlands: for other forests the figure is a comparison, never part of a total. The .R file tags
the blank-family rows 'mixed species'; they are the pooled fit, used here for every other taxon.
"""

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from smarttrees.allometry.density import name_parts
from smarttrees.allometry.reference import read_rows

# Part → coefficient file of the allometric/models parameters (see SOURCE.txt).
FILES = {
    "stem_d": "bs_huy_2019_2.csv",
    "stem_h_wd": "bs_huy_2019_1.csv",
    "branch": "bb_huy_2019_1.csv",
    "foliage": "bf_huy_2019.csv",
    "bark": "bk_huy_2019.csv",
}
# Part → its (coefficient, exponent) columns; the stem's other exponents are for H and WD.
POWER_LAWS = {
    "stem_d": ("a_1", "b_11"),
    "branch": ("a_2", "b_21"),
    "foliage": ("a_3", "b_31"),
    "bark": ("a_4", "b_41"),
}
PARTS = frozenset({"branch", "foliage", "bark"})  # besides the stem, from one of its two tables

Tables = Mapping[str, Sequence[Mapping[str, str]]]


class HuyTaxon(enum.Enum):
    """The rows an estimate took its coefficients from."""

    GENUS = "genus"
    FAMILY = "family"
    ALL_SPECIES = "all species"


@dataclass(frozen=True)
class HuyEstimate:
    """A tree's biomass by part (kg) by Huy et al. 2019, and the rows used."""

    stem_kg: float
    branch_kg: float
    foliage_kg: float
    bark_kg: float
    taxon: HuyTaxon

    @property
    def agb_kg(self) -> float:
        """Total above-ground biomass: the sum of the four parts."""
        return self.stem_kg + self.branch_kg + self.foliage_kg + self.bark_kg


def read_huy_tables(directory: Path) -> dict[str, list[dict[str, str]]]:
    """Read the five coefficient tables of Huy et al. 2019 from their directory."""
    return {part: read_rows(directory / name) for part, name in FILES.items()}


def huy_agb(
    tables: Tables,
    *,
    scientific_name: str,
    family: str | None,
    dbh_cm: float | None,
    height_m: float,
    wood_density: float,
) -> HuyEstimate | None:
    """A tree's Huy et al. 2019 biomass by part, or None without a DBH."""
    if dbh_cm is None:
        return None
    genus, _ = name_parts(scientific_name)
    taxon, rows = _rows(tables, genus=genus, family=(family or "").strip().capitalize())
    dbh = float(dbh_cm)
    if "stem_d" in rows:
        stem = _power_law(rows["stem_d"], "stem_d", dbh)
    else:
        stem = _stem_h_wd(rows["stem_h_wd"], dbh, float(height_m), float(wood_density))
    return HuyEstimate(
        stem_kg=stem,
        branch_kg=_power_law(rows["branch"], "branch", dbh),
        foliage_kg=_power_law(rows["foliage"], "foliage", dbh),
        bark_kg=_power_law(rows["bark"], "bark", dbh),
        taxon=taxon,
    )


def _rows(tables: Tables, *, genus: str, family: str) -> tuple[HuyTaxon, dict]:
    """Each part's row at the most specific level the tables hold for the taxon."""
    for taxon in HuyTaxon:
        rows = {
            part: row
            for part, table in tables.items()
            for row in table
            if _level(row, genus=genus, family=family) is taxon
        }
        if rows.keys() >= PARTS and rows.keys() & {"stem_d", "stem_h_wd"}:
            return taxon, rows
    raise KeyError("no all-species row in the Huy et al. 2019 tables")


def _level(row: Mapping[str, str], *, genus: str, family: str) -> HuyTaxon | None:
    """The level a row stands for, or None when it stands for another taxon."""
    row_family, row_genus = _key(row)
    if row_genus:
        return HuyTaxon.GENUS if row_genus == genus else None
    if row_family:
        return HuyTaxon.FAMILY if row_family == family else None
    return HuyTaxon.ALL_SPECIES


def _key(row: Mapping[str, str]) -> tuple[str, str]:
    return row.get("family") or "", row.get("genus") or ""


def _power_law(row: Mapping[str, str], part: str, dbh: float) -> float:
    coefficient, exponent = POWER_LAWS[part]
    return float(row[coefficient]) * dbh ** float(row[exponent])


def _stem_h_wd(row: Mapping[str, str], dbh: float, height: float, wood_density: float) -> float:
    a, b_d, b_h, b_wd = (float(row[key]) for key in ("a_1", "b_11", "b_12", "b_13"))
    return a * dbh**b_d * height**b_h * wood_density**b_wd
