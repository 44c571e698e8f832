"""A taxon's wood density from the Global Wood Density Database (Zanne et al. 2009)."""

import enum
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping

# Mean wood density of tropical Asian species, 0.57 g/cm³: Reyes et al. 1992 (USDA Forest Service
# Gen. Tech. Rep. SO-88), the figure Brown 1997 (FAO Forestry Paper 134) and IPCC inventories use
# for tropical Asia. A published figure is stable, which the SQL mirroring it needs; the Asian
# records of our own table agree (their species means average 0.573; a test holds it).
DEFAULT_WOOD_DENSITY = 0.57
# The table's regions nearest Thái Nguyên: South-East Asia (both of its ids), and China and India,
# whose floras the province shares; the table does not split Asia any finer.
ASIAN_REGIONS = frozenset({"SouthEastAsia", "SouthEastAsiaTrop", "China", "India"})
# The same regions as the table's `region` column names them, for rows without a regionId.
ASIAN_REGION_NAMES = frozenset({"South-East_Asia", "South-East_Asia_(tropical)", "China", "India"})
HYBRID_MARKS = frozenset({"x", "×"})
# Epithets that name no species ('Acacia sp.'): the genus' mean applies, not the table's 'sp' rows.
UNNAMED = frozenset({"sp", "sp.", "spp", "spp."})

# One taxon's records: (wood density, whether the record is Asian).
Records = list[tuple[float, bool]]


class DensityBasis(enum.Enum):
    """What a tree's wood density was taken from."""

    SPECIES = "species"
    GENUS = "genus"
    DEFAULT = "default"


def name_parts(scientific_name: str) -> tuple[str, tuple[str, ...]]:
    """The genus of a name and its species epithet, or a hybrid's parents' ('A b x A c')."""
    genus, *rest = scientific_name.split() or [""]
    parents, parent = [], []
    for word in rest:
        if word.lower() in HYBRID_MARKS:
            parents.append(parent)
            parent = []
        else:
            parent.append(word)
    parents.append(parent)
    epithets = (_epithet(words, first=i == 0) for i, words in enumerate(parents))
    return genus.capitalize(), tuple(epithet for epithet in epithets if epithet)


def _epithet(words: list[str], *, first: bool) -> str | None:
    """A parent's epithet: its first word, after the genus a later parent may repeat."""
    if not first and words and words[0][:1].isupper():
        words = words[1:]
    epithet = words[0].lower() if words else None
    return None if epithet in UNNAMED else epithet


def wood_density(
    rows: Iterable[Mapping[str, str]], scientific_name: str
) -> tuple[float, DensityBasis]:
    """The wood density (g/cm³) of a taxon: species mean, else genus mean, else the default.

    At each level the Asian records (ASIAN_REGIONS) are used when the taxon has any, else all of
    its records, so a species measured in Viet Nam's region is not diluted by plantations
    elsewhere. A species' mean is the mean of its records; a genus' mean is the mean of its
    species' means, as R package BIOMASS's getWoodDensity computes it, so one well-sampled species
    does not outweigh the others. A hybrid ('Acacia mangium x Acacia auriculiformis') takes the mean
    of its parents' species means when the table has both: the genus mean of Asian acacias
    (0.79) is far from the planted hybrid's. The default is DEFAULT_WOOD_DENSITY. One pass over
    the table: call it once per species, not once per tree.
    """
    genus, epithets = name_parts(scientific_name)
    by_species = _records_by_species(rows, genus)
    if epithets and all(epithet in by_species for epithet in epithets):
        return statistics.fmean(_mean(by_species[e]) for e in epithets), DensityBasis.SPECIES
    if by_species:
        return _genus_mean(by_species), DensityBasis.GENUS
    return DEFAULT_WOOD_DENSITY, DensityBasis.DEFAULT


def regional_mean_density(rows: Iterable[Mapping[str, str]]) -> float:
    """The mean of the species means of the table's Asian records (checks the default)."""
    by_species = defaultdict(list)
    for row in rows:
        if _is_asian(row):
            by_species[(row["genus"], row["species"])].append(float(row["wd"]))
    return statistics.fmean(statistics.fmean(values) for values in by_species.values())


def _records_by_species(rows: Iterable[Mapping[str, str]], genus: str) -> dict[str, Records]:
    by_species = defaultdict(list)
    for row in rows:
        if genus and row["genus"] == genus:
            by_species[row["species"]].append((float(row["wd"]), _is_asian(row)))
    return by_species


def _is_asian(row: Mapping[str, str]) -> bool:
    if row.get("regionId"):
        return row["regionId"] in ASIAN_REGIONS
    return row.get("region") in ASIAN_REGION_NAMES


def _mean(records: Records) -> float:
    asian = [value for value, is_asian in records if is_asian]
    return statistics.fmean(asian or [value for value, _ in records])


def _genus_mean(by_species: dict[str, Records]) -> float:
    with_asian = [records for records in by_species.values() if any(a for _, a in records)]
    return statistics.fmean(_mean(records) for records in with_asian or by_species.values())
