"""A lot's ledger: every event from sowing to planting, one door for the desktop, the phone's
scan page and its offline outbox. The database refuses what a lot does not hold, also when two
events arrive at once; this module refuses what makes no sense (a planting dated before the
seedlings arrived, a loss without a reason) and names the field."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from smarttrees.errors import Conflict, ValidationFailed
from smarttrees.extensions import db
from smarttrees.inputs import Fields
from smarttrees.models import LotEvent, LotEventKind, SeedlingLot, Stand, Tree, User
from smarttrees.models.nursery import STOCK_SIGN
from smarttrees.services.custody.event_rules import (
    LOCAL,
    MAX_QUANTITY,
    check_date,
    on_that_day,
    parse_event,
)
from smarttrees.services.custody.lots import create_lot, ensure_may_record

INSUFFICIENT = "The lot does not hold that many seedlings."
# Refusals of the database's own rules, by constraint name: (field, message).
REFUSALS = {
    "ck_seedling_lots_stock_not_negative": ("quantity", "More than the lot holds."),
    "received_within_dispatched": ("quantity", "More than was dispatched to this lot."),
    "uq_lot_events_client_id": ("client_id", "This record was received already."),
}


def record(lot: SeedlingLot, raw: Mapping[str, Any], *, actor: User | None) -> LotEvent:
    """Append the event `raw` describes to the lot's ledger, from any door."""
    ensure_may_record(actor, lot)
    values = parse_event(raw)
    if replay := _replayed(values.get("client_id"), lot):
        return replay
    kind, quantity = values.pop("kind"), values.pop("quantity")
    if values.pop("day_only", False):
        values["occurred_at"] = on_that_day(lot, kind, values["occurred_at"])
    try:
        if kind == LotEventKind.DISPATCHED:
            return dispatch(lot, quantity, actor=actor, **values)
        return record_event(lot, kind, quantity, actor=actor, **values)
    except ValidationFailed as error:  # the same record, sent twice at the same moment
        if "client_id" in error.details and (replay := _replayed(values["client_id"], lot)):
            return replay
        raise


def record_event(
    lot: SeedlingLot,
    kind: LotEventKind,
    quantity: int,
    *,
    actor: User | None = None,
    commit: bool = True,
    **details: Any,
) -> LotEvent:
    """Append an event; refused when the lot does not hold enough or the date cannot be."""
    if quantity <= 0:
        raise ValidationFailed(
            "Some fields are not valid.", details={"quantity": "The quantity must be more than 0."}
        )
    _check_stand(details.get("stand_id"))
    planted_trees = _trees_to_plant(lot, details.pop("trees", None))
    if kind == LotEventKind.SOWN and lot.parent_lot_id:
        raise ValidationFailed(
            "Some fields are not valid.",
            details={"kind": "A lot made from another receives its seedlings, it is not sown."},
        )
    if kind == LotEventKind.RECEIVED and lot.parent_lot_id:  # checked against the dispatch
        details["counterpart_lot_id"] = lot.parent_lot_id
    check_date(lot, kind, details.get("occurred_at"))
    event = LotEvent(
        lot_id=lot.id,
        kind=kind,
        quantity=quantity,
        stock_change=STOCK_SIGN[kind],
        actor_id=actor.id if actor else None,
        **{key: value for key, value in details.items() if value is not None},
    )
    db.session.add(event)
    if kind == LotEventKind.SOWN and lot.sown_on is None:  # the lot's sowing date, once
        lot.sown_on = (event.occurred_at or datetime.now(UTC)).astimezone(LOCAL).date()
    for tree in planted_trees:
        tree.seedling_lot_id = lot.id
    _save(actor, commit=commit)
    if commit:
        db.session.refresh(lot)
    return event


def dispatch(lot: SeedlingLot, quantity: int, *, actor: User | None, **details: Any) -> LotEvent:
    """Send seedlings to a buyer or planting unit: they leave the lot into a new lot held by
    the recipient, whose label travels with them and whose receipt is recorded on it."""
    sent = create_lot(
        species_id=lot.species_id,
        nursery_id=lot.nursery_id,
        seed_source=lot.seed_source,
        parent=lot,
        holder=details.get("counterparty"),
        commit=False,
        actor=actor,
        **_inherited(lot),
    )
    return record_event(
        lot, LotEventKind.DISPATCHED, quantity, actor=actor, counterpart_lot_id=sent.id, **details
    )


def split(lot: SeedlingLot, quantity: Any, *, actor: User | None) -> SeedlingLot:
    """Move part of a lot into a new lot of the same origin, with its own code."""
    ensure_may_record(actor, lot)
    fields = Fields({"quantity": quantity})
    fields.integer("quantity", required=True, low=1, high=MAX_QUANTITY)
    if fields.errors:
        raise ValidationFailed("Some fields are not valid.", details=fields.errors)
    quantity = fields.values["quantity"]
    part = create_lot(
        species_id=lot.species_id,
        nursery_id=lot.nursery_id,
        seed_source=lot.seed_source,
        parent=lot,
        holder=lot.holder,
        commit=False,
        actor=actor,
        **_inherited(lot),
    )
    _move(lot, part, quantity, actor=actor)
    return part


def merge(source: SeedlingLot, target: SeedlingLot, *, actor: User | None) -> SeedlingLot:
    """Move all a lot holds into another of the same species and nursery."""
    ensure_may_record(actor, source)
    ensure_may_record(actor, target)
    same = ("species_id", "nursery_id", "holder")  # seedlings change hands by dispatch only
    if source.id == target.id or any(getattr(source, n) != getattr(target, n) for n in same):
        raise ValidationFailed(
            "Some fields are not valid.",
            details={"target": "Merge into another lot of the same species and nursery."},
        )
    _move(source, target, None, actor=actor)
    return target


def _move(source: SeedlingLot, target: SeedlingLot, quantity: int | None, *, actor) -> None:
    """Both halves of a move in one transaction, rows locked in id order (no deadlock); no
    quantity: all the source holds once it is locked."""
    first, second = sorted((source.id, target.id))
    db.session.execute(
        select(SeedlingLot.id).where(SeedlingLot.id.in_((first, second))).with_for_update()
    )
    if quantity is None:
        db.session.refresh(source)
        quantity = source.quantity_on_hand
    record_event(
        source, LotEventKind.MOVED_OUT, quantity, actor=actor, commit=False,
        counterpart_lot_id=target.id,
    )  # fmt: skip
    record_event(target, LotEventKind.MOVED_IN, quantity, actor=actor, counterpart_lot_id=source.id)
    db.session.refresh(source)


def _inherited(lot: SeedlingLot) -> dict:
    names = ("seed_source_code", "propagation", "grade", "certificate_number",
             "certificate_date", "sown_on")  # fmt: skip
    return {name: getattr(lot, name) for name in names}


def _replayed(client_id: str | None, lot: SeedlingLot) -> LotEvent | None:
    """The event an outbox already delivered under this id (sent again when a reply was lost)."""
    if not client_id:
        return None
    event = db.session.scalar(select(LotEvent).where(LotEvent.client_id == client_id))
    if event is not None and event.lot_id != lot.id:
        raise Conflict("This record was received already.", details={"client_id": "Already used."})
    return event


def _trees_to_plant(lot: SeedlingLot, wanted: list[str] | None) -> list[Tree]:
    """The trees a planting became; each must exist and come from no other lot."""
    if not wanted:
        return []
    found = {t.code: t for t in db.session.scalars(select(Tree).where(Tree.code.in_(wanted)))}
    if missing := [code for code in wanted if code not in found]:
        raise ValidationFailed(
            "Some fields are not valid.",
            details={"trees": "No tree has these codes: " + ", ".join(missing[:20])},
        )
    if taken := [c for c, t in found.items() if t.seedling_lot_id is not None]:
        raise ValidationFailed(
            "Some fields are not valid.",
            details={"trees": "Planted from a lot already: " + ", ".join(taken[:20])},
        )
    return list(found.values())


def _check_stand(stand_id: int | None) -> None:
    if stand_id is not None and db.session.get(Stand, stand_id) is None:
        raise ValidationFailed(
            "Some fields are not valid.", details={"stand_id": "Choose a stand of the list."}
        )


def _save(actor: User | None, *, commit: bool) -> None:
    db.session.info["actor_id"] = actor.id if actor else None
    try:
        db.session.flush()
        if commit:
            db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
        field, message = REFUSALS.get(constraint, ("form", "The database refused these values."))
        if constraint == "ck_seedling_lots_stock_not_negative":
            raise Conflict(
                INSUFFICIENT, code="insufficient_stock", details={field: message}
            ) from error
        raise ValidationFailed("Some fields are not valid.", details={field: message}) from error
