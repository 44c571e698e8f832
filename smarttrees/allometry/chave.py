"""One tree's above-ground biomass by Chave et al. 2014, its carbon and its uncertainty range.

Uncertainty: ln(AGB) of a tree is taken as normal with the model's residual standard error
CHAVE_RSE; when the height was estimated, the height model's error is added in quadrature,
carried through the exponent by the delta method: sd ln(H) ≈ RSE_H / H, so sd ln(AGB) gains
CHAVE_EXPONENT × RSE_H / H. A tree's 95 % range is AGB × exp(±1.96 σ) (log-normal). Wood density,
diameter measurement and coefficient errors are left out: the full uncertainty is wider.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from smarttrees.allometry.density import DEFAULT_WOOD_DENSITY

# Chave et al. 2014, eq. 4: AGB(kg) = 0.0673 × (ρ D² H)^0.976; RSE 0.357 on ln(AGB).
CHAVE_COEFFICIENT = 0.0673
CHAVE_EXPONENT = 0.976
CHAVE_RSE = 0.357
# IPCC 2006 Guidelines, vol. 4, ch. 4, table 4.3: carbon fraction of tropical/subtropical wood.
CARBON_FRACTION = 0.47
CO2_PER_CARBON = 44 / 12  # molar masses of CO₂ and C
# Feldpausch et al. 2012's region for Viet Nam (row of the BIOMASS feldCoef table).
HEIGHT_REGION = "SEAsia"
Z_95 = 1.96  # two-sided 95 % quantile of the normal distribution


@dataclass(frozen=True)
class HeightModel:
    """Feldpausch et al. 2012: H = a × (1 − exp(−b × D^c)) for one region; rse in m."""

    region: str
    a: float
    b: float
    c: float
    rse: float

    def height_m(self, dbh_cm: float) -> float:
        """The expected height (m) of a tree of this diameter (cm)."""
        return self.a * (1 - math.exp(-self.b * dbh_cm**self.c))


@dataclass(frozen=True)
class Amount:
    """A mass (kg) with the low and high ends of its 95 % range."""

    kg: float
    low_kg: float
    high_kg: float

    def times(self, factor: float) -> "Amount":
        """The amount scaled by a factor, range and all."""
        return Amount(self.kg * factor, self.low_kg * factor, self.high_kg * factor)


@dataclass(frozen=True)
class TreeEstimate:
    """One tree's Chave biomass, the height it used, and σ, the standard deviation of ln(AGB)."""

    agb_kg: float
    height_m: float
    height_estimated: bool
    sigma: float

    @property
    def variance(self) -> float:
        """Variance (kg²) of the tree's biomass, log-normal: AGB² × (exp(σ²) − 1)."""
        return self.agb_kg**2 * math.expm1(self.sigma**2)

    @property
    def agb(self) -> Amount:
        """The biomass with its log-normal 95 % range, AGB × exp(±1.96 σ)."""
        spread = math.exp(Z_95 * self.sigma)
        return Amount(self.agb_kg, self.agb_kg / spread, self.agb_kg * spread)


def height_model(rows: Iterable[Mapping[str, str]], region: str = HEIGHT_REGION) -> HeightModel:
    """One region's height model from the rows of the Feldpausch table (BIOMASS feldCoef)."""
    for row in rows:
        if row["rownames"] == region:
            return HeightModel(region, *(float(row[key]) for key in ("a", "b", "c", "RSE")))
    raise KeyError(region)


def chave_agb_kg(*, dbh_cm: float, height_m: float, wood_density: float) -> float:
    """Chave et al. 2014 eq. 4: above-ground biomass (kg) from D (cm), H (m) and ρ (g/cm³)."""
    return CHAVE_COEFFICIENT * (wood_density * dbh_cm**2 * height_m) ** CHAVE_EXPONENT


def estimate_tree(
    *,
    dbh_cm: float | None,
    height_m: float | None,
    wood_density: float,
    height_model: HeightModel,
) -> TreeEstimate | None:
    """A tree's biomass, or None without a DBH; a missing height comes from the height model."""
    if dbh_cm is None:
        return None
    dbh = float(dbh_cm)
    estimated = height_m is None
    height = height_model.height_m(dbh) if estimated else float(height_m)
    height_sigma = CHAVE_EXPONENT * height_model.rse / height if estimated else 0.0
    return TreeEstimate(
        agb_kg=chave_agb_kg(dbh_cm=dbh, height_m=height, wood_density=float(wood_density)),
        height_m=height,
        height_estimated=estimated,
        sigma=math.hypot(CHAVE_RSE, height_sigma),
    )


def carbon(agb: Amount) -> Amount:
    """The carbon in a biomass: CARBON_FRACTION of it."""
    return agb.times(CARBON_FRACTION)


def co2e(agb: Amount) -> Amount:
    """The CO₂ equivalent of a biomass' carbon: 44/12 of the carbon."""
    return agb.times(CARBON_FRACTION * CO2_PER_CARBON)


def sql_params(height_model: HeightModel) -> dict[str, float]:
    """The numbers the database's per-tree SQL must use, by bind-parameter name.

    h     = coalesce(height_m, :height_a * (1 - exp(-:height_b * power(dbh_cm, :height_c))))
    agb   = :chave_coefficient * power(wd * dbh_cm ^ 2 * h, :chave_exponent)
    σ²    = :chave_rse ^ 2 + (height_m IS NULL) * (:chave_exponent * :height_rse / h) ^ 2
    where wd is the species' wood_density(), else :default_wood_density; no DBH, no row.
    """
    return {
        "chave_coefficient": CHAVE_COEFFICIENT,
        "chave_exponent": CHAVE_EXPONENT,
        "chave_rse": CHAVE_RSE,
        "height_a": height_model.a,
        "height_b": height_model.b,
        "height_c": height_model.c,
        "height_rse": height_model.rse,
        "default_wood_density": DEFAULT_WOOD_DENSITY,
        "carbon_fraction": CARBON_FRACTION,
        "co2_per_carbon": CO2_PER_CARBON,
    }
