"""Seedling lots and their ledger. The database refuses any event that overdraws a lot."""

from datetime import date, datetime

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from smarttrees.errors import Conflict, NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.labels import codes
from smarttrees.models import LotEvent, LotEventKind, Nursery, SeedlingLot, User
from smarttrees.models.nursery import STOCK_SIGN
from smarttrees.vietnamese import nfc

LOT_PREFIX = "S"


def create_nursery(
    *, name: str, operator: str | None = None, commune_id: int | None = None
) -> Nursery:
    nursery = Nursery(name=nfc(name), operator=nfc(operator), commune_id=commune_id)
    db.session.add(nursery)
    db.session.commit()
    return nursery


def create_lot(
    *,
    species_id: int,
    nursery_id: int,
    seed_source: str | None,
    sown_on: date | None = None,
    actor: User | None = None,
) -> SeedlingLot:
    """A new, empty lot with its own code; stock arrives through SOWN or RECEIVED events."""
    number = db.session.scalar(text("SELECT nextval('lot_code_seq')"))
    lot = SeedlingLot(
        code=codes.encode(number, prefix=LOT_PREFIX),
        species_id=species_id,
        nursery_id=nursery_id,
        seed_source=nfc(seed_source),
        sown_on=sown_on,
    )
    db.session.info["actor_id"] = actor.id if actor else None
    db.session.add(lot)
    db.session.commit()
    return lot


def get_lot(code: str) -> SeedlingLot:
    lot = db.session.scalar(select(SeedlingLot).where(SeedlingLot.code == codes.normalize(code)))
    if lot is None:
        raise NotFound("No seedling lot has this code.", details={"code": code})
    return lot


def record_event(
    lot: SeedlingLot,
    kind: LotEventKind,
    quantity: int,
    *,
    stand_id: int | None = None,
    occurred_at: datetime | None = None,
    notes: str | None = None,
    actor: User | None = None,
) -> LotEvent:
    """Append an event to the lot's ledger; refused when the lot does not hold enough."""
    if quantity <= 0:
        raise ValidationFailed(
            "Some fields are not valid.", details={"quantity": "The quantity must be more than 0."}
        )
    event = LotEvent(
        lot_id=lot.id,
        kind=kind,
        quantity=quantity,
        stock_change=STOCK_SIGN[kind],
        stand_id=stand_id,
        notes=nfc(notes),
        actor_id=actor.id if actor else None,
    )
    if occurred_at:
        event.occurred_at = occurred_at
    db.session.info["actor_id"] = actor.id if actor else None
    db.session.add(event)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        if "stock_not_negative" in str(error.orig):
            raise Conflict(
                "The lot does not hold that many seedlings.",
                code="insufficient_stock",
                details={"quantity": "More than the lot holds."},
            ) from error
        raise
    db.session.refresh(lot)
    return event
