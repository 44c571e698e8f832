"""Reference data: Thái Nguyên's communes and province, and the species list."""

import csv
from pathlib import Path

from geoalchemy2.shape import from_shape
from sqlalchemy import func, select, text

from smarttrees import allometry
from smarttrees.extensions import db
from smarttrees.geo.features import as_multipolygon, read_features
from smarttrees.models import AdminLevel, AdminUnit, Species
from smarttrees.vietnamese import fold, nfc

LEVEL_BY_TYPE = {"Xã": AdminLevel.COMMUNE, "Phường": AdminLevel.WARD, "Tỉnh": AdminLevel.PROVINCE}


def load_reference(directory: Path) -> dict:
    """Load (or refresh) administrative units and species; safe to run again (a commune name
    an admin corrected is kept)."""
    counts = {
        "admin_units": _load_admin_units(directory),
        "species": _load_species(directory),
    }
    db.session.commit()
    return counts


def _upsert_unit(props: dict, geometry, *, code: str, parent_id: int | None) -> AdminUnit:
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == code)) or AdminUnit(
        code=code
    )
    if unit.name_corrected_at is None:  # a name an admin corrected stays theirs
        unit.name = nfc(props["ten"])
        unit.name_folded = fold(unit.name)
    unit.level = LEVEL_BY_TYPE[nfc(props["loai"])]
    unit.parent_id = parent_id
    unit.area_ha = round(props["dien_tich_km2"] * 100, 2)
    unit.population = props.get("dan_so")
    # Simplified source polygons self-intersect in places: repair them in PostGIS.
    unit.geom = func.ST_Multi(
        func.ST_CollectionExtract(func.ST_MakeValid(from_shape(geometry, srid=4326)), 3)
    )
    db.session.add(unit)
    return unit


def _load_admin_units(directory: Path) -> int:
    (props, outline), *_ = read_features(directory / "thai_nguyen_province_2025.geojson")
    province = _upsert_unit(props, as_multipolygon(outline), code=props["ma_tinh"], parent_id=None)
    db.session.flush()
    count = 1
    for props, geometry in read_features(directory / "thai_nguyen_communes_2025.geojson"):
        _upsert_unit(props, as_multipolygon(geometry), code=props["ma_xa"], parent_id=province.id)
        count += 1
    db.session.flush()
    return count


def _load_species(directory: Path) -> int:
    densities = allometry.read_rows(directory / allometry.WOOD_DENSITY_FILE)
    count = 0
    with (directory / "species_vn.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = nfc(row["scientific_name"])
            species = db.session.scalar(
                select(Species).where(Species.scientific_name == name)
            ) or Species(scientific_name=name)
            species.vi_name = nfc(row["vi_name"])
            species.vi_name_folded = fold(species.vi_name)
            species.en_name = nfc(row["en_name"])
            species.family = nfc(row["family"])
            species.common_use = nfc(row["common_use"])
            species.note = nfc(row["note"])
            # The report's density: species, else genus mean, else the regional default.
            density, basis = allometry.wood_density(densities, name)
            species.wood_density, species.wood_density_basis = round(density, 3), basis.value
            db.session.add(species)
            count += 1
    db.session.flush()
    return count


def invalid_polygon_count() -> int:
    """How many stored administrative polygons PostGIS considers invalid (should be none)."""
    return db.session.scalar(
        select(func.count()).select_from(AdminUnit).where(~func.ST_IsValid(AdminUnit.geom))
    )


def analyze() -> None:
    """Refresh planner statistics after a bulk load."""
    db.session.execute(text("ANALYZE"))
    db.session.commit()
