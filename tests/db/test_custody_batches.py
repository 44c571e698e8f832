"""Harvests yield batches; batches split, merge and process with a balance the database keeps."""

from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from smarttrees import products
from smarttrees.errors import Conflict, ValidationFailed
from smarttrees.extensions import db
from smarttrees.models import BatchOrigin, Role
from smarttrees.services.custody import batches, harvests
from tests.helpers.factories import make_stand, make_user

pytestmark = pytest.mark.external


def _harvest(**raw):
    stand = make_stand()
    values = {"stand_id": stand.id, "harvested_on": "15/10/2026", "area_ha": "4,0"} | raw
    return harvests.create_harvest(values, actor=make_user(Role.MANAGER))


def _logs(volume="20", **raw):
    harvest = _harvest()
    return harvests.add_batch(
        harvest, {"kind": "log", "volume_m3": volume} | raw, actor=make_user(Role.MANAGER)
    )


def test_a_harvest_takes_the_stand_owner_and_refuses_an_area_larger_than_the_stand():
    harvest = _harvest()
    assert harvest.owner == "Hộ ông Nguyễn Văn Đức" and harvest.number.startswith("KT-2026-")
    with pytest.raises(ValidationFailed) as refused:
        _harvest(area_ha="40")
    assert refused.value.details == {"area_ha": "The harvested area is larger than the stand."}


def test_a_batch_not_weighed_gets_its_mass_estimated_with_the_factor_stated():
    batch = _logs("10")
    # Acacia mangium's density in the reference table (about 0.5 g/cm³): fresh logs hold
    # their own dry mass again in water, about 1,000 kg/m³.
    density = float(batch.species.wood_density)
    assert batch.mass_factor_kg_m3 == products.mass_factor("log", density)
    assert 900 <= batch.mass_factor_kg_m3 <= 1150
    assert batch.mass_kg == (Decimal(10) * batch.mass_factor_kg_m3).quantize(Decimal("0.1"))
    weighed = _logs("10", mass_kg="9500")
    assert weighed.mass_factor_kg_m3 is None and weighed.mass_kg == Decimal("9500")


def test_a_split_shares_the_volume_and_a_weighed_mass():
    batch = _logs("20", mass_kg="20000")
    parts = batches.split(batch, ["12,5", "7"], actor=None)
    db.session.refresh(batch)
    assert [p.volume_m3 for p in parts] == [Decimal("12.500"), Decimal("7.000")]
    assert [p.mass_kg for p in parts] == [Decimal("12500.0"), Decimal("7000.0")]
    assert batch.remaining_m3 == Decimal("0.500") and parts[0].origin == BatchOrigin.SPLIT
    with pytest.raises(ValidationFailed):
        batches.split(batch, ["0,6"], actor=None)
    with pytest.raises(ValidationFailed):
        batches.split(batch, ["0"], actor=None)


def test_processing_logs_into_chips_keeps_the_declared_yield():
    batch = _logs("20")
    chips = batches.process(
        batch, {"kind": "chips", "volume_m3": "10", "yield_ratio": "0,9"}, actor=None
    )
    assert chips.volume_m3 == Decimal("9.000") and chips.kind.value == "chips"
    # the chips weigh what the logs weighed per m³: processing adds no mass
    assert chips.mass_factor_kg_m3 == batch.mass_factor_kg_m3
    assert chips.mass_kg == (Decimal(9) * batch.mass_factor_kg_m3).quantize(Decimal("0.1"))
    assert [row["batch"].id for row in batches.lineage(chips)] == [batch.id]
    with pytest.raises(ValidationFailed) as refused:
        batches.process(batch, {"kind": "log", "volume_m3": "1", "yield_ratio": "1"}, actor=None)
    assert refused.value.details == {"kind": "This product cannot be made from this batch."}


def test_a_merge_joins_what_is_left_of_its_batches():
    first, second = _logs("5"), _logs("7")
    batches.split(first, ["2"], actor=None)
    merged = batches.merge([first.code, second.code], actor=None)
    assert merged.volume_m3 == Decimal("10.000") and merged.origin == BatchOrigin.MERGED
    db.session.refresh(first)
    assert first.remaining_m3 == 0


def test_the_database_refuses_a_child_larger_than_its_parents_gave():
    batch = _logs("5")
    child = harvests.new_batch(
        origin=BatchOrigin.SPLIT, kind=batch.kind, volume_m3=Decimal(3), actor=None
    )
    db.session.execute(
        text("INSERT INTO product_lineage (parent_id, child_id, volume_m3) VALUES (:p, :c, 2)"),
        {"p": batch.id, "c": child.id},
    )
    with pytest.raises(IntegrityError, match=r"holds 3\.000 m3, its parents gave 2") as refused:
        db.session.commit()
    assert refused.value.orig.diag.constraint_name == "child_within_parents"
    db.session.rollback()


def test_the_database_refuses_taking_more_than_a_batch_holds_and_rewriting_lineage():
    batch = _logs("5")
    with pytest.raises(Conflict) as refused, harvests.balance_kept(None):
        for _ in range(2):
            part = harvests.new_batch(
                origin=BatchOrigin.SPLIT, kind=batch.kind, volume_m3=Decimal(3), actor=None
            )
            batches._take(batch, part, Decimal(3))
    assert refused.value.details == {"volume_m3": "More than the batch holds."}
    db.session.refresh(batch)
    assert batch.remaining_m3 == Decimal(5)
    part = batches.split(batch, ["1"], actor=None)[0]
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM product_lineage WHERE child_id = :c"), {"c": part.id})
    db.session.rollback()
