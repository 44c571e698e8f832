"""A tree's biomass and carbon for the carbon report: figures worked by hand (ln 30 = 3.401197)."""

import math
from decimal import Decimal
from pathlib import Path

import pytest

from smarttrees import allometry
from smarttrees.allometry import DensityBasis, HuyTaxon, TreeRecord

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
# A small table: Testia alba has Asian and Australian records, T. grandis Asian ones only,
# T. nigra Australian ones only; Nudia has a record named only by its region.
ROWS = [
    {"genus": "Testia", "species": "alba", "wd": "0.60", "regionId": "SouthEastAsiaTrop"},
    {"genus": "Testia", "species": "alba", "wd": "0.70", "regionId": "China"},
    {"genus": "Testia", "species": "alba", "wd": "0.30", "regionId": "AustraliaTrop"},
    *[{"genus": "Testia", "species": "grandis", "wd": "0.50", "regionId": "India"}] * 4,
    {"genus": "Testia", "species": "nigra", "wd": "0.40", "regionId": "AustraliaTrop"},
    {"genus": "Testia", "species": "nigra", "wd": "0.50", "regionId": "AustraliaTrop"},
    {"genus": "Nudia", "species": "rosea", "wd": "0.80", "region": "South-East_Asia"},
    {"genus": "Nudia", "species": "rosea", "wd": "0.20", "region": "Europe"},
]


@pytest.fixture(scope="module")
def seasia() -> allometry.HeightModel:
    return allometry.height_model(allometry.read_rows(REFERENCE / allometry.HEIGHT_FILE))


@pytest.fixture(scope="module")
def wood_table() -> list[dict[str, str]]:
    return allometry.read_rows(REFERENCE / allometry.WOOD_DENSITY_FILE)


@pytest.fixture(scope="module")
def huy_tables() -> dict:
    return allometry.read_huy_tables(REFERENCE / allometry.HUY_DIRECTORY)


def _huy(tables, name, family, dbh, height, density):
    return allometry.huy_agb(
        tables,
        scientific_name=name,
        family=family,
        dbh_cm=dbh,
        height_m=height,
        wood_density=density,
    )


def _estimate(dbh, height, density, model):
    return allometry.estimate_tree(
        dbh_cm=dbh, height_m=height, wood_density=density, height_model=model
    )


def test_species_mean_prefers_asian_records_and_measured_height_is_used(seasia):
    # alba: Asian 0.60 and 0.70 → 0.65 (the Australian 0.30 is left out).
    assert allometry.wood_density(ROWS, "Testia alba") == (
        pytest.approx(0.65),
        DensityBasis.SPECIES,
    )
    # ρD²H = 0.65 × 20² × 15 = 3,900; ln 3,900 = 8.268732, × 0.976 = 8.070282,
    # exp = 3,198.004; × 0.0673 = 215.2257 kg.
    tree = _estimate(Decimal("20.0"), Decimal("15.0"), 0.65, seasia)
    assert tree.agb_kg == pytest.approx(215.2257, abs=1e-4)
    assert (tree.height_m, tree.height_estimated, tree.sigma) == (15.0, False, 0.357)


def test_species_without_asian_records_takes_all_of_them():
    # nigra: (0.40 + 0.50) / 2; rosea has regionId blank, region names: 0.80 (South-East Asia).
    assert allometry.wood_density(ROWS, "Testia nigra") == (
        pytest.approx(0.45),
        DensityBasis.SPECIES,
    )
    assert allometry.wood_density(ROWS, "Nudia rosea") == (0.80, DensityBasis.SPECIES)


def test_genus_mean_is_the_mean_of_its_asian_species_means(seasia):
    # Species with Asian records: alba 0.65, grandis 0.50 → 0.575 (not the record mean 0.55).
    density, basis = allometry.wood_density(ROWS, "Testia rubra")
    assert (density, basis) == (pytest.approx(0.575), DensityBasis.GENUS)
    assert allometry.wood_density(ROWS, "Testia sp.")[1] is DensityBasis.GENUS
    # 0.575 × 25² × 18 = 6,468.75; ln = 8.774738, × 0.976 = 8.564144; × 0.0673 → 352.6759 kg.
    assert _estimate(25, 18, density, seasia).agb_kg == pytest.approx(352.6759, abs=1e-4)


def test_an_unknown_genus_takes_the_stated_default(seasia):
    assert allometry.wood_density(ROWS, "Ignota ignota") == (0.57, DensityBasis.DEFAULT)
    assert allometry.wood_density(ROWS, "")[1] is DensityBasis.DEFAULT
    # 0.57 × 12² × 9 = 738.72; ln = 6.604919, × 0.976 = 6.446401; × 0.0673 → 42.4279 kg.
    assert _estimate(12, 9, 0.57, seasia).agb_kg == pytest.approx(42.4279, abs=1e-4)


def test_the_default_agrees_with_the_asian_records_of_the_table(wood_table):
    # Reyes et al. 1992's 0.57 against the mean of the table's Asian species means (0.5732).
    assert allometry.regional_mean_density(wood_table) == pytest.approx(0.57, abs=0.005)


def test_densities_from_the_reference_table(wood_table):
    # Dipterocarpus alatus: 0.56 and 0.638 → 0.599. Melia azedarach: the 7 Asian records
    # (0.393 0.468 0.369 0.451 0.42 0.496 0.56) → 3.157 / 7 = 0.451, not 0.438 with Australia's.
    assert allometry.wood_density(wood_table, "Dipterocarpus alatus")[0] == pytest.approx(0.599)
    assert allometry.wood_density(wood_table, "Melia azedarach")[0] == pytest.approx(0.451)


def test_a_hybrid_takes_the_mean_of_its_parents(wood_table):
    # A. mangium: 3.549 / 7 = 0.507 (Australia/PNG); A. auriculiformis 0.68 → 0.5935,
    # where Asian acacias would give the genus 0.79.
    name = "Acacia mangium x Acacia auriculiformis"
    assert allometry.name_parts(name) == ("Acacia", ("mangium", "auriculiformis"))
    assert allometry.wood_density(wood_table, name) == (pytest.approx(0.5935), DensityBasis.SPECIES)
    assert allometry.name_parts("Acacia mangium Willd.") == ("Acacia", ("mangium",))


def test_feldpausch_south_east_asia_height_at_30_cm_from_the_csv_row(seasia):
    # SEAsia: a 57.122, b 0.0332, c 0.8468, RSE 5.691. 30^0.8468 = exp(2.880134) = 17.81666;
    # × 0.0332 = 0.591513; exp(−0.591513) = 0.553489; 57.122 × 0.446511 = 25.5056 m.
    assert (seasia.a, seasia.b, seasia.c, seasia.rse) == (57.122, 0.0332, 0.8468, 5.691)
    assert seasia.height_m(30) == pytest.approx(25.5056, abs=1e-4)
    with pytest.raises(KeyError):
        allometry.height_model([{"rownames": "Pantropical"}], "SEAsia")


def test_a_tree_without_height_takes_the_model_height_and_its_error(seasia):
    # 0.6 × 30² × 25.50559 = 13,773.02; ln = 9.530467, × 0.976 = 9.301736; × 0.0673 = 737.4075.
    # σ = √(0.357² + (0.976 × 5.691 / 25.50559)²) = √(0.127449 + 0.047425) = 0.418179.
    tree = _estimate(30, None, 0.6, seasia)
    assert tree.agb_kg == pytest.approx(737.4075, abs=1e-4)
    assert tree.height_estimated and tree.height_m == pytest.approx(25.5056, abs=1e-4)
    assert tree.sigma == pytest.approx(0.418179, abs=1e-6)
    # Its 95 % range: × / ÷ exp(1.96 × 0.418179) = 2.269663.
    assert tree.agb.high_kg == pytest.approx(737.4075 * 2.269663, rel=1e-6)
    assert tree.agb.low_kg == pytest.approx(737.4075 / 2.269663, rel=1e-6)


def test_carbon_and_co2_equivalent(seasia):
    # 215.2257 kg × 0.47 = 101.1561 kg C; × 44/12 = 370.9056 kg CO₂e.
    agb = _estimate(20, 15, 0.65, seasia).agb
    assert allometry.carbon(agb).kg == pytest.approx(101.1561, abs=1e-4)
    assert allometry.co2e(agb).kg == pytest.approx(370.9056, abs=1e-4)
    # With measured height only the model error: 215.2257 × exp(1.96 × 0.357) = × 2.013189.
    assert allometry.carbon(agb).high_kg == pytest.approx(101.1561 * 2.013189, rel=1e-6)


def test_a_tree_without_dbh_has_no_estimate_and_is_counted(seasia, huy_tables):
    assert _estimate(None, 12, 0.6, seasia) is None
    none = _huy(huy_tables, "Shorea siamensis", "Dipterocarpaceae", None, 12, 0.6)
    assert none is None
    trees = [TreeRecord("good", 20, 15, 0.65), TreeRecord(None, None, 12, 0.6)]
    total = allometry.summarise(trees, height_model=seasia)
    assert (total.living, total.without_dbh, total.estimated) == (2, 1, 1)
    assert total.agb.kg == pytest.approx(215.2257, abs=1e-4)


def test_dead_and_removed_trees_are_left_out_of_the_total(seasia):
    conditions = (None, "good", "poor", "dead", "removed")
    living = [allometry.counts_as_living(c) for c in conditions]
    assert living == [True, True, True, False, False]
    trees = [
        TreeRecord("fair", 20, 15, 0.65),
        TreeRecord("dead", 80, 30, 0.7),
        TreeRecord("removed", 50, None, 0.7),
    ]
    total = allometry.summarise(trees, height_model=seasia)
    assert (total.living, total.not_living) == (1, 2)
    assert total.agb.kg == pytest.approx(215.2257, abs=1e-4)


def test_the_living_rule_knows_every_condition_of_the_model():
    from smarttrees.models.tree import Condition

    living = {c.value for c in Condition if allometry.counts_as_living(c)}
    assert living == {"good", "fair", "poor"}


def test_the_sum_range_contains_the_sum_and_widens_when_heights_are_estimated(seasia):
    # Same trees, heights measured at exactly the model's height, or left to the model.
    heights = [seasia.height_m(d) for d in (15, 30, 45)]
    measured = [TreeRecord("good", d, h, 0.6) for d, h in zip((15, 30, 45), heights, strict=True)]
    estimated = [TreeRecord("good", d, None, 0.6) for d in (15, 30, 45)]
    by_measure = allometry.summarise(measured, height_model=seasia)
    by_model = allometry.summarise(estimated, height_model=seasia)
    assert by_model.agb.kg == pytest.approx(by_measure.agb.kg)
    assert by_measure.agb.low_kg < by_measure.agb.kg < by_measure.agb.high_kg
    assert (
        by_model.agb.high_kg - by_model.agb.low_kg > by_measure.agb.high_kg - by_measure.agb.low_kg
    )
    assert (by_measure.heights_estimated, by_model.heights_estimated) == (0, 3)


def test_the_sum_range_adds_the_trees_variances(seasia):
    # Two trees: 215.2257 kg (σ 0.357) and 737.4075 kg (σ 0.418179). Variances:
    # 215.2257² × (exp(0.127449) − 1) = 46,322.1 × 0.135927 = 6,296.4;
    # 737.4075² × (exp(0.174875) − 1) = 543,769.8 × 0.191096 = 103,912.2; sum 110,208.6,
    # √ = 331.977, × 1.96 = 650.67 around 952.633 kg.
    trees = [_estimate(20, 15, 0.65, seasia), _estimate(30, None, 0.6, seasia)]
    total = allometry.total(trees)
    assert total.agb.kg == pytest.approx(952.633, abs=1e-3)
    assert total.agb.low_kg == pytest.approx(952.633 - 650.67, abs=0.05)
    assert total.agb.high_kg == pytest.approx(952.633 + 650.67, abs=0.05)


def test_huy_dipterocarpus_takes_its_genus_rows_and_the_diameter_only_stem(huy_tables):
    # D = 30: stem 0.01831 × exp(2.76361 × 3.401197 = 9.399583) = 0.01831 × 12,083.34 = 221.246;
    # branch 0.00481 × 30^2.96217 (23,740.19) = 114.190; foliage 0.08921 × 30^1.4384 (133.257)
    # = 11.888; bark 0.00116 × 30^3.1934 (52,124.15) = 60.464; total 407.788 kg.
    # Neither height nor wood density enters: other values give the same figure.
    for height, density in ((25.5, 0.6), (10.0, 0.9)):
        tree = _huy(huy_tables, "Dipterocarpus alatus", "Dipterocarpaceae", 30, height, density)
        assert tree.taxon is HuyTaxon.GENUS
        assert tree.stem_kg == pytest.approx(221.246, abs=1e-3)
        assert tree.agb_kg == pytest.approx(407.788, abs=1e-3)


def test_huy_non_dipterocarp_takes_the_all_species_rows_with_height_and_density(huy_tables):
    # Stem 0.02055 × 30^2.35241 (2,983.972) × 25.50559^0.59142 (6.790665) × 0.6^0.6909
    # (0.702627) = 292.579; branch 0.00669 × 30^2.85742 (16,624.78) = 111.220; foliage
    # 0.03701 × 30^1.68095 (304.065) = 11.253; bark 0.01541 × 30^2.43959 (4,013.93) = 61.855;
    # total 476.907 kg.
    tree = _huy(huy_tables, "Acacia mangium", "Fabaceae", 30, 25.505591623408794, 0.6)
    assert tree.taxon is HuyTaxon.ALL_SPECIES
    assert tree.stem_kg == pytest.approx(292.579, abs=1e-3)
    assert tree.agb_kg == pytest.approx(476.907, abs=1e-3)


def test_huy_other_dipterocarps_take_the_family_rows(huy_tables):
    # Hopea, D = 30, H = 20, WD = 0.635: stem 0.02548 × 30^2.25377 (2,133.495) × 20^0.69531
    # (8.028218) × 0.635^0.95381 (0.648461) = 283.005 kg.
    tree = _huy(huy_tables, "Hopea odorata", "Dipterocarpaceae", 30, 20, 0.635)
    assert tree.taxon is HuyTaxon.FAMILY
    assert tree.stem_kg == pytest.approx(283.005, abs=1e-3)


def test_sql_params_give_the_same_per_tree_figure(seasia):
    # The SQL of sql_params' docstring, written out with its numbers, for a tree without height.
    p = allometry.sql_params(seasia)
    h = p["height_a"] * (1 - math.exp(-p["height_b"] * 30 ** p["height_c"]))
    agb = p["chave_coefficient"] * (0.6 * 30**2 * h) ** p["chave_exponent"]
    sigma2 = p["chave_rse"] ** 2 + (p["chave_exponent"] * p["height_rse"] / h) ** 2
    tree = _estimate(30, None, 0.6, seasia)
    assert (agb, math.sqrt(sigma2)) == (pytest.approx(tree.agb_kg), pytest.approx(tree.sigma))
    assert (p["default_wood_density"], p["carbon_fraction"]) == (0.57, 0.47)


def test_the_method_names_every_source_and_keeps_huy_out_of_the_total():
    dois = {equation.source.doi for equation in allometry.METHOD.equations}
    assert {
        "10.1111/gcb.12629",
        "10.5194/bg-9-3381-2012",
        "10.1016/j.foreco.2019.01.038",
        "10.5061/dryad.234",
    } <= dois
    in_total = {e.key: e.in_total for e in allometry.METHOD.equations}
    assert in_total["huy_agb"] is False and in_total["agb"] is True
    assert "0.0673" in allometry.METHOD.equations[0].formula
    assert {d.key for d in allometry.METHOD.defaults} >= {"wood_density", "carbon_fraction"}
