"""Reports: the database's per-tree biomass is the pure module's, and the figures summed from
the tallies stay equal to the trees they count through imports, inspections, deletes and a
species' new wood density; the CLI and the API answer the same object."""

import json
import math
import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update

from smarttrees import allometry
from smarttrees.extensions import db
from smarttrees.models import Role, Species, Tree, TreeCategory
from smarttrees.services import admin, inventory, reports
from tests.helpers.factories import commune_named, make_tree, make_user, species_named
from tests.helpers.web import sign_in

REFERENCE = Path(__file__).parents[2] / "data" / "reference"


@pytest.fixture(scope="module")
def heights():
    return allometry.height_model(allometry.read_rows(REFERENCE / allometry.HEIGHT_FILE))


def _sql(function: str, dbh, height, density) -> float:
    return db.session.scalar(
        text(f"SELECT {function}(CAST(:d AS numeric), CAST(:h AS numeric), CAST(:r AS numeric))"),
        {"d": dbh, "h": height, "r": density},
    )


def test_a_tree_s_biomass_in_the_database_is_chave_2014_worked_by_hand():
    # ρ D² H = 0.5 × 30² × 20 = 9,000; 9,000^0.976 = e^(0.976 × 9.10498) = e^8.88646 ≈ 7,233.4;
    # AGB = 0.0673 × 7,233.4 ≈ 486.8 kg. Carbon 0.47 × 486.8 ≈ 228.8 kg; CO₂e ≈ 839 kg.
    assert _sql("tree_agb_kg", 30, 20, 0.5) == pytest.approx(486.8, abs=0.2)
    # No height: Feldpausch SE Asia, 57.122 × (1 − e^(−0.0332 × 30^0.8468)) ≈ 25.50 m.
    assert db.session.scalar(text("SELECT tree_height_m(30, NULL)")) == pytest.approx(
        25.5, abs=0.01
    )
    assert _sql("tree_agb_kg", None, 20, 0.5) is None  # no DBH, no estimate
    # No density: the tropical-Asia default 0.57.
    assert _sql("tree_agb_kg", 30, 20, None) == pytest.approx(_sql("tree_agb_kg", 30, 20, 0.57))


@pytest.mark.parametrize(
    "dbh, height, density",
    [(5, 4, 0.45), (12.5, None, 0.594), (30, 20, 0.5), (45.5, None, 0.57), (120, 35, 0.76)],
)
def test_the_database_and_the_pure_module_give_the_same_tree(heights, dbh, height, density):
    estimate = allometry.estimate_tree(
        dbh_cm=dbh, height_m=height, wood_density=density, height_model=heights
    )
    assert _sql("tree_agb_kg", dbh, height, density) == pytest.approx(estimate.agb_kg, rel=1e-9)
    assert _sql("tree_agb_var", dbh, height, density) == pytest.approx(estimate.variance, rel=1e-9)


def _expected(heights) -> tuple[int, float]:
    """Living trees and their biomass, computed tree by tree by the pure module."""
    rows = db.session.execute(
        select(Tree.dbh_cm, Tree.height_m, Tree.condition, Species.wood_density).outerjoin(
            Species, Species.id == Tree.species_id
        )
    ).all()
    living = [r for r in rows if allometry.counts_as_living(r.condition)]
    total = 0.0
    for row in living:
        estimate = allometry.estimate_tree(
            dbh_cm=row.dbh_cm,
            height_m=row.height_m,
            wood_density=row.wood_density or allometry.DEFAULT_WOOD_DENSITY,
            height_model=heights,
        )
        total += estimate.agb_kg if estimate else 0.0
    return len(living), total


def _check(heights) -> dict:
    summary = reports.carbon_summary(reports.ReportFilter())
    trees, agb_kg = _expected(heights)
    assert summary["trees"] == trees
    assert summary["agb_t"] == pytest.approx(agb_kg / 1000, abs=0.001)
    assert summary["low"] < summary["co2e_t"] < summary["high"]
    return summary


def test_the_tallied_carbon_stays_equal_to_the_trees_through_every_change(heights):
    field = make_user(Role.FIELD)
    trees = [make_tree(commune="Gia Sàng", height_m=h) for h in ("11", "", "8")]
    make_tree(commune="Quan Triều", condition="dead")
    make_tree(commune="Quan Triều", dbh_cm="")  # no DBH: living, no estimate
    first = _check(heights)
    assert (first["trees"], first["not_living"], first["trees_without_dbh"]) == (4, 1, 1)
    assert first["heights_estimated"] == 1

    inventory.record_inspection(trees[0].code, {"dbh_cm": "60", "height_m": "18"}, actor=field)
    inventory.record_inspection(trees[2].code, {"condition": "dead"}, actor=field)
    assert _check(heights)["agb_t"] > first["agb_t"] - 0.5  # a tree grew, another died
    db.session.execute(delete(Tree).where(Tree.id == trees[1].id))
    db.session.commit()
    _check(heights)
    species = species_named("Lagerstroemia speciosa")
    kept = species.wood_density
    try:  # a species' new wood density recomputes its trees' biomass
        db.session.execute(update(Species).where(Species.id == species.id).values(wood_density=0.9))
        db.session.commit()
        assert _check(heights)["agb_t"] > 0
    finally:  # the reference list is shared by every test
        db.session.execute(
            update(Species).where(Species.id == species.id).values(wood_density=kept)
        )
        db.session.commit()


def test_the_cli_and_the_api_answer_the_same_object(client, runner):
    make_tree(commune="Gia Sàng")
    make_tree(commune="Quan Triều")
    code = commune_named("Gia Sàng").code
    printed = runner.invoke(args=["reports", "carbon", "--commune", code])
    assert printed.exit_code == 0, printed.output
    from_cli = json.loads(printed.output)
    token = admin.issue_token(make_user(Role.VIEWER), name="province")
    headers = {"Authorization": f"Bearer {token}"}
    from_api = client.get(f"/api/v1/reports/carbon?commune={code}", headers=headers).get_json()
    assert from_cli == from_api
    for key in ("trees", "trees_with_height", "agb_t", "carbon_t", "co2e_t", "low", "high"):
        assert key in from_cli
    assert from_cli["trees"] == 1 and from_cli["method"]["equations"][0]["key"] == "agb"
    # each rounded to 3 decimals: they agree to what that rounding leaves
    assert math.isclose(from_cli["co2e_t"], from_cli["carbon_t"] * 44 / 12, abs_tol=0.0025)
    bad = client.get("/api/v1/reports/carbon?commune=12&year=1700", headers=headers)
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["details"]) == {"commune", "year"}
    unknown = client.get("/api/v1/reports/carbon?commune=99999", headers=headers)
    assert unknown.status_code == 404


def test_the_dashboard_s_figures_follow_the_filter():
    for commune, category in (
        ("Gia Sàng", "urban"),
        ("Gia Sàng", "scattered"),
        ("Bắc Kạn", "urban"),
    ):
        make_tree(commune=commune, category=category)
    gia_sang = commune_named("Gia Sàng").id
    everything = reports.dashboard(reports.ReportFilter())
    assert sum(row["trees"] for row in everything["categories"]) == 3
    stacked = {row["key"]: row["conditions"] for row in everything["condition_by_category"]}
    assert stacked == {"urban": {"good": 2}, "scattered": {"good": 1}}
    assert {row["label"] for row in everything["communes"]} == {"Gia Sàng", "Bắc Kạn"}
    one = reports.dashboard(reports.ReportFilter(commune_id=gia_sang, category=TreeCategory.URBAN))
    assert [(row["key"], row["trees"]) for row in one["categories"]] == [("urban", 1)]
    assert [row["label"] for row in one["communes"]] == ["Gia Sàng"]
    assert one["carbon"]["trees"] == 1
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 3


@pytest.mark.parametrize(
    "name, dbh, height, density",
    [
        ("Dipterocarpus alatus", 40, 25, 0.68),  # genus rows, stem by D alone
        ("Shorea roxburghii", 22.5, None, 0.6),
        ("Hopea odorata", 35, 18, 0.64),  # the family's rows, stem by D, H and ρ
        ("Hopea odorata", 12, None, None),  # modelled height, default density
    ],
)
def test_huy_2019_in_the_database_is_the_pure_module_s(heights, name, dbh, height, density):
    tables = allometry.read_huy_tables(REFERENCE / allometry.HUY_DIRECTORY)
    expected = allometry.huy_agb(
        tables,
        scientific_name=name,
        family="Dipterocarpaceae",
        dbh_cm=dbh,
        height_m=height if height is not None else heights.height_m(dbh),
        wood_density=density or allometry.DEFAULT_WOOD_DENSITY,
    )
    found = db.session.scalar(
        text(
            "SELECT huy_agb_kg(:genus, CAST(:d AS numeric), CAST(:h AS numeric),"
            " CAST(:r AS numeric))"
        ),
        {"genus": name.split()[0], "d": dbh, "h": height, "r": density},
    )
    assert found == pytest.approx(expected.agb_kg, rel=1e-9)


def test_dipterocarps_get_huy_2019_beside_chave_and_outside_the_total():
    hopea = species_named("Hopea odorata")
    make_tree(commune="Gia Sàng", species_id=hopea.id, category="urban")
    make_tree(commune="Gia Sàng")  # not a dipterocarp
    summary = reports.carbon_summary(reports.ReportFilter())
    comparison = summary["comparison"]
    assert comparison["trees"] == 1
    assert 0 < comparison["chave_agb_t"] < summary["agb_t"]  # the total holds both trees
    assert comparison["huy_agb_t"] > 0 and comparison["huy_agb_t"] != comparison["chave_agb_t"]


def test_survival_of_a_stand_s_and_a_lot_s_trees_states_the_inspected_share():
    from smarttrees.models import LotEventKind
    from smarttrees.services import custody
    from tests.helpers.factories import make_stand

    field = make_user(Role.FIELD)
    stand = make_stand("Gia Sàng")
    nursery = custody.create_nursery(name="Vườn ươm Phú Lương")
    lot = custody.create_lot(
        species_id=species_named("Acacia mangium").id, nursery_id=nursery.id, seed_source="X"
    )
    custody.record_event(lot, LotEventKind.SOWN, 100)
    planted = [make_tree(commune="Gia Sàng", category="plantation") for _ in range(4)]
    db.session.execute(
        update(Tree)
        .where(Tree.id.in_([t.id for t in planted]))
        .values(stand_id=stand.id, seedling_lot_id=lot.id)
    )
    db.session.commit()
    inventory.record_inspection(planted[0].code, {"condition": "dead"}, actor=field)
    inventory.record_inspection(planted[1].code, {"condition": "good"}, actor=field)
    for of, record in (("stand", stand.id), ("lot", lot.id)):
        found = reports.survival(of, record)
        assert (found["trees"], found["living"], found["dead"], found["inspected"]) == (4, 3, 1, 2)
        assert (found["survival"], found["inspected_share"]) == (75.0, 50.0)
    assert reports.survival("stand", stand.id + 999)["survival"] is None  # no tree, no rate


def test_growth_per_species_and_age_comes_from_trees_measured_twice(runner, client, tmp_path):
    from datetime import datetime, timedelta

    field = make_user(Role.FIELD)
    first = datetime(2024, 3, 1, 8, 0)
    trees = [make_tree(commune="Gia Sàng", planted_on="15/03/2012") for _ in range(3)]
    for tree, (before, after) in zip(trees, ((20, 22), (30, 31), (25, 28)), strict=True):
        for when, dbh in ((first, before), (first + timedelta(days=730), after)):
            inventory.record_inspection(
                tree.code,
                {"dbh_cm": str(dbh), "inspected_at": when.isoformat() + "+07:00"},
                actor=field,
            )
    make_tree(commune="Gia Sàng")  # measured once: no growth
    assert runner.invoke(args=["reports", "refresh"]).exit_code == 0
    found = reports.growth(reports.ReportFilter())
    [row] = [r for r in found["rows"] if r["measure"] == "dbh"]
    # (2 + 1 + 3) cm over two years (730 days ≈ 1.9986 years of 365.25 days) for 3 trees
    assert row["trees"] == 3 and row["per_year"] == pytest.approx(1.0, abs=0.01)
    assert row["age_class"] == 10  # first measured 12 years after planting: class 10–14
    assert found["computed_at"] is not None
    sign_in(client, Role.VIEWER)  # the signed report prints the same figure
    pdf = tmp_path / "bao-cao.pdf"
    pdf.write_bytes(client.get("/reports.pdf").data)
    printed = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
    )
    assert re.search(r"Bằng lăng nước\s+10–14 năm\s+D1\.3 \(cm\)\s+3\s+1,00", printed.stdout)
    commune = commune_named("Quan Triều").id  # no tree there: nothing to show
    assert reports.growth(reports.ReportFilter(commune_id=commune))["rows"] == []


def test_an_import_and_its_re_import_keep_the_carbon_equal_to_the_trees(heights, runner, tmp_path):
    """A survey written by the bulk importer (a set-wise INSERT, then an UPDATE of the trees it
    measured again) moves the tallies exactly as the trees move."""
    survey = tmp_path / "khao_sat.csv"
    rows = ["Mã cây;Loài cây;D1.3;Chiều cao;Kinh độ;Vĩ độ"]
    rows += [f"K-{n};Keo tai tượng;{10 + n},5;;105,81{n};21,59{n}" for n in range(8)]
    survey.write_text("\n".join(rows) + "\n", encoding="utf-8")
    args = ["trees", "import", str(survey), "--commit", "--source", "ks-carbon"]
    assert runner.invoke(args=args).exit_code == 0
    first = _check(heights)
    assert first["trees"] == 8 and first["heights_estimated"] == 8  # no height in the file
    survey.write_text(survey.read_text(encoding="utf-8").replace("10,5;;", "40,5;21;"))
    assert runner.invoke(args=args).exit_code == 0
    again = _check(heights)
    assert again["heights_estimated"] == 7 and again["agb_t"] > first["agb_t"]
