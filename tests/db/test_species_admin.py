"""The species list for admins: a species added and corrected (names NFC, the scientific name
unique, the wood density in range and its basis), searched without diacritics, and merged into
another with everything that names it, the map's and the report's tallies still equal to the
trees; only admins get in, and the audit log names the admin who merged.

The species table is reference data every test shares: each test here removes the species it
added (with the rows naming them) whatever happens."""

import re
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text

from smarttrees.errors import ValidationFailed
from smarttrees.extensions import db
from smarttrees.models import (
    AuditLog,
    ImportBatch,
    ImportStatus,
    ProductBatch,
    ReplacedTree,
    Role,
    SavedMapping,
    SeedlingLot,
    Species,
    Stand,
    Tree,
    TreeCategory,
)
from smarttrees.services import admin, custody
from smarttrees.services.custody import harvests
from tests.helpers.database import MUTABLE_TABLES
from tests.helpers.factories import make_stand, make_tree, make_user, species_named
from tests.helpers.web import csrf_from, sign_in


@pytest.fixture
def added_species(app):
    """Species the test adds are removed at its end, with every row that names them."""
    before = set(db.session.scalars(select(Species.id)))
    yield
    db.session.rollback()
    db.session.execute(text(f"TRUNCATE {MUTABLE_TABLES} RESTART IDENTITY CASCADE"))
    db.session.execute(delete(SavedMapping).where(SavedMapping.name.like("test-species-%")))
    db.session.execute(delete(Species).where(Species.id.not_in(before)))
    db.session.commit()


def _add(app, **raw) -> Species:
    fields = {"vi_name": "Cây thử", "scientific_name": "Testus primus"} | raw
    reference = Path(app.config["REFERENCE_DIR"])
    return admin.add_species(fields, reference_dir=reference, actor=make_user(Role.ADMIN))


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_from(client, "/admin/species"), **data})


def test_a_species_added_twice_under_one_scientific_name_is_refused_naming_the_field(
    client, added_species
):
    sign_in(client, Role.ADMIN)
    answer = _post(client, "/admin/species", vi_name="Keo trùng", scientific_name="acacia  MANGIUM")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert re.search(r'name="scientific_name"[^>]*aria-invalid="true"', page)
    assert not re.search(r'name="vi_name"[^>]*aria-invalid="true"', page)
    assert (
        db.session.scalar(
            select(func.count()).where(func.lower(Species.scientific_name) == "acacia mangium")
        )
        == 1
    )
    with pytest.raises(ValidationFailed) as refused:
        _add(client.application, scientific_name="Acacia mangium")
    assert set(refused.value.details) == {"scientific_name"}


def test_a_species_is_added_in_nfc_found_without_diacritics_and_corrected(
    app, client, added_species
):
    sign_in(client, Role.ADMIN)
    decomposed = unicodedata.normalize("NFD", "Lim thử nghiệm")
    answer = _post(client, "/admin/species", vi_name=decomposed, scientific_name="Testus  alter",
                   en_name="Test wood", family="Fabaceae", wood_density="0,62")  # fmt: skip
    assert answer.status_code == 302
    species = species_named("Testus alter")
    assert species.vi_name == "Lim thử nghiệm" and species.vi_name_folded == "lim thu nghiem"
    assert (float(species.wood_density), species.wood_density_basis) == (0.62, "species")
    found = client.get("/admin/species?q=lim thu").get_data(as_text=True)
    assert f'id="species-{species.id}"' in found and "Acacia mangium" not in found
    # Left empty, the density is the wood density table's: a genus' mean for an unknown acacia.
    acacia = _add(app, scientific_name="Acacia testii", vi_name="Keo thử")
    assert acacia.wood_density_basis == "genus" and 0.05 <= float(acacia.wood_density) <= 1.5
    for wrong in ("0,01", "2", "nan", "abc"):
        refused = _post(client, f"/admin/species/{species.id}", vi_name="Lim thử nghiệm",
                         scientific_name="Testus alter", wood_density=wrong)  # fmt: skip
        assert refused.status_code == 422, wrong
    density = str(acacia.wood_density)
    kept = _post(client, f"/admin/species/{acacia.id}", vi_name="Keo thử",
                 scientific_name="Acacia testii", wood_density=density)  # fmt: skip
    db.session.expire_all()
    assert kept.status_code == 302 and acacia.wood_density_basis == "genus"  # unchanged: kept
    _post(client, f"/admin/species/{acacia.id}", vi_name="Keo thử", scientific_name="Acacia testii",
          wood_density="0.7")  # fmt: skip
    db.session.expire_all()
    assert (float(acacia.wood_density), acacia.wood_density_basis) == (0.7, "species")


def _tallies_equal_to_the_trees() -> dict:
    """The map's cells (at every zoom) and the report's tallies count the trees of each
    species, and the report's biomass is the trees' with their species' density."""
    trees = dict(
        db.session.execute(text("SELECT species_id, count(*) FROM trees GROUP BY 1")).all()
    )
    report = text(
        "SELECT species_id, sum(trees) FROM tree_tallies GROUP BY 1 HAVING sum(trees) > 0"
    )
    assert dict(db.session.execute(report).all()) == trees
    for zoom in range(6, 15):
        cells = text(
            "SELECT species_id, sum(trees) FROM tree_cells WHERE zoom = :zoom"
            " GROUP BY 1 HAVING sum(trees) > 0"
        )
        assert dict(db.session.execute(cells, {"zoom": zoom}).all()) == trees, zoom
    biomass = text(
        "SELECT t.species_id, sum(tree_agb_kg(t.dbh_cm, t.height_m, s.wood_density))"
        " FROM trees t JOIN species s ON s.id = t.species_id GROUP BY 1"
    )
    tallied = text(
        "SELECT species_id, sum(agb_kg) FROM tree_tallies GROUP BY 1 HAVING sum(trees) > 0"
    )
    expected = dict(db.session.execute(biomass).all())
    assert dict(db.session.execute(tallied).all()) == pytest.approx(expected)
    return trees


def _named_by(species: Species) -> dict:
    """A stand, a seedling lot, a product batch, an import's choice, a saved mapping, an undo's
    history and an import's kept row that name the species; three of its trees."""
    manager = make_user(Role.MANAGER)
    trees = [
        make_tree(species_id=species.id, commune=c) for c in ("Gia Sàng", "Quan Triều", "Gia Sàng")
    ]
    stand = make_stand(name="Lô trùng loài")
    stand.species_id = species.id
    db.session.commit()
    harvest = harvests.create_harvest(
        {"stand_id": stand.id, "harvested_on": "15/10/2024", "area_ha": "1,0"}, actor=manager
    )
    batch = harvests.add_batch(harvest, {"kind": "log", "volume_m3": "3"}, actor=manager)
    nursery = custody.create_nursery(name="Vườn thử")
    lot = custody.create_lot(species_id=species.id, nursery_id=nursery.id, seed_source=None)
    choices = {"Keo trùng": species.id, "Sấu": species_named("Dracontomelon duperreanum").id}
    imported = ImportBatch(filename="s.csv", source="s", status=ImportStatus.REVIEW,
                           species_choices=choices)  # fmt: skip
    saved = SavedMapping(
        name="test-species-doi-1", columns={}, species={"Keo trùng": str(species.id)}
    )
    db.session.add_all([imported, saved])
    db.session.flush()
    db.session.add(ReplacedTree(batch_id=imported.id, tree_id=trees[0].id, species_id=species.id,
                                category=TreeCategory.URBAN, updated_at=func.now()))  # fmt: skip
    db.session.execute(text(f"CREATE SCHEMA import_{imported.id}"))
    db.session.execute(text(f"CREATE TABLE import_{imported.id}.import_rows (species_id integer)"))
    db.session.execute(text(f"INSERT INTO import_{imported.id}.import_rows VALUES ({species.id})"))
    db.session.commit()
    return {"stand": stand, "batch": batch, "lot": lot, "import": imported, "saved": saved}


def test_a_merge_moves_everything_naming_the_species_and_the_tallies_follow(
    app, client, added_species
):
    boss = sign_in(client, Role.ADMIN)
    twin = _add(app, scientific_name="Testus duplicatus", vi_name="Keo trùng", wood_density="0.9")
    into = species_named("Acacia mangium")
    named, twin_id = _named_by(twin), twin.id  # the species is gone once merged
    make_tree(species_id=into.id)
    before = _tallies_equal_to_the_trees()
    assert (before[twin.id], before[into.id]) == (3, 1)
    preview = client.get(f"/admin/species/{twin.id}/merge?into={into.id}&lang=en")
    assert (
        "3 trees, 1 stand, 1 seedling lot, 1 product batch, the species chosen in 1 import and "
        "1 saved mapping move to Keo tai tượng (Acacia mangium)."
    ) in preview.get_data(as_text=True)
    merged = _post(client, f"/admin/species/{twin_id}/merge", into=str(into.id))
    assert merged.status_code == 302
    db.session.expire_all()
    assert db.session.get(Species, twin_id) is None
    assert _tallies_equal_to_the_trees() == {into.id: 4}
    assert {db.session.get(Stand, named["stand"].id).species_id,
            db.session.get(SeedlingLot, named["lot"].id).species_id,
            db.session.get(ProductBatch, named["batch"].id).species_id} == {into.id}  # fmt: skip
    assert db.session.get(ImportBatch, named["import"].id).species_choices["Keo trùng"] == into.id
    assert db.session.get(SavedMapping, named["saved"].id).species == {"Keo trùng": into.id}
    assert db.session.scalar(select(ReplacedTree.species_id)) == into.id
    kept = text(f"SELECT species_id FROM import_{named['import'].id}.import_rows")
    assert db.session.scalar(kept) == into.id
    entries = db.session.execute(
        select(AuditLog.action, AuditLog.actor_id).where(
            AuditLog.entity == "species", AuditLog.entity_id == str(twin_id)
        )
    ).all()
    assert {("merge", boss.id), ("delete", boss.id)} <= set(entries)
    log = client.get("/admin/audit?entity=species&action=merge").get_data(as_text=True)
    assert boss.email in log and "Testus duplicatus" in log


def test_a_species_is_not_merged_into_itself_nor_into_none(app, client, added_species):
    sign_in(client, Role.ADMIN)
    twin = _add(app)
    make_tree(species_id=twin.id)
    for into in (str(twin.id), "999999", "", "１"):
        answer = _post(client, f"/admin/species/{twin.id}/merge", into=into)
        assert answer.status_code == 302 and answer.headers["Location"].endswith(
            f"/admin/species/{twin.id}"
        ), into
        assert client.get(f"/admin/species/{twin.id}/merge?into={into}").status_code == 302
    db.session.expire_all()
    assert db.session.get(Species, twin.id) is not None
    assert db.session.scalar(select(Tree.species_id)) == twin.id
    with pytest.raises(ValidationFailed) as refused:
        admin.merge_species(twin.id, twin.id, actor=make_user(Role.ADMIN))
    assert set(refused.value.details) == {"into"}


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MANAGER], ids=lambda r: r.value)
def test_a_viewer_and_a_manager_may_not_change_the_list(app, client, added_species, role):
    twin = _add(app)
    into = species_named("Acacia mangium")
    sign_in(client, role)
    token = csrf_from(client, "/login")
    for method, path, data in (
        ("GET", "/admin/species", None),
        ("POST", "/admin/species", {"vi_name": "Cây lạ", "scientific_name": "Testus tertius"}),
        ("GET", f"/admin/species/{twin.id}", None),
        ("POST", f"/admin/species/{twin.id}", {"vi_name": "Đổi", "scientific_name": "Testus x"}),
        ("GET", f"/admin/species/{twin.id}/merge?into={into.id}", None),
        ("POST", f"/admin/species/{twin.id}/merge", {"into": str(into.id)}),
    ):
        body = None if data is None else {"csrf_token": token, **data}
        assert client.open(path, method=method, data=body).status_code == 403, (method, path)
    db.session.expire_all()
    assert db.session.get(Species, twin.id).vi_name == "Cây thử"
    assert species_named("Testus tertius") is None
