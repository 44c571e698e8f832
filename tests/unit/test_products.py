"""The mass of a batch that was not weighed, from its volume: figures worked by hand."""

from decimal import Decimal

from smarttrees import products


def test_fresh_wood_of_average_density_weighs_a_tonne_a_cubic_metre():
    # 0.50 g/cm³: water at most 1/0.5 − 1/1.53 = 1.346 of the dry mass, four fifths 1.077,
    # capped at 100 %: 500 kg × 2 = 1,000 kg/m³.
    assert products.mass_factor("log", 0.5) == Decimal(1000)


def test_dense_fresh_wood_holds_less_water():
    # 0.68: 0.8 × (1/0.68 − 1/1.53) = 0.6536; 680 × 1.6536 = 1,124.4 kg/m³.
    assert products.mass_factor("chips", 0.68) == Decimal(1124)


def test_air_dried_timber_and_the_default_density():
    # 0.60 × 1,000 × 1.15 / 0.9 = 766.7; no density: 0.50 → 1,000 for logs.
    assert products.mass_factor("timber", 0.6) == Decimal(767)
    assert products.mass_factor("log", None) == Decimal(1000)
    assert products.estimated_mass(Decimal("12.345"), Decimal(1000)) == Decimal("12345.0")
