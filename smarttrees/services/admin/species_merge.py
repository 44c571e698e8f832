"""Merging a species into another, for one entered twice (a local name, a misspelt scientific
name): every tree, stand, seedling lot and product batch that names it moves to the other (a
harvest follows its stand), and so do the species an import's mapping chose for a name, what an
import's undo would put back and the rows a checked import keeps for its write; then the species
is deleted. One transaction, under the admin's name in the audit log.

The rows move by one UPDATE per table: a species may hold a million trees. The database's
triggers bring the map's and the report's tallies and the tile versions along. A tree's
`updated_at` stays: a merge does not change what was observed, so a phone's inspection made
before it is no conflict and an import that wrote the tree can still be undone.
"""

from typing import Any

from sqlalchemy import func, select, text, update

from smarttrees.errors import NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.inputs import Fields
from smarttrees.models import (
    AuditLog,
    ProductBatch,
    ReplacedStand,
    ReplacedTree,
    SeedlingLot,
    Species,
    Stand,
    Tree,
    User,
)
from smarttrees.services.admin.species import get_species
from smarttrees.services.saving import commit_changes

# What names a species and moves with a merge: counted on the confirmation page.
MOVED = {
    "trees": Tree,
    "stands": Stand,
    "seedling_lots": SeedlingLot,
    "product_batches": ProductBatch,
}
# An import's species choices (a name in the file → a species id, a number or its text).
CHOICES = {"import_batches": "species_choices", "saved_mappings": "species"}
# History without foreign keys: what undoing an import puts back.
REPLACED = (ReplacedTree, ReplacedStand)
# The rows a checked import keeps for its write, in the batch's own schema.
KEPT_ROWS = text(
    "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.columns"
    " WHERE table_schema ~ '^import_[0-9]+$' AND table_name = 'import_rows'"
    " AND column_name = 'species_id'"
)


def merge_preview(source_id: int, into: Any) -> tuple[Species, Species, dict[str, int]]:
    """The species merged, the one it is merged into, and how many rows of each kind would
    move: what the confirmation page states."""
    source, target = _pair(source_id, into)
    return source, target, _counts(source.id)


def merge_species(source_id: int, into: Any, *, actor: User) -> tuple[Species, dict[str, int]]:
    """Move everything that names the species to the one chosen and delete it; the species it
    was merged into, and how many rows of each kind moved."""
    source, target = _pair(source_id, into, lock=True)
    moved = {name: _move(model, source.id, target.id) for name, model in MOVED.items()}
    for table, column in CHOICES.items():
        moved[table] = _move_choices(table, column, source.id, target.id)
    _move_history(source.id, target.id)
    db.session.add(
        AuditLog(
            actor_id=actor.id,
            action="merge",
            entity="species",
            entity_id=str(source.id),
            before=_names(source),
            after={"species_id": target.id, **_names(target), **moved},
        )
    )
    db.session.delete(source)  # the audit log keeps all it held, as for any delete
    commit_changes(actor=actor)
    return target, moved


def _pair(source_id: int, into: Any, *, lock: bool = False) -> tuple[Species, Species]:
    """The two species, checked: the target named, existing, and another one. Locked, a
    concurrent new tree of the merged species waits, then is refused as naming no species."""
    source = get_species(source_id)
    fields = Fields({"into": into})
    fields.integer("into", required=True, low=1)
    target_id = fields.values.get("into")
    if fields.errors:
        raise ValidationFailed("Some fields are not valid.", details=fields.errors)
    if target_id == source.id:
        message = "Choose another species than the one merged."
        raise ValidationFailed(message, details={"into": message})
    target = _locked(source, target_id) if lock else db.session.get(Species, target_id)
    if target is None:
        message = "Choose a species of the list."
        raise ValidationFailed(message, details={"into": message})
    return source, target


def _locked(source: Species, target_id: int) -> Species | None:
    """Lock both rows (always in the same order: no deadlock) and give the target as it is now;
    the source must still exist (another admin may have merged it meanwhile)."""
    ids = sorted((source.id, target_id))
    query = select(Species).where(Species.id.in_(ids)).order_by(Species.id).with_for_update()
    locked = db.session.scalars(query.execution_options(populate_existing=True)).all()
    found = {species.id: species for species in locked}
    if source.id not in found:
        raise NotFound("No such species.", details={"species": source.id})
    return found.get(target_id)


def _counts(species_id: int) -> dict[str, int]:
    counts = {
        name: db.session.scalar(
            select(func.count()).select_from(model).where(model.species_id == species_id)
        )
        for name, model in MOVED.items()
    }
    for table, column in CHOICES.items():
        naming = text(f"SELECT count(*) FROM {table} WHERE {_names_species(column)}")
        counts[table] = db.session.scalar(naming, {"source": str(species_id)})
    return counts


def _move(model, source_id: int, target_id: int) -> int:
    values = {"species_id": target_id}
    if model is Tree:
        values["updated_at"] = Tree.updated_at  # kept: see the module's docstring
    statement = update(model).where(model.species_id == source_id).values(**values)
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _names_species(column: str) -> str:
    """SQL: the JSON object in `column` chooses the species :source for some name."""
    return (
        f"jsonb_typeof({column}) = 'object' AND EXISTS"
        f" (SELECT 1 FROM jsonb_each({column}) AS c WHERE c.value #>> '{{}}' = :source)"
    )


def _move_choices(table: str, column: str, source_id: int, target_id: int) -> int:
    statement = text(
        f"UPDATE {table} SET {column} = (SELECT jsonb_object_agg(c.key, CASE"
        f" WHEN c.value #>> '{{}}' = :source THEN to_jsonb(CAST(:target AS integer))"
        f" ELSE c.value END) FROM jsonb_each({column}) AS c)"
        f" WHERE {_names_species(column)}"
    )
    params = {"source": str(source_id), "target": target_id}
    return db.session.execute(statement, params).rowcount


def _move_history(source_id: int, target_id: int) -> None:
    """An undo puts back a tree's or stand's species: the merged one no longer exists."""
    for model in REPLACED:
        statement = update(model).where(model.species_id == source_id)
        db.session.execute(
            statement.values(species_id=target_id).execution_options(synchronize_session=False)
        )
    for table in db.session.scalars(KEPT_ROWS).all():
        db.session.execute(
            text(f"UPDATE {table} SET species_id = :target WHERE species_id = :source"),
            {"source": source_id, "target": target_id},
        )


def _names(species: Species) -> dict[str, Any]:
    return {"scientific_name": species.scientific_name, "vi_name": species.vi_name}
