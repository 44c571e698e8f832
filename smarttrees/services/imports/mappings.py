"""Mappings kept by name: a survey team's columns, species choices, units and coordinate system,
applied to next month's file in one click."""

from sqlalchemy import select

from smarttrees.errors import NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.models import ImportBatch, SavedMapping, User
from smarttrees.vietnamese import nfc


def saved_mapping(name: str) -> dict:
    """A saved mapping as the pipeline takes it: columns, species, units and crs."""
    saved = db.session.scalar(select(SavedMapping).where(SavedMapping.name == nfc(name)))
    if saved is None:
        known = db.session.scalars(select(SavedMapping.name).order_by(SavedMapping.name)).all()
        raise NotFound("No mapping has this name.", details={"mapping": name, "saved": known})
    return {
        "columns": saved.columns,
        "species": saved.species,
        "units": saved.units,
        "crs": saved.crs,
    }


def saved_mappings() -> list[SavedMapping]:
    return list(db.session.scalars(select(SavedMapping).order_by(SavedMapping.name)))


def save_mapping(name: str, batch: ImportBatch, actor: User | None) -> SavedMapping:
    """Keep the batch's mapping under a name (a second save under the name replaces it)."""
    name = nfc(name)
    if not name:
        raise ValidationFailed("Give the mapping a name.", details={"mapping_name": "required"})
    saved = db.session.scalar(select(SavedMapping).where(SavedMapping.name == name))
    saved = saved or SavedMapping(name=name, created_by_id=actor.id if actor else None)
    saved.columns, saved.species = batch.mapping or {}, batch.species_choices or {}
    saved.units, saved.crs = batch.units or {}, batch.crs
    db.session.add(saved)
    return saved
