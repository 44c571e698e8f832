"""Forest products: their names on a bảng kê lâm sản, HS headings, and the factor that
estimates a batch's net mass from its volume when it was not weighed.

Volumes are of solid wood (m³). Without a scale, the net mass is the volume times the wood's
basic density ρ (dry mass per green volume, from the species table) times (1 + its moisture
content) in the product's state when sold:
- fresh logs, chips and firewood: green wood holds at most 1/ρ − 1/1.53 of its dry mass in
  water (1.53 g/cm³ is the density of the cell wall itself, Siau 1995); fresh-felled plantation
  wood holds about four fifths of that, and we count no more than 100 %. So 0.50 g/cm³ gives
  1,000 kg/m³ and 0.68 g/cm³ (a dense Acacia) 1,124 kg/m³;
- air-dried sawn timber: 15 % moisture, its volume 10 % smaller than green, so ρ × 1.15 / 0.9.
A species without a density uses DEFAULT_DENSITY. The factor used is stored with the batch and
shown beside its mass, marked as an estimate; a processed batch keeps its parent's kilograms per
cubic metre (chips of dried timber are as dry as the timber).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_DENSITY = Decimal("0.50")  # g/cm³: plantation Acacia and Eucalyptus are 0.45–0.60


CELL_WALL = Decimal("1.53")  # g/cm³
FRESH_SHARE = Decimal("0.8")  # of the most water green wood can hold
AIR_DRY = Decimal("1.15") / Decimal("0.9")


@dataclass(frozen=True)
class Product:
    kind: str
    name_vi: str  # as the bảng kê lâm sản names it
    hs_code: str  # the EUDR and customs heading
    dried: bool  # sold air-dried (sawn timber), else fresh


PRODUCTS = {
    product.kind: product
    for product in (
        Product("log", "Gỗ tròn", "4403", dried=False),
        Product("timber", "Gỗ xẻ", "4407", dried=True),
        Product("chips", "Dăm gỗ", "4401", dried=False),
        Product("firewood", "Củi", "4401", dried=False),
    )
}

# What may be made of what, and the most a processing may yield (m³ out per m³ in).
PROCESSING = {
    ("log", "timber"): Decimal("0.8"),
    ("log", "chips"): Decimal("1"),
    ("log", "firewood"): Decimal("1"),
    ("timber", "chips"): Decimal("1"),
    ("timber", "firewood"): Decimal("1"),
}


def mass_factor(kind: str, density: Decimal | float | None) -> Decimal:
    """Kilograms per m³ of the product, from the species' basic density (g/cm³)."""
    basic = Decimal(str(density)) if density else DEFAULT_DENSITY
    if PRODUCTS[kind].dried:
        factor = basic * 1000 * AIR_DRY
    else:
        water = min(Decimal(1), FRESH_SHARE * (1 / basic - 1 / CELL_WALL))
        factor = basic * 1000 * (1 + water)
    return factor.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def estimated_mass(volume_m3: Decimal, factor_kg_m3: Decimal) -> Decimal:
    """The net mass in kg of a volume at a factor, to a tenth of a kilogram."""
    return (volume_m3 * factor_kg_m3).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
