"""The method of the carbon report, for its page and PDF: equations, sources and defaults.

Keys are stable names the report translates; formulas and citations are the same in every
language. Numbers come from the constants the code uses, so text and figures cannot drift apart.
"""

from dataclasses import dataclass

from smarttrees.allometry.chave import (
    CARBON_FRACTION,
    CHAVE_COEFFICIENT,
    CHAVE_EXPONENT,
    CHAVE_RSE,
    HEIGHT_REGION,
    Z_95,
)
from smarttrees.allometry.density import ASIAN_REGIONS, DEFAULT_WOOD_DENSITY


@dataclass(frozen=True)
class Source:
    """A publication or data set, and its DOI when it has one."""

    citation: str
    doi: str | None = None


@dataclass(frozen=True)
class Equation:
    """One equation of the method; `in_total` is False for a comparison."""

    key: str
    formula: str
    source: Source
    in_total: bool = True


@dataclass(frozen=True)
class Default:
    """A value the method assumes, and where it comes from."""

    key: str
    value: str
    source: Source


@dataclass(frozen=True)
class Method:
    """The equations and defaults of the estimate."""

    equations: tuple[Equation, ...]
    defaults: tuple[Default, ...]


CHAVE_2014 = Source(
    "Chave J. et al. (2014) Improved allometric models to estimate the aboveground biomass of "
    "tropical trees. Global Change Biology 20:3177–3190",
    "10.1111/gcb.12629",
)
FELDPAUSCH_2012 = Source(
    "Feldpausch T.R. et al. (2012) Tree height integrated into pantropical forest biomass "
    "estimates. Biogeosciences 9:3381–3403",
    "10.5194/bg-9-3381-2012",
)
HUY_2019 = Source(
    "Huy B., Tinh N.T., Poudel K.P., Frank B.M., Temesgen H. (2019) Taxon-specific modeling "
    "systems for improving reliability of tree aboveground biomass and its components estimates "
    "in tropical dry dipterocarp forests. Forest Ecology and Management 437:156–174",
    "10.1016/j.foreco.2019.01.038",
)
GWDD = Source(
    "Zanne A.E. et al. (2009) Global wood density database, Dryad; Chave J. et al. (2009) "
    "Towards a worldwide wood economics spectrum. Ecology Letters 12:351–366; as packaged in "
    "R package BIOMASS (Réjou-Méchain M. et al. 2017, doi:10.1111/2041-210X.12753)",
    "10.5061/dryad.234",
)
REYES_1992 = Source(
    "Reyes G., Brown S., Chapman J., Lugo A.E. (1992) Wood densities of tropical tree species. "
    "USDA Forest Service Gen. Tech. Rep. SO-88 (tropical Asia mean)"
)
IPCC_2006 = Source(
    "IPCC (2006) Guidelines for National Greenhouse Gas Inventories, vol. 4 (AFOLU), ch. 4, "
    "table 4.3 (carbon fraction of tropical and subtropical forest biomass)"
)

METHOD = Method(
    equations=(
        Equation(
            "agb", f"AGB (kg) = {CHAVE_COEFFICIENT} × (ρ × D² × H)^{CHAVE_EXPONENT}", CHAVE_2014
        ),
        Equation("height", f"H (m) = a × (1 − exp(−b × D^c)), {HEIGHT_REGION}", FELDPAUSCH_2012),
        Equation("wood_density", "ρ = mean of species, else genus, else default", GWDD),
        Equation("carbon", f"C = {CARBON_FRACTION} × AGB", IPCC_2006),
        Equation("co2e", "CO₂e = 44/12 × C", IPCC_2006),
        Equation(
            "uncertainty",
            f"σ² = {CHAVE_RSE}² (+ ({CHAVE_EXPONENT} × RSE_H / H)² if H estimated); "
            f"tree: AGB × exp(±{Z_95}σ); sum: ΣAGB ± {Z_95} × √Σ AGB² (exp(σ²) − 1)",
            CHAVE_2014,
        ),
        Equation(
            "huy_agb",
            "AGB = a₁D^b₁₁[H^b₁₂ ρ^b₁₃] + a₂D^b₂₁ + a₃D^b₃₁ + a₄D^b₄₁",
            HUY_2019,
            in_total=False,
        ),
    ),
    defaults=(
        Default("wood_density", f"{DEFAULT_WOOD_DENSITY} g/cm³", REYES_1992),
        Default("wood_density_regions", ", ".join(sorted(ASIAN_REGIONS)), GWDD),
        Default("height_region", HEIGHT_REGION, FELDPAUSCH_2012),
        Default("carbon_fraction", f"{CARBON_FRACTION}", IPCC_2006),
    ),
)
