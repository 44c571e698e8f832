"""A lot's ledger from sowing to planting: every door checks its values, the database refuses
what a lot does not hold, also when two dispatches arrive at the same moment."""

import threading
from datetime import date, timedelta

import pytest

from smarttrees.errors import Conflict, Forbidden, ValidationFailed
from smarttrees.extensions import db
from smarttrees.models import LotEventKind, Role
from smarttrees.services import custody
from tests.helpers.factories import make_stand, make_user, species_named

pytestmark = pytest.mark.external


def _lot(sown: int = 1000, *, days_ago: int = 60):
    nursery = custody.create_nursery(name=f"Vườn ươm {days_ago}-{sown}")
    lot = custody.create_lot(
        species_id=species_named("Acacia mangium").id, nursery_id=nursery.id, seed_source="Ba Vì"
    )
    on = (date.today() - timedelta(days=days_ago)).strftime("%d/%m/%Y")
    custody.record(lot, {"kind": "sown", "quantity": sown, "occurred_on": on}, actor=_manager())
    return lot


def _manager():
    return make_user(Role.MANAGER)


def _refusal(lot, raw, actor=None):
    with pytest.raises((ValidationFailed, Conflict)) as refused:
        custody.record(lot, raw, actor=actor or _manager())
    return refused.value


def test_a_dispatch_makes_a_lot_held_by_the_recipient_who_receives_and_plants_it():
    lot, field = _lot(1000), make_user(Role.FIELD)
    stand = make_stand()
    sent = custody.record(
        lot,
        {
            "kind": "dispatched",
            "quantity": "600",
            "counterparty": "Hộ ông Đức",
            "document": "PX-12",
        },
        actor=_manager(),
    )
    child = db.session.get(type(lot), sent.counterpart_lot_id)
    assert lot.quantity_on_hand == 400 and child.holder == "Hộ ông Đức"
    assert child.parent_lot_id == lot.id and child.code != lot.code
    custody.record(child, {"kind": "received", "quantity": 590, "losses": 10}, actor=field)
    custody.record(child, {"kind": "planted", "quantity": 580, "stand_id": stand.id}, actor=field)
    custody.record(child, {"kind": "lost", "quantity": 10, "reason": "Héo"}, actor=field)
    db.session.refresh(child)
    assert child.quantity_on_hand == 0
    assert [e.kind for e in child.events] == [
        LotEventKind.RECEIVED,
        LotEventKind.PLANTED,
        LotEventKind.LOST,
    ]


def test_a_lot_cannot_receive_more_than_was_dispatched_to_it():
    lot = _lot(1000)
    sent = custody.record(
        lot, {"kind": "dispatched", "quantity": 300, "counterparty": "HTX"}, actor=_manager()
    )
    child = db.session.get(type(lot), sent.counterpart_lot_id)
    custody.record(child, {"kind": "received", "quantity": 290, "losses": 5}, actor=_manager())
    refused = _refusal(child, {"kind": "received", "quantity": 6})
    assert refused.details == {"quantity": "More than was dispatched to this lot."}


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        (
            {"kind": "dispatched", "quantity": 0, "counterparty": "A"},
            "quantity",
            "The number must be more than 0.",
        ),
        (
            {"kind": "dispatched", "quantity": -5, "counterparty": "A"},
            "quantity",
            "The number must be more than 0.",
        ),
        (
            {"kind": "dispatched", "quantity": "１２", "counterparty": "A"},
            "quantity",
            "Enter a whole number.",
        ),
        ({"kind": "dispatched", "quantity": 5}, "counterparty", "This field is required."),
        ({"kind": "lost", "quantity": 5}, "reason", "This field is required."),
        (
            {"kind": "planted", "quantity": 5},
            "stand_id",
            "Choose the stand, or give the codes of the trees planted.",
        ),
        (
            {"kind": "planted", "quantity": 1, "trees": "T0000000"},
            "trees",
            "No tree has these codes: T0000000",
        ),
        (
            {"kind": "planted", "quantity": 5, "stand_id": 999999},
            "stand_id",
            "Choose a stand of the list.",
        ),
        ({"kind": "burned", "quantity": 5}, "kind", "Choose one of the listed values."),
        (
            {"kind": "lost", "quantity": 5, "reason": "x", "occurred_on": "31/02/2026"},
            "occurred_on",
            "Enter a date as dd/mm/yyyy.",
        ),
        (
            {"kind": "lost", "quantity": 5, "reason": "x", "occurred_on": "01/01/0001"},
            "occurred_on",
            "The date cannot be before 1900.",
        ),
    ],
)
def test_bad_values_are_refused_naming_the_field(raw, field, message):
    lot = _lot(100)
    refused = _refusal(lot, raw)
    assert refused.details[field] == message
    db.session.refresh(lot)
    assert lot.quantity_on_hand == 100 and len(lot.events) == 1


def test_planting_dated_before_the_seedlings_arrived_is_refused():
    lot = _lot(100, days_ago=10)
    early = (date.today() - timedelta(days=30)).strftime("%d/%m/%Y")
    stand = make_stand()
    refused = _refusal(
        lot, {"kind": "planted", "quantity": 5, "stand_id": stand.id, "occurred_on": early}
    )
    assert refused.details == {
        "occurred_at": "This date is before the seedlings came into the lot."
    }


def test_a_receipt_dated_before_its_dispatch_is_refused():
    lot = _lot(100, days_ago=20)
    sent = custody.record(
        lot, {"kind": "dispatched", "quantity": 50, "counterparty": "HTX"}, actor=_manager()
    )
    child = db.session.get(type(lot), sent.counterpart_lot_id)
    early = (date.today() - timedelta(days=5)).strftime("%d/%m/%Y")
    refused = _refusal(child, {"kind": "received", "quantity": 50, "occurred_on": early})
    assert "occurred_at" in refused.details


def test_a_refused_dispatch_leaves_no_lot_behind():
    lot = _lot(100)
    before = db.session.query(type(lot)).count()
    refused = _refusal(lot, {"kind": "dispatched", "quantity": 101, "counterparty": "HTX"})
    assert refused.code == "insufficient_stock"
    assert db.session.query(type(lot)).count() == before


def test_a_nursery_operator_records_on_own_lots_only():
    lot, other = _lot(100), _lot(100, days_ago=61)
    operator = make_user(Role.NURSERY)
    operator.nursery_id = lot.nursery_id
    db.session.commit()
    custody.record(lot, {"kind": "lost", "quantity": 1, "reason": "Sâu"}, actor=operator)
    with pytest.raises(Forbidden):
        custody.record(other, {"kind": "lost", "quantity": 1, "reason": "Sâu"}, actor=operator)
    with pytest.raises(Forbidden):
        custody.record(lot, {"kind": "lost", "quantity": 1, "reason": "x"}, actor=None)


def test_an_outbox_replay_records_an_event_once():
    lot = _lot(100)
    raw = {"kind": "lost", "quantity": 3, "reason": "Gió", "client_id": "phone-1:7"}
    first = custody.record(lot, raw, actor=_manager())
    again = custody.record(lot, raw, actor=_manager())
    db.session.refresh(lot)
    assert again.id == first.id and lot.quantity_on_hand == 97


def test_split_and_merge_move_seedlings_between_lots():
    lot = _lot(1000)
    part = custody.split(lot, 300, actor=_manager())
    assert (lot.quantity_on_hand, part.quantity_on_hand) == (700, 300)
    custody.merge(part, lot, actor=_manager())
    db.session.refresh(part)
    assert (lot.quantity_on_hand, part.quantity_on_hand) == (1000, 0)
    with pytest.raises(Conflict):
        custody.split(lot, 1001, actor=_manager())


def _twice_at_once(app, lot, raw: dict) -> list:
    """Record `raw` on the lot from two connections released at the same moment; each
    outcome is the event's id, or the code of the refusal."""
    code, barrier, outcomes = lot.code, threading.Barrier(2), []
    manager_id = _manager().id

    def send():
        with app.app_context():
            actor = db.session.get(type(_manager()), manager_id)
            mine = custody.get_lot(code)
            barrier.wait()
            try:
                outcomes.append(custody.record(mine, raw, actor=actor).id)
            except Conflict as error:
                outcomes.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    db.session.expire_all()
    return outcomes


def test_two_dispatches_at_the_same_moment_leave_one_refused(app):
    """Each takes 60 of 100 in its own connection; the row lock orders them and the second
    finds 40 left."""
    lot = _lot(100)
    raw = {"kind": "dispatched", "quantity": 60, "counterparty": "X"}
    outcomes = _twice_at_once(app, lot, raw)
    saved = ["saved" if isinstance(outcome, int) else outcome for outcome in outcomes]
    assert sorted(saved) == ["insufficient_stock", "saved"]
    assert custody.get_lot(lot.code).quantity_on_hand == 40


def test_a_planting_as_tree_points_links_each_tree_to_its_lot(client):
    from tests.helpers.factories import make_tree
    from tests.helpers.web import sign_in

    lot, trees = _lot(100), [make_tree(), make_tree()]
    raw = {"kind": "planted", "trees": f"{trees[0].code.lower()}, {trees[1].code}"}
    event = custody.record(lot, raw, actor=_manager())
    assert event.quantity == 2 and lot.quantity_on_hand == 98
    for tree in trees:
        db.session.refresh(tree)
        assert tree.seedling_lot_id == lot.id
    other = _lot(100, days_ago=61)
    refused = _refusal(other, {"kind": "planted", "trees": trees[0].code})
    assert refused.details == {"trees": f"Planted from a lot already: {trees[0].code}"}
    again = _refusal(lot, {"kind": "planted", "trees": trees[1].code})  # no stock taken twice
    assert again.details == {"trees": f"Planted from a lot already: {trees[1].code}"}
    db.session.refresh(lot)
    assert lot.quantity_on_hand == 98
    not_planting = _refusal(lot, {"kind": "lost", "reason": "x", "trees": trees[1].code})
    assert not_planting.details["trees"] == "Tree codes go with a planting only."
    sign_in(client, Role.VIEWER)
    assert lot.code in client.get(f"/trees/{trees[0].code}").get_data(as_text=True)
    forward = client.get(f"/l/{lot.code}/trace").get_data(as_text=True)
    assert trees[1].code in forward


def test_one_outbox_record_sent_twice_at_the_same_moment_is_recorded_once(app):
    lot = _lot(100)
    raw = {"kind": "lost", "quantity": 5, "reason": "Gió", "client_id": "phone-7:1"}
    ids = _twice_at_once(app, lot, raw)
    assert len(ids) == 2 and ids[0] == ids[1]
    assert custody.get_lot(lot.code).quantity_on_hand == 95


def test_a_day_without_a_time_falls_on_that_day_even_after_the_seedlings_came_in():
    """Sown yesterday at 15:00; a dispatch typed as yesterday (no time) is no longer refused as
    'before the seedlings came in' (noon), and is placed at the arrival."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    local = ZoneInfo("Asia/Ho_Chi_Minh")
    yesterday = date.today() - timedelta(days=1)
    nursery = custody.create_nursery(name="Vườn ươm giờ")
    lot = custody.create_lot(
        species_id=species_named("Acacia mangium").id, nursery_id=nursery.id, seed_source="Ba Vì"
    )
    sown_at = datetime.combine(yesterday, time(15), local)
    custody.record(
        lot, {"kind": "sown", "quantity": 100, "occurred_at": sown_at.isoformat()}, actor=_manager()
    )
    sent = custody.record(
        lot,
        {
            "kind": "dispatched",
            "quantity": 40,
            "counterparty": "HTX",
            "occurred_on": yesterday.strftime("%d/%m/%Y"),
        },
        actor=_manager(),
    )
    assert sent.occurred_at == sown_at and lot.quantity_on_hand == 60
    early = _refusal(
        lot,
        {
            "kind": "lost",
            "quantity": 1,
            "reason": "x",
            "occurred_on": (yesterday - timedelta(days=1)).strftime("%d/%m/%Y"),
        },
    )
    assert "occurred_at" in early.details
