"""Harvests of stands and the batches of forest products they yield."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from smarttrees import products
from smarttrees.errors import Conflict, NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.inputs import Fields
from smarttrees.labels import codes
from smarttrees.models import (
    BatchOrigin,
    Harvest,
    ProductBatch,
    ProductKind,
    Species,
    Stand,
    User,
)
from smarttrees.services.saving import commit_changes
from smarttrees.vietnamese import nfc

BATCH_PREFIX = "P"
AREA_SLACK = Decimal("1.05")  # a harvest may state a little more than the mapped outline
# Refusals of the database's balance rules, by constraint name.
BALANCE_REFUSALS = {
    "ck_product_batches_remaining_within_volume": "More than the batch holds.",
    "child_within_parents": "The new batches hold more than their parents gave.",
    "shipped_batch_unchanged": "This batch left on a product list: it can no longer change.",
}


def parse_harvest(raw: Mapping[str, Any]) -> dict:
    """A harvest's values from any door, or ValidationFailed naming every wrong field."""
    fields = Fields(raw)
    fields.integer("stand_id", required=True, low=1)
    fields.day("harvested_on", required=True)
    fields.number("area_ha", required=True, places=4)
    fields.number("planned_volume_m3", places=3)
    fields.text("owner", max_length=160)
    fields.text("document", max_length=80)
    stand_id = fields.values.get("stand_id")
    stand = db.session.get(Stand, stand_id) if stand_id else None
    if stand_id and stand is None:
        fields.errors["stand_id"] = "Choose a stand of the list."
    area = fields.values.get("area_ha")
    if stand is not None and area and area > Decimal(str(stand.area_ha)) * AREA_SLACK:
        fields.errors["area_ha"] = "The harvested area is larger than the stand."
    if fields.errors:
        raise ValidationFailed("Some fields are not valid.", details=fields.errors)
    return dict(fields.values)


def create_harvest(raw: Mapping[str, Any], *, actor: User | None) -> Harvest:
    """Record a harvest of a stand; its owner is the stand's unless another is named."""
    values = parse_harvest(raw)
    stand = db.session.get(Stand, values["stand_id"])
    values["owner"] = values.get("owner") or stand.owner
    harvest = Harvest(actor_id=actor.id if actor else None, **values)
    db.session.add(harvest)
    commit_changes(actor=actor)
    return harvest


def get_harvest(harvest_id: int) -> Harvest:
    harvest = db.session.get(Harvest, harvest_id)
    if harvest is None:
        raise NotFound("No harvest has this number.", details={"harvest": harvest_id})
    return harvest


def parse_batch(raw: Mapping[str, Any]) -> dict:
    """A batch's kind and measures, or ValidationFailed naming every wrong field."""
    fields = Fields(raw)
    fields.choice("kind", ProductKind, required=True)
    fields.number("volume_m3", required=True, places=3)
    fields.number("mass_kg", places=1)
    fields.integer("pieces", low=1, high=10_000_000)
    fields.integer("species_id", low=1)
    fields.text("notes", max_length=300)
    species_id = fields.values.get("species_id")
    if species_id and db.session.get(Species, species_id) is None:
        fields.errors["species_id"] = "Choose a species of the list."
    if fields.errors:
        raise ValidationFailed("Some fields are not valid.", details=fields.errors)
    return {key: value for key, value in fields.values.items() if value is not None}


def add_batch(harvest: Harvest, raw: Mapping[str, Any], *, actor: User | None) -> ProductBatch:
    """A batch the harvest yielded; its mass is estimated from its volume when not weighed."""
    values = parse_batch(raw)
    values.setdefault("species_id", harvest.stand.species_id)
    with balance_kept(actor):
        batch = new_batch(
            origin=BatchOrigin.HARVESTED, harvest_id=harvest.id, stand_id=harvest.stand_id,
            actor=actor, **values,
        )  # fmt: skip
    return batch


def new_batch(*, actor: User | None, **values: Any) -> ProductBatch:
    """A batch with a fresh code, its remaining volume whole, its mass given or estimated."""
    number = db.session.scalar(text("SELECT nextval('product_code_seq')"))
    batch = ProductBatch(
        code=codes.encode(number, prefix=BATCH_PREFIX),
        remaining_m3=values["volume_m3"],
        actor_id=actor.id if actor else None,
        **values,
    )
    if batch.mass_kg is None:
        species = db.session.get(Species, batch.species_id) if batch.species_id else None
        factor = products.mass_factor(batch.kind.value, species and species.wood_density)
        batch.mass_factor_kg_m3 = factor
        batch.mass_kg = products.estimated_mass(Decimal(batch.volume_m3), factor)
    db.session.add(batch)
    db.session.info["actor_id"] = actor.id if actor else None  # the audit log's author
    db.session.flush()
    return batch


@contextmanager
def balance_kept(actor: User | None) -> Iterator[None]:
    """Run the block's writes and commit them; a broken balance rule becomes a refusal."""
    db.session.info["actor_id"] = actor.id if actor else None
    try:
        yield
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
        if constraint in BALANCE_REFUSALS:
            raise Conflict(
                BALANCE_REFUSALS[constraint], code="mass_balance",
                details={"volume_m3": BALANCE_REFUSALS[constraint]},
            ) from error  # fmt: skip
        raise


def get_batch(code: str) -> ProductBatch:
    batch = db.session.scalar(
        select(ProductBatch).where(ProductBatch.code == codes.normalize(code))
    )
    if batch is None:
        raise NotFound("No batch has this code.", details={"code": code})
    return batch


def product_name(batch: ProductBatch) -> str:
    return nfc(products.PRODUCTS[batch.kind.value].name_vi)


def list_harvests(limit: int = 200) -> list[Harvest]:
    """The newest harvests first."""
    return list(
        db.session.scalars(
            select(Harvest).order_by(Harvest.harvested_on.desc(), Harvest.id.desc()).limit(limit)
        )
    )


def get_batches(wanted_codes: list[str]) -> list[ProductBatch]:
    """The batches of these codes, in the order given; NotFound names the unknown ones."""
    wanted = list(dict.fromkeys(codes.normalize(code) for code in wanted_codes))
    found = {
        batch.code: batch
        for batch in db.session.scalars(
            select(ProductBatch)
            .where(ProductBatch.code.in_(wanted))
            .options(joinedload(ProductBatch.species))
        )
    }
    if missing := [code for code in wanted if code not in found]:
        raise NotFound("No batch has this code.", details={"code": ", ".join(missing[:20])})
    return [found[code] for code in wanted]
