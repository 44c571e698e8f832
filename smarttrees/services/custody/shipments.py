"""Sales and transports of batches, each printed as a numbered bảng kê lâm sản (form 01 of
Circular 26/2022/TT-BNNPTNT): one list per vehicle and set of batches."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text

from smarttrees import products
from smarttrees.errors import NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.inputs import Fields
from smarttrees.labels import product_list as form
from smarttrees.models import Shipment, ShipmentItem, User
from smarttrees.services.custody.harvests import get_batch
from smarttrees.services.custody.stands import lon_lat, plot_ids, stand_label
from smarttrees.services.custody.trace import harvests_behind
from smarttrees.services.saving import commit_changes

MAX_BATCHES = 500


def parse_shipment(raw: Mapping[str, Any]) -> dict:
    """A shipment's form-01 fields, or ValidationFailed naming every wrong field."""
    fields = Fields(raw)
    fields.day("shipped_on", required=True)
    fields.text("owner_name", max_length=160, required=True)
    fields.text("buyer_name", max_length=160, required=True)
    for name, length in (
        ("owner_address", 300),
        ("buyer_address", 300),
        ("vehicle", 40),
        ("origin_place", 200),
        ("destination", 200),
    ):
        fields.text(name, max_length=length)  # fmt: skip
    if fields.errors:
        raise ValidationFailed("Some fields are not valid.", details=fields.errors)
    return {key: value for key, value in fields.values.items() if value is not None}


def create_shipment(
    raw: Mapping[str, Any], batch_codes: Sequence[str], *, actor: User | None
) -> Shipment:
    """Record a transport of whole batches (what is left of each) with a new list number."""
    values = parse_shipment(raw)
    codes = [code for code in dict.fromkeys(c.strip() for c in batch_codes) if code]
    if not codes or len(codes) > MAX_BATCHES:
        raise ValidationFailed(
            "Some fields are not valid.", details={"batches": "Choose the batches on the vehicle."}
        )
    batches = [get_batch(code) for code in codes]
    _check_loadable(batches, values["shipped_on"])
    sequence = db.session.scalar(text("SELECT nextval('shipment_number_seq')"))
    shipment = Shipment(
        number=f"BK-{values['shipped_on'].year}-{sequence:06d}",
        actor_id=actor.id if actor else None,
        **values,
    )
    shipment.items = [_item(batch) for batch in batches]
    db.session.add(shipment)
    commit_changes(actor=actor)  # the database refuses a batch another clerk loaded meanwhile
    return shipment


def _check_loadable(batches, shipped_on) -> None:
    """Batches still holding wood, on no other list, not shipped before they were cut."""
    problems = {}
    if empty := [b.code for b in batches if Decimal(b.remaining_m3) <= 0]:
        problems["batches"] = "These batches were used up: " + ", ".join(empty)
    elif shipped := [b.code for b in batches if b.shipment_item is not None]:
        problems["batches"] = "These batches left on another list already: " + ", ".join(shipped)
    behind = harvests_behind([b.id for b in batches])
    cut = [harvest.harvested_on for found in behind.values() for harvest in found]
    if cut and shipped_on < max(cut):
        problems["shipped_on"] = "The date is before the harvest of these batches."
    if problems:
        raise ValidationFailed("Some fields are not valid.", details=problems)


def _item(batch) -> ShipmentItem:
    share = Decimal(batch.remaining_m3) / Decimal(batch.volume_m3)
    mass = (Decimal(batch.mass_kg) * share).quantize(Decimal("0.1")) if batch.mass_kg else None
    return ShipmentItem(batch=batch, volume_m3=batch.remaining_m3, mass_kg=mass,
                        pieces=batch.pieces if share == 1 else None)  # fmt: skip


def get_shipment(shipment_id: int) -> Shipment:
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None:
        raise NotFound("No shipment has this number.", details={"shipment": shipment_id})
    return shipment


def product_list(shipment: Shipment, *, verify_url: str, made_by: str = "") -> form.ProductList:
    """The shipment as the form's fields."""
    behind = harvests_behind([item.batch_id for item in shipment.items])
    harvests = {harvest for found in behind.values() for harvest in found}
    stands = {harvest.stand for harvest in harvests}
    return form.ProductList(
        number=shipment.number,
        made_on=shipment.shipped_on,
        place="Thái Nguyên",
        owner=form.Party(shipment.owner_name, shipment.owner_address or ""),
        buyer=form.Party(shipment.buyer_name, shipment.buyer_address or ""),
        origin=form.Origin(
            source_document="; ".join(sorted(h.document or h.number for h in harvests)),
            forest_owner="; ".join(sorted({h.owner for h in harvests if h.owner})),
            plots="; ".join(sorted(plot_ids(s) or stand_label(s) for s in stands)),
            commune="; ".join(sorted({s.commune.name for s in stands if s.commune})),
            lon_lat=" | ".join(lon_lat(s) for s in sorted(stands, key=lambda s: s.id)),
        ),
        transport=form.Transport(
            vehicle=shipment.vehicle or "",
            origin_place=shipment.origin_place or "",
            destination=shipment.destination or "",
            date=shipment.shipped_on,
        ),
        rows=tuple(_row(item) for item in shipment.items),
        verify_url=verify_url,
        made_by=made_by or (shipment.actor.name if shipment.actor else ""),
    )


def _row(item: ShipmentItem) -> form.Row:
    batch, facts = item.batch, products.PRODUCTS[item.batch.kind.value]
    return form.Row(
        product=facts.name_vi,
        common_name=batch.species.vi_name if batch.species else "",
        scientific_name=batch.species.scientific_name if batch.species else "",
        hs_code=facts.hs_code,
        unit="m³",
        pieces=item.pieces,
        volume_m3=Decimal(item.volume_m3),
        mass_kg=Decimal(item.mass_kg) if item.mass_kg is not None else None,
        batch_code=batch.code,
        notes="Khối lượng ước tính" if batch.mass_factor_kg_m3 else "",
    )


def shipments_of(batch_ids: list[int]) -> list[Shipment]:
    """The shipments that carried any of these batches, newest first."""
    if not batch_ids:
        return []
    return list(
        db.session.scalars(
            select(Shipment)
            .join(ShipmentItem)
            .where(ShipmentItem.batch_id.in_(batch_ids))
            .distinct()
            .order_by(Shipment.id.desc())
        )
    )
