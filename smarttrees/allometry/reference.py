"""The reference tables the estimates rest on: where they lie and how they are read."""

import csv
from pathlib import Path

# Paths relative to the reference data directory (data/reference/), which the caller knows.
WOOD_DENSITY_FILE = Path("wood_density.csv")
HEIGHT_FILE = Path("allometry/feldpausch2012_height_diameter_coef_BIOMASS_feldCoef.csv")
HUY_DIRECTORY = Path("allometry/huy2019_vietnam_dipterocarp")


def read_rows(path: Path) -> list[dict[str, str]]:
    """Read a reference CSV file into one dict per row."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
