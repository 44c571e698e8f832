"""Split, merge and process batches. Each child records what it took from each parent; the
database keeps the balance (a parent gives no more than it holds, a child holds no more than
it was given), so two clerks splitting one batch at once cannot both take its last cubic metre.
"""

from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sqlalchemy import insert, select

from smarttrees import products
from smarttrees.errors import ValidationFailed
from smarttrees.extensions import db
from smarttrees.inputs import Fields
from smarttrees.models import BatchOrigin, ProductBatch, ProductKind, User, product_lineage
from smarttrees.services.custody.harvests import balance_kept, get_batch, new_batch

MAX_PARTS = 200
MAX_VOLUME = Decimal(1_000_000)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("Some fields are not valid.", details={field: message})


def _not_shipped(batch: ProductBatch) -> None:
    if batch.shipment_item is not None:
        raise _invalid("batches", "This batch left on a product list: it can no longer change.")


def split(batch: ProductBatch, volumes: Sequence[Any], *, actor: User | None) -> list[ProductBatch]:
    """Cut a batch into parts of the given volumes (m³), each a new batch with its own label."""
    _not_shipped(batch)
    parsed = _volumes(volumes)
    if sum(parsed) > Decimal(batch.remaining_m3):
        raise _invalid("volumes", "More than the batch holds.")
    with balance_kept(actor):
        parts = [_child(batch, volume, BatchOrigin.SPLIT, actor=actor) for volume in parsed]
        for part in parts:
            _take(batch, part, part.volume_m3)
    return parts


def merge(codes: Sequence[str], *, actor: User | None) -> ProductBatch:
    """Join whole batches of one kind and species into one."""
    batches = [get_batch(code) for code in dict.fromkeys(codes)]
    if len(batches) < 2:
        raise _invalid("batches", "Choose at least two batches.")
    if len({(b.kind, b.species_id) for b in batches}) > 1:
        raise _invalid("batches", "Only batches of one product and species can be merged.")
    if any(Decimal(b.remaining_m3) <= 0 for b in batches):
        raise _invalid("batches", "A batch that was used up cannot be merged.")
    for batch in batches:
        _not_shipped(batch)
    first = batches[0]
    merged = new_batch(
        origin=BatchOrigin.MERGED,
        kind=first.kind,
        species_id=first.species_id,
        stand_id=first.stand_id if len({b.stand_id for b in batches}) == 1 else None,
        harvest_id=first.harvest_id if len({b.harvest_id for b in batches}) == 1 else None,
        volume_m3=sum(Decimal(b.remaining_m3) for b in batches),
        mass_kg=_share_sum(batches),
        actor=actor,
    )
    with balance_kept(actor):
        for batch in batches:
            _take(batch, merged, Decimal(batch.remaining_m3))
    return merged


def process(batch: ProductBatch, raw: Mapping[str, Any], *, actor: User | None) -> ProductBatch:
    """Make another product of part of a batch (logs into chips) at a declared yield."""
    _not_shipped(batch)
    fields = Fields(raw)
    fields.choice("kind", ProductKind, required=True)
    fields.number("volume_m3", required=True, places=3)  # taken from the batch
    fields.number("yield_ratio", required=True, places=4)
    fields.number("mass_kg", places=1)
    if fields.errors:
        raise ValidationFailed("Some fields are not valid.", details=fields.errors)
    kind, taken, ratio = (fields.values[n] for n in ("kind", "volume_m3", "yield_ratio"))
    most = products.PROCESSING.get((batch.kind.value, kind.value))
    if most is None:
        raise _invalid("kind", "This product cannot be made from this batch.")
    if ratio > most:
        raise _invalid("yield_ratio", "The yield is higher than this processing can give.")
    if taken > Decimal(batch.remaining_m3):
        raise _invalid("volume_m3", "More than the batch holds.")
    volume = (taken * ratio).quantize(Decimal("0.001"), rounding=ROUND_DOWN)
    if volume <= 0:
        raise _invalid("volume_m3", "The batch made would hold nothing: take more.")
    mass, factor = fields.values.get("mass_kg"), None
    if mass is None and batch.mass_kg:  # the parent's kilograms per m³, as an estimate
        factor = (Decimal(batch.mass_kg) / Decimal(batch.volume_m3)).quantize(Decimal("0.1"))
        mass = products.estimated_mass(volume, factor)
    child = _child(
        batch, volume, BatchOrigin.PROCESSED, actor=actor, kind=kind, mass_kg=mass,
        mass_factor_kg_m3=factor,
    )  # fmt: skip
    with balance_kept(actor):
        _take(batch, child, taken, ratio)
    return child


def _child(parent: ProductBatch, volume: Decimal, origin, *, actor, **changes) -> ProductBatch:
    values = {
        "kind": parent.kind,
        "species_id": parent.species_id,
        "stand_id": parent.stand_id,
        "harvest_id": parent.harvest_id,
        "volume_m3": volume,
        "mass_kg": _share(parent, volume),
    } | changes
    return new_batch(origin=origin, actor=actor, **values)


def _take(parent: ProductBatch, child: ProductBatch, volume: Decimal, ratio=Decimal(1)) -> None:
    db.session.execute(
        insert(product_lineage).values(
            parent_id=parent.id, child_id=child.id, volume_m3=volume, yield_ratio=ratio
        )
    )


def _share(batch: ProductBatch, volume: Decimal) -> Decimal | None:
    """A weighed batch's mass shared by volume; None (estimate again) for an estimated one."""
    if batch.mass_factor_kg_m3 is not None or batch.mass_kg is None:
        return None
    share = Decimal(batch.mass_kg) * volume / Decimal(batch.volume_m3)
    return share.quantize(Decimal("0.1"))


def _share_sum(batches: Sequence[ProductBatch]) -> Decimal | None:
    shares = [_share(batch, Decimal(batch.remaining_m3)) for batch in batches]
    return None if any(share is None for share in shares) else sum(shares)


def _volumes(volumes: Sequence[Any]) -> list[Decimal]:
    fields = Fields({f"volume_{i}": value for i, value in enumerate(volumes)})
    parsed = []
    for index in range(len(volumes)):
        fields.number(f"volume_{index}", required=True, places=3)
        parsed.append(fields.values.get(f"volume_{index}"))
    in_range = all(value is not None and 0 < value <= MAX_VOLUME for value in parsed)
    if fields.errors or not parsed or not in_range or len(parsed) > MAX_PARTS:
        raise _invalid("volumes", "Give each part's volume in m³, more than 0.")
    return parsed


def lineage(batch: ProductBatch) -> list[dict]:
    """The batch's parents with what each gave it."""
    rows = db.session.execute(
        select(ProductBatch, product_lineage.c.volume_m3, product_lineage.c.yield_ratio)
        .join(product_lineage, product_lineage.c.parent_id == ProductBatch.id)
        .where(product_lineage.c.child_id == batch.id)
    )
    return [{"batch": b, "volume_m3": v, "yield_ratio": y} for b, v, y in rows]
