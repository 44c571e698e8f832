"""A tree's above-ground biomass and carbon for the province's carbon report (issue 16).

Pure: no Flask, no database. Chave et al. 2014 with the tree's height, or Feldpausch et al.
2012's South-East Asia height when it was not measured; wood density from the Global Wood Density
Database; carbon by the IPCC fraction; Huy et al. 2019 beside it as a comparison. The database
computes the same per-tree figure in SQL with the numbers of sql_params(). METHOD describes it all.
"""

from smarttrees.allometry.chave import (
    CARBON_FRACTION,
    CHAVE_COEFFICIENT,
    CHAVE_EXPONENT,
    CHAVE_RSE,
    CO2_PER_CARBON,
    HEIGHT_REGION,
    Z_95,
    Amount,
    HeightModel,
    TreeEstimate,
    carbon,
    chave_agb_kg,
    co2e,
    estimate_tree,
    height_model,
    sql_params,
)
from smarttrees.allometry.density import (
    DEFAULT_WOOD_DENSITY,
    DensityBasis,
    name_parts,
    regional_mean_density,
    wood_density,
)
from smarttrees.allometry.huy import HuyEstimate, HuyTaxon, huy_agb, read_huy_tables
from smarttrees.allometry.method import METHOD, Method
from smarttrees.allometry.reference import HEIGHT_FILE, HUY_DIRECTORY, WOOD_DENSITY_FILE, read_rows
from smarttrees.allometry.totals import Total, TreeRecord, counts_as_living, summarise, total

__all__ = [
    "CARBON_FRACTION",
    "CHAVE_COEFFICIENT",
    "CHAVE_EXPONENT",
    "CHAVE_RSE",
    "CO2_PER_CARBON",
    "DEFAULT_WOOD_DENSITY",
    "HEIGHT_FILE",
    "HEIGHT_REGION",
    "HUY_DIRECTORY",
    "METHOD",
    "WOOD_DENSITY_FILE",
    "Z_95",
    "Amount",
    "DensityBasis",
    "HeightModel",
    "HuyEstimate",
    "HuyTaxon",
    "Method",
    "Total",
    "TreeEstimate",
    "TreeRecord",
    "carbon",
    "chave_agb_kg",
    "co2e",
    "counts_as_living",
    "estimate_tree",
    "height_model",
    "huy_agb",
    "name_parts",
    "read_huy_tables",
    "read_rows",
    "regional_mean_density",
    "sql_params",
    "summarise",
    "total",
    "wood_density",
]
