"""Seedling lots: the ledger balances and nothing leaves a lot that it does not hold."""

import pytest

from smarttrees.errors import Conflict
from smarttrees.labels import codes
from smarttrees.models import LotEventKind
from smarttrees.services import custody
from tests.helpers.factories import species_named

pytestmark = pytest.mark.external


def _lot():
    nursery = custody.create_nursery(name="Vườn ươm Phú Lương")
    return custody.create_lot(
        species_id=species_named("Acacia mangium").id,
        nursery_id=nursery.id,
        seed_source="Rừng giống Ba Vì",
    )


def test_a_lot_gets_a_checked_code():
    lot = _lot()
    assert lot.code.startswith("S") and codes.is_valid(lot.code)
    assert custody.get_lot(lot.code.lower()).id == lot.id


def test_stock_follows_the_ledger():
    lot = _lot()
    custody.record_event(lot, LotEventKind.SOWN, 1000)
    custody.record_event(lot, LotEventKind.GERMINATED, 900)
    custody.record_event(lot, LotEventKind.LOST, 100)
    custody.record_event(lot, LotEventKind.DISPATCHED, 600)
    assert lot.quantity_on_hand == 300


def test_dispatch_more_than_lot_holds_is_refused():
    lot = _lot()
    custody.record_event(lot, LotEventKind.SOWN, 50)
    with pytest.raises(Conflict) as refused:
        custody.record_event(lot, LotEventKind.DISPATCHED, 51)
    assert refused.value.code == "insufficient_stock"
    assert custody.get_lot(lot.code).quantity_on_hand == 50
    assert len(custody.get_lot(lot.code).events) == 1
