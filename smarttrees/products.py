"""Forest products: their names on a bảng kê lâm sản, HS headings, and the factor that
estimates a batch's net mass from its volume when it was not weighed.

Volumes are of solid wood (m³). Without a scale, the net mass is the volume times the wood's
basic density (dry mass per green volume, from the species table) times a moisture factor for
the product's state when sold: fresh logs, chips and firewood at about 100 % moisture content
(dry basis), so × 2.0; air-dried sawn timber at about 15 %, with 10 % volumetric shrinkage, so
× 1.15 / 0.9. A species without a density uses DEFAULT_DENSITY. The factor used is stored with
the batch and shown beside its mass, marked as an estimate.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_DENSITY = Decimal("0.50")  # g/cm³: plantation Acacia and Eucalyptus are 0.45–0.60


@dataclass(frozen=True)
class Product:
    kind: str
    name_vi: str  # as the bảng kê lâm sản names it
    hs_code: str  # the EUDR and customs heading
    moisture_factor: Decimal


PRODUCTS = {
    product.kind: product
    for product in (
        Product("log", "Gỗ tròn", "4403", Decimal("2.0")),
        Product("timber", "Gỗ xẻ", "4407", (Decimal("1.15") / Decimal("0.9")).quantize(
            Decimal("0.001"))),
        Product("chips", "Dăm gỗ", "4401", Decimal("2.0")),
        Product("firewood", "Củi", "4401", Decimal("2.0")),
    )
}  # fmt: skip

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
    factor = basic * 1000 * PRODUCTS[kind].moisture_factor
    return factor.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def estimated_mass(volume_m3: Decimal, factor_kg_m3: Decimal) -> Decimal:
    """The net mass in kg of a volume at a factor, to a tenth of a kilogram."""
    return (volume_m3 * factor_kg_m3).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
