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
