"""Nurseries and seedling lots: create, edit, find, and who may record on a lot."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select, text

from smarttrees.errors import Forbidden, NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.inputs import Fields
from smarttrees.labels import codes
from smarttrees.models import (
    LotEvent,
    LotEventKind,
    Nursery,
    Propagation,
    Role,
    SeedlingLot,
    Species,
    User,
)
from smarttrees.services.saving import commit_changes
from smarttrees.vietnamese import nfc

LOT_PREFIX = "S"
LOT_FIELDS = (
    "species_id", "seed_source", "seed_source_code", "propagation", "grade",
    "certificate_number", "certificate_date", "sown_on",
)  # fmt: skip


def create_nursery(
    *,
    name: str,
    operator: str | None = None,
    commune_id: int | None = None,
    address: str | None = None,
) -> Nursery:
    nursery = Nursery(
        name=nfc(name), operator=nfc(operator), commune_id=commune_id, address=nfc(address)
    )
    db.session.add(nursery)
    db.session.commit()
    return nursery


def all_nurseries() -> list[Nursery]:
    return list(db.session.scalars(select(Nursery).order_by(Nursery.name)))


def new_nursery(raw: Mapping[str, Any], *, actor: User) -> Nursery:
    """A nursery from the admin's form: its name is required and unique."""
    fields = Fields(raw)
    fields.text("name", max_length=160, required=True)
    fields.text("operator", max_length=160)
    fields.text("address", max_length=300)
    fields.integer("commune_id", low=1)
    name = fields.values.get("name")
    if name and db.session.scalar(select(Nursery.id).where(Nursery.name == name)):
        fields.errors["name"] = "A nursery of this name exists already."
    if fields.errors:
        raise ValidationFailed("Some fields are not valid.", details=fields.errors)
    nursery = Nursery(**{key: value for key, value in fields.values.items() if value is not None})
    db.session.add(nursery)
    commit_changes(actor=actor)
    return nursery


def nurseries_for(user: User) -> list[Nursery]:
    """The nurseries a user may record for: a nursery operator's own, or all of them."""
    query = select(Nursery).order_by(Nursery.name)
    if user.role == Role.NURSERY:
        query = query.where(Nursery.id == user.nursery_id)
    return list(db.session.scalars(query))


def create_lot(
    *,
    species_id: int,
    nursery_id: int,
    seed_source: str | None,
    actor: User | None = None,
    parent: SeedlingLot | None = None,
    commit: bool = True,
    **facts: Any,
) -> SeedlingLot:
    """A new, empty lot with its own code; stock arrives through its ledger."""
    number = db.session.scalar(text("SELECT nextval('lot_code_seq')"))
    lot = SeedlingLot(
        code=codes.encode(number, prefix=LOT_PREFIX),
        species_id=species_id,
        nursery_id=nursery_id,
        seed_source=nfc(seed_source),
        parent_lot_id=parent.id if parent else None,
        **facts,
    )
    db.session.add(lot)
    if commit:
        commit_changes(actor=actor)
    else:
        db.session.info["actor_id"] = actor.id if actor else None  # the audit log's author
        db.session.flush()
    return lot


def parse_lot(raw: Mapping[str, Any], *, creating: bool) -> dict:
    """A lot's facts from any door, or ValidationFailed naming every wrong field."""
    fields = Fields(raw)
    fields.integer("species_id", required=creating, low=1)
    fields.integer("nursery_id", required=creating, low=1)
    fields.text("seed_source", max_length=200)
    fields.text("seed_source_code", max_length=40)
    fields.choice("propagation", Propagation)
    fields.text("grade", max_length=20)
    fields.text("certificate_number", max_length=40)
    fields.day("certificate_date")
    fields.day("sown_on")
    species_id = fields.values.get("species_id")
    if species_id and db.session.get(Species, species_id) is None:
        fields.errors["species_id"] = "Choose a species of the list."
    if fields.errors:
        raise ValidationFailed("Some fields are not valid.", details=fields.errors)
    return {key: value for key, value in fields.values.items() if key in raw}


def new_lot(raw: Mapping[str, Any], *, actor: User) -> SeedlingLot:
    """Create a lot from a form or JSON body, in a nursery the actor may record for."""
    values = parse_lot(raw, creating=True)
    nursery_id = values.pop("nursery_id")
    if nursery_id not in {nursery.id for nursery in nurseries_for(actor)}:
        raise ValidationFailed(
            "Some fields are not valid.", details={"nursery_id": "Choose one of your nurseries."}
        )
    return create_lot(nursery_id=nursery_id, actor=actor, **values)


def edit_lot(lot: SeedlingLot, raw: Mapping[str, Any], *, actor: User) -> SeedlingLot:
    """Correct a lot's facts; its stock only moves through the ledger."""
    ensure_may_record(actor, lot)
    values = parse_lot(raw, creating=False)
    values.pop("nursery_id", None)
    for name, value in values.items():
        if name in LOT_FIELDS:
            setattr(lot, name, value)
    commit_changes(actor=actor)
    return lot


def get_lot(code: str) -> SeedlingLot:
    lot = db.session.scalar(select(SeedlingLot).where(SeedlingLot.code == codes.normalize(code)))
    if lot is None:
        raise NotFound("No seedling lot has this code.", details={"code": code})
    return lot


def lot_code(lot_id: int) -> str:
    return db.session.get(SeedlingLot, lot_id).code


def may_record(user: User | None, lot: SeedlingLot) -> bool:
    """Field staff and above record on any lot; a nursery's operators on their own lots."""
    if user is None or not user.is_authenticated:
        return False
    if user.role == Role.NURSERY:
        return user.nursery_id is not None and lot.nursery_id == user.nursery_id
    return user.role.allows(Role.FIELD)


def may_print_label(user: User | None, lot: SeedlingLot) -> bool:
    """Field staff and above print any lot's label; a nursery's operators their own lots'."""
    return bool(user and user.is_authenticated and user.role.allows(Role.FIELD)) or may_record(
        user, lot
    )


def ensure_may_record(user: User | None, lot: SeedlingLot) -> None:
    if not may_record(user, lot):
        raise Forbidden("You may not record events for this lot.")


def lots_for(user: User, *, limit: int = 500) -> list[SeedlingLot]:
    """The newest lots a user may see, newest first."""
    query = select(SeedlingLot).order_by(SeedlingLot.id.desc()).limit(limit)
    if user.role == Role.NURSERY:
        query = query.where(SeedlingLot.nursery_id == user.nursery_id)
    return list(db.session.scalars(query))


def ledger_page(
    lot: SeedlingLot, *, before: int | None = None, size: int = 200
) -> tuple[list[LotEvent], int | None]:
    """A page of the lot's ledger, newest first, and the cursor of the next (older) page."""
    query = select(LotEvent).where(LotEvent.lot_id == lot.id)
    if before is not None:
        query = query.where(LotEvent.id < before)
    events = list(db.session.scalars(query.order_by(LotEvent.id.desc()).limit(size + 1)))
    older = events[size - 1].id if len(events) > size else None
    return events[:size], older


def ledger_totals(lot: SeedlingLot) -> list[tuple[LotEventKind, int, int]]:
    """Each kind of event with how many were recorded and the seedlings they counted."""
    rows = db.session.execute(
        select(LotEvent.kind, func.count(), func.sum(LotEvent.quantity))
        .where(LotEvent.lot_id == lot.id)
        .group_by(LotEvent.kind)
    )
    order = list(LotEventKind)
    return sorted(((kind, count, int(total)) for kind, count, total in rows),
                  key=lambda row: order.index(row[0]))  # fmt: skip


def arrival(lot: SeedlingLot) -> dict | None:
    """For a lot made by a dispatch: the dispatch, and how many seedlings are still on their
    way (sent, less what was received and lost on the way)."""
    sent = db.session.scalar(
        select(LotEvent).where(
            LotEvent.counterpart_lot_id == lot.id, LotEvent.kind == LotEventKind.DISPATCHED
        )
    )
    if sent is None:
        return None
    arrived = db.session.scalar(
        select(
            func.coalesce(func.sum(LotEvent.quantity + func.coalesce(LotEvent.losses, 0)), 0)
        ).where(LotEvent.lot_id == lot.id, LotEvent.kind == LotEventKind.RECEIVED)
    )
    return {"event": sent, "waiting": sent.quantity - int(arrived)}
