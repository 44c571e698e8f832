"""Reference data: Thái Nguyên's 92 communes and wards, the province, the species list."""

import pytest
from sqlalchemy import func, select

from smarttrees.config import ROOT
from smarttrees.extensions import db
from smarttrees.models import AdminLevel, AdminUnit, Species
from smarttrees.services import admin, inventory

pytestmark = pytest.mark.external


def test_communes_and_province_are_loaded():
    levels = dict(
        db.session.execute(select(AdminUnit.level, func.count()).group_by(AdminUnit.level)).all()
    )
    assert levels[AdminLevel.PROVINCE] == 1
    assert levels[AdminLevel.COMMUNE] + levels[AdminLevel.WARD] == 92
    assert levels[AdminLevel.WARD] == 15


def test_every_stored_polygon_is_valid():
    # Three source polygons self-intersect; the loader repairs them with ST_MakeValid.
    assert admin.invalid_polygon_count() == 0
    assert db.session.scalar(select(func.bool_and(func.ST_IsValid(AdminUnit.geom)))) is True


def test_loading_again_changes_no_counts():
    before = db.session.scalar(select(func.count()).select_from(AdminUnit))
    counts = admin.load_reference(ROOT / "data" / "reference")
    assert counts == {"admin_units": 93, "species": 45}
    assert db.session.scalar(select(func.count()).select_from(AdminUnit)) == before


def test_vietnamese_names_are_not_unique():
    bo_de = db.session.scalars(select(Species).where(Species.vi_name == "Bồ đề")).all()
    assert {s.scientific_name for s in bo_de} == {"Styrax tonkinensis", "Ficus religiosa"}


def test_species_have_wood_density_from_the_global_database():
    acacia = db.session.scalar(select(Species).where(Species.scientific_name == "Acacia mangium"))
    assert 0.4 < float(acacia.wood_density) < 0.65


def test_species_search_ignores_diacritics():
    names = {s.vi_name for s in inventory.list_species("bach dan")}
    assert names == {"Bạch đàn urô", "Bạch đàn trắng"}


def test_commune_search_folds_d_with_stroke():
    assert [u.name for u in inventory.list_communes("phan dinh phung")] == ["Phan Đình Phùng"]
