"""The custody pages people correct things on: a lot's facts, merging lots and batches, and a
mistyped batch code that still finds its batch."""

import pytest

from smarttrees.extensions import db
from smarttrees.labels import codes
from smarttrees.models import LotEventKind, Role
from smarttrees.services import custody
from smarttrees.services.custody import harvests
from tests.helpers.factories import make_stand, species_named
from tests.helpers.web import csrf_from, sign_in

pytestmark = pytest.mark.external


def _lot(nursery, seedlings=100):
    lot = custody.create_lot(species_id=species_named("Acacia mangium").id,
                             nursery_id=nursery.id, seed_source="Ba Vì")  # fmt: skip
    custody.record_event(lot, LotEventKind.SOWN, seedlings)
    return lot


def test_a_lot_s_facts_are_corrected_and_a_bad_date_named(client):
    lot = _lot(custody.create_nursery(name="Vườn ươm A"))
    sign_in(client, Role.MANAGER)
    form = client.get(f"/l/{lot.code}/edit").get_data(as_text=True)
    assert "Ba Vì" in form
    token = csrf_from(client, f"/l/{lot.code}/edit")
    bad = client.post(f"/l/{lot.code}/edit", data={"csrf_token": token, "sown_on": "32/01/2025"})
    assert bad.status_code == 422 and "dd/mm/yyyy" in bad.get_data(as_text=True)
    client.post(f"/l/{lot.code}/edit", data={
        "csrf_token": token, "seed_source_code": "RG.01.01", "certificate_number": "12/GCN",
        "certificate_date": "02/01/2025", "propagation": "cutting"})  # fmt: skip
    db.session.refresh(lot)
    assert (lot.seed_source_code, lot.propagation.value) == ("RG.01.01", "cutting")
    assert lot.quantity_on_hand == 100  # the stock is the ledger's, not the form's


def test_a_lot_merges_into_another_of_its_nursery_and_species_only(client):
    nursery = custody.create_nursery(name="Vườn ươm B")
    first, second = _lot(nursery, 100), _lot(nursery, 50)
    other = _lot(custody.create_nursery(name="Vườn ươm C"), 10)
    sign_in(client, Role.MANAGER)
    token = csrf_from(client, f"/l/{first.code}")
    refused = client.post(f"/l/{first.code}/merge", data={"csrf_token": token,
                                                          "target": other.code},
                          follow_redirects=True)  # fmt: skip
    assert "Chỉ gộp vào lô khác cùng loài và cùng vườn ươm." in refused.get_data(as_text=True)
    client.post(f"/l/{first.code}/merge", data={"csrf_token": token, "target": second.code})
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.quantity_on_hand, second.quantity_on_hand) == (0, 150)


def test_ticked_batches_merge_and_a_mistyped_batch_code_suggests_the_real_one(client):
    stand = make_stand()
    harvest = harvests.create_harvest(
        {"stand_id": stand.id, "harvested_on": "01/10/2026", "area_ha": "3"}, actor=None
    )
    one = harvests.add_batch(harvest, {"kind": "log", "volume_m3": "4"}, actor=None)
    two = harvests.add_batch(harvest, {"kind": "log", "volume_m3": "6"}, actor=None)
    sign_in(client, Role.MANAGER)
    token = csrf_from(client, f"/harvests/{harvest.id}")
    merged = client.post("/batches/merge", data={"csrf_token": token, "harvest_id": harvest.id,
                                                 "batch": [one.code, two.code]})  # fmt: skip
    code = merged.headers["Location"].rsplit("/", 1)[1]
    assert harvests.get_batch(code).volume_m3 == 10
    typo = one.code[:-2] + next(c for c in codes.ALPHABET if c != one.code[-2]) + one.code[-1]
    page = client.get(f"/b/{typo}")
    assert page.status_code == 404 and one.code in page.get_data(as_text=True)


def _shippable():
    stand = make_stand()
    harvest = harvests.create_harvest(
        {"stand_id": stand.id, "harvested_on": "01/10/2026", "area_ha": "3"}, actor=None
    )
    return harvests.add_batch(harvest, {"kind": "log", "volume_m3": "4"}, actor=None)


def test_a_batch_leaves_on_one_list_and_not_before_it_was_cut():
    from smarttrees.errors import ValidationFailed
    from smarttrees.services.custody import batches, shipments

    batch = _shippable()
    form = {"shipped_on": "05/10/2026", "owner_name": "Hộ ông Đức", "buyer_name": "Công ty A"}
    with pytest.raises(ValidationFailed) as early:
        shipments.create_shipment(form | {"shipped_on": "30/09/2026"}, [batch.code], actor=None)
    assert early.value.details == {"shipped_on": "The date is before the harvest of these batches."}
    shipments.create_shipment(form, [batch.code], actor=None)
    with pytest.raises(ValidationFailed) as twice:
        shipments.create_shipment(form, [batch.code], actor=None)
    message = f"These batches left on another list already: {batch.code}"
    assert twice.value.details == {"batches": message}
    with pytest.raises(ValidationFailed):
        batches.split(batch, ["1"], actor=None)


def test_the_database_refuses_one_batch_on_two_lists():
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    batch = _shippable()
    lists = text(
        "INSERT INTO shipments (number, shipped_on, owner_name, buyer_name) VALUES "
        "('BK-T-1', '2026-10-05', 'A', 'B'), ('BK-T-2', '2026-10-05', 'A', 'B')"
    )
    both = text(
        "INSERT INTO shipment_items (shipment_id, batch_id, volume_m3) "
        "SELECT id, :batch, 4 FROM shipments WHERE number LIKE 'BK-T-%'"
    )
    db.session.execute(lists)
    with pytest.raises(IntegrityError, match="uq_shipment_items_batch_id"):
        db.session.execute(both, {"batch": batch.id})
    db.session.rollback()


def test_a_dispatched_lot_says_where_from_and_how_many_are_still_on_the_way(client):
    lot = _lot(custody.create_nursery(name="Vườn ươm D"), 1000)
    assert lot.sown_on is not None  # the sowing dates the lot
    sent = custody.dispatch(lot, 600, actor=None, counterparty="Hộ bà Lan", document="PX-7")
    sign_in(client, Role.FIELD)
    page = client.get(f"/l/{custody.lot_code(sent.counterpart_lot_id)}").get_data(as_text=True)
    assert (
        f"Xuất từ lô {lot.code}" in page and "PX-7" in page and "Còn đang vận chuyển: 600" in page
    )
    parent_page = client.get(f"/l/{lot.code}").get_data(as_text=True)
    assert custody.lot_code(sent.counterpart_lot_id) in parent_page  # the ledger links it


def test_a_refused_invitation_comes_back_as_typed_and_an_operator_starts_at_the_lots(client):
    from tests.helpers.factories import make_user

    taken = make_user(Role.VIEWER)
    sign_in(client, Role.ADMIN)
    token = csrf_from(client, "/admin/users")
    page = client.post("/admin/users", data={"csrf_token": token, "email": taken.email,
                                             "name": "Trần Văn Bình", "role": "field"})  # fmt: skip
    text = page.get_data(as_text=True)
    assert page.status_code == 409 and "Trần Văn Bình" in text and "taken" not in text
    operator_client = client.application.test_client()
    sign_in(operator_client, Role.NURSERY)
    assert operator_client.get("/").headers["Location"].endswith("/lots")


def test_a_listed_batch_gives_no_more_wood_and_a_changed_batch_is_not_listed():
    from decimal import Decimal

    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from smarttrees.models import BatchOrigin

    batch = _shippable()  # 4 m³
    add_list = text("INSERT INTO shipments (number, shipped_on, owner_name, buyer_name) "
                    "VALUES ('BK-T-9', '2026-10-05', 'A', 'B') RETURNING id")  # fmt: skip
    shipment_id = db.session.execute(add_list).scalar()
    stale = text("INSERT INTO shipment_items (shipment_id, batch_id, volume_m3) "
                 "VALUES (:s, :b, :v)")  # fmt: skip
    with pytest.raises(IntegrityError, match=r"holds 4\.000 m3, the list says 3") as refused:
        db.session.execute(stale, {"s": shipment_id, "b": batch.id, "v": Decimal(3)})
    assert refused.value.orig.diag.constraint_name == "listed_as_it_is"
    db.session.rollback()
    shipment_id = db.session.execute(add_list).scalar()
    db.session.execute(stale, {"s": shipment_id, "b": batch.id, "v": Decimal(4)})
    child = harvests.new_batch(origin=BatchOrigin.SPLIT, kind=batch.kind, volume_m3=Decimal(1),
                               actor=None)  # fmt: skip
    with pytest.raises(IntegrityError, match="left on a product list") as taken:
        db.session.execute(
            text("INSERT INTO product_lineage (parent_id, child_id, volume_m3) VALUES (:p, :c, 1)"),
            {"p": batch.id, "c": child.id},
        )
    assert taken.value.orig.diag.constraint_name == "shipped_batch_unchanged"
    db.session.rollback()


def test_a_volume_the_column_cannot_hold_is_refused_not_a_server_error():
    from smarttrees.errors import ValidationFailed

    batch = _shippable()
    with pytest.raises(ValidationFailed) as tiny:
        harvests.add_batch(batch.harvest, {"kind": "log", "volume_m3": "0,0001"}, actor=None)
    assert "volume_m3" in tiny.value.details


def test_a_batch_traced_to_no_stand_stops_the_eudr_file():
    from decimal import Decimal

    from smarttrees.models import BatchOrigin, ProductKind
    from smarttrees.services.custody import eudr

    orphan = harvests.new_batch(origin=BatchOrigin.HARVESTED, kind=ProductKind.LOG,
                                volume_m3=Decimal(2), actor=None)  # fmt: skip
    db.session.commit()
    found = eudr.statement([orphan.code])
    assert not found.ok and found.unplaced == [orphan.code]
