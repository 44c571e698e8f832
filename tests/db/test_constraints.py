"""Rules the database itself enforces, tried with raw SQL so no Python check can help."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from smarttrees.extensions import db
from smarttrees.models import LotEventKind
from smarttrees.services import custody
from tests.helpers.factories import commune_named, make_tree, point_in, species_named

pytestmark = pytest.mark.external


def _insert_tree(**values):
    row = {"code": "TEST001", "category": "urban", "lon": 105.84, "lat": 21.59}
    row.update(values)
    columns = ", ".join(k for k in row if k not in ("lon", "lat"))
    params = ", ".join(f":{k}" for k in row if k not in ("lon", "lat"))
    db.session.execute(
        text(
            f"INSERT INTO trees ({columns}, geom) "
            f"VALUES ({params}, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"
        ),
        row,
    )
    db.session.flush()


@pytest.mark.parametrize(
    ("column", "value"),
    [("dbh_cm", 600), ("dbh_cm", 0), ("height_m", 130), ("crown_m", -1)],
)
def test_implausible_measurements_are_refused(column, value):
    with pytest.raises(IntegrityError, match="range"):
        _insert_tree(**{column: value})


def test_label_codes_are_unique():
    _insert_tree(code="SAME001")
    with pytest.raises(IntegrityError, match="uq_trees_code"):
        _insert_tree(code="SAME001")


def test_source_and_external_id_are_unique_together():
    _insert_tree(code="A000001", source="survey", external_id="17")
    _insert_tree(code="A000002", source="other", external_id="17")
    with pytest.raises(IntegrityError, match="uq_trees_source_external_id"):
        _insert_tree(code="A000003", source="survey", external_id="17")


def test_names_must_be_nfc():
    decomposed = "Be\u0300ng"  # e + combining grave: not NFC
    with pytest.raises(IntegrityError, match="vi_name_nfc"):
        db.session.execute(
            text(
                "INSERT INTO species (scientific_name, vi_name, vi_name_folded) "
                "VALUES ('Testus testus', :name, 'beng')"
            ),
            {"name": decomposed},
        )
        db.session.flush()


def test_invalid_stand_polygons_are_refused():
    bowtie = (
        "SRID=4326;MULTIPOLYGON(((105.8 21.6,105.81 21.61,105.81 21.6,105.8 21.61,105.8 21.6)))"
    )
    with pytest.raises(IntegrityError, match="valid_geom"):
        db.session.execute(
            text("INSERT INTO stands (geom) VALUES (ST_GeomFromEWKT(:g))"), {"g": bowtie}
        )
        db.session.flush()


def test_stand_area_is_computed_on_the_spheroid():
    # A 0.01° square near 21.6°N is about 1,110 m × 1,035 m.
    square = (
        "SRID=4326;MULTIPOLYGON(((105.8 21.6,105.81 21.6,105.81 21.61,105.8 21.61,105.8 21.6)))"
    )
    area = db.session.scalar(
        text("INSERT INTO stands (geom) VALUES (ST_GeomFromEWKT(:g)) RETURNING area_ha"),
        {"g": square},
    )
    assert 113 < float(area) < 116


def test_commune_is_set_spatially_by_the_database():
    ward = commune_named("Gia Sàng")
    lon, lat = point_in(ward)
    _insert_tree(lon=lon, lat=lat)
    assert db.session.scalar(text("SELECT commune_id FROM trees WHERE code = 'TEST001'")) == ward.id


def test_inspections_are_append_only():
    tree = make_tree()
    db.session.execute(
        text("INSERT INTO inspections (tree_id, dbh_cm) VALUES (:id, 40)"), {"id": tree.id}
    )
    db.session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE inspections SET dbh_cm = 41"))
    db.session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM inspections"))


def _lot():
    nursery = custody.create_nursery(name="Vườn ươm thử")
    species = species_named("Acacia mangium")
    return custody.create_lot(species_id=species.id, nursery_id=nursery.id, seed_source="test")


def test_a_lot_event_cannot_overdraw_the_lot_even_in_raw_sql():
    lot = _lot()
    custody.record_event(lot, LotEventKind.SOWN, 100)
    with pytest.raises(IntegrityError, match="stock_not_negative"):
        db.session.execute(
            text(
                "INSERT INTO lot_events (lot_id, kind, quantity, stock_change) "
                "VALUES (:lot, 'dispatched', 101, -1)"
            ),
            {"lot": lot.id},
        )


def test_an_event_sign_must_match_its_kind():
    lot = _lot()
    with pytest.raises(IntegrityError, match="stock_change_matches_kind"):
        db.session.execute(
            text(
                "INSERT INTO lot_events (lot_id, kind, quantity, stock_change) "
                "VALUES (:lot, 'dispatched', 5, 1)"
            ),
            {"lot": lot.id},
        )


def test_lot_events_are_append_only():
    lot = _lot()
    custody.record_event(lot, LotEventKind.SOWN, 10)
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE lot_events SET quantity = 1"))
