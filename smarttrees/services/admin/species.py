"""The species list as an admin keeps it: each species with how many trees, stands, seedling lots
and product batches use it; a new species; a corrected one.

Names are NFC; the scientific name is unique, case aside (the survey import matches it so). A wood
density the admin types is the species' own (basis "species"; the report's tallies follow it by a
database trigger); left empty, it comes from the wood density table as the reference loader takes
it: the species' mean, else its genus' mean, else the regional default.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from smarttrees import allometry
from smarttrees.errors import NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.inputs import Fields
from smarttrees.models import ProductBatch, SeedlingLot, Species, Stand, TreeTally, User
from smarttrees.services.inventory.catalog import list_species
from smarttrees.services.saving import commit_changes
from smarttrees.vietnamese import fold

DENSITY_RANGE = (Decimal("0.05"), Decimal("1.5"))  # g/cm³, the column's check constraint
TEXTS = {"scientific_name": 160, "vi_name": 120, "en_name": 120, "family": 80}  # max lengths
REQUIRED = ("scientific_name", "vi_name")
SPECIES_BASIS = allometry.DensityBasis.SPECIES.value


@dataclass(frozen=True)
class SpeciesUses:
    """A species and how many rows of each kind name it."""

    species: Species
    uses: dict[str, int] = field(default_factory=dict)


def species_with_uses(q: str | None = None) -> list[SpeciesUses]:
    """The species (matching a diacritics-free search), each with its trees, stands, seedling
    lots and product batches."""
    counts = _uses()
    return [SpeciesUses(s, counts[s.id]) for s in list_species(q)]


def _uses() -> dict[int, dict[str, int]]:
    # Trees from the report's tallies, which the database keeps equal to the trees: a million
    # trees are not counted again for each page.
    queries = {
        "trees": select(TreeTally.species_id, func.sum(TreeTally.trees)),
        "stands": select(Stand.species_id, func.count()),
        "seedling_lots": select(SeedlingLot.species_id, func.count()),
        "product_batches": select(ProductBatch.species_id, func.count()),
    }
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(queries, 0))
    for name, query in queries.items():
        column = query.selected_columns[0]
        for species_id, number in db.session.execute(query.group_by(column)):
            counts[species_id][name] = int(number)
    return counts


def get_species(species_id: int) -> Species:
    species = db.session.get(Species, species_id)
    if species is None:
        raise NotFound("No such species.", details={"species": species_id})
    return species


def add_species(raw: Mapping[str, Any], *, reference_dir: Path, actor: User) -> Species:
    """A new species of the list, from the admin's form."""
    values = _parse(raw, species_id=None)
    density = values.pop("wood_density")
    species = Species(**values)
    _set_density(species, density, reference_dir)
    db.session.add(species)
    commit_changes(actor=actor)
    return species


def edit_species(
    species_id: int, raw: Mapping[str, Any], *, reference_dir: Path, actor: User
) -> Species:
    """Correct a species' names, family or wood density (the audit log keeps the old ones)."""
    species = get_species(species_id)
    values = _parse(raw, species_id=species.id)
    density = values.pop("wood_density")
    unchanged = density is not None and density == _stored(species.wood_density)
    from_table = species.wood_density_basis != SPECIES_BASIS
    renamed = values["scientific_name"] != species.scientific_name
    for name, value in values.items():
        setattr(species, name, value)
    if not unchanged:
        _set_density(species, density, reference_dir)
    elif from_table and renamed:  # a density from the table follows the corrected name
        _set_density(species, None, reference_dir)
    commit_changes(actor=actor)
    return species


def _parse(raw: Mapping[str, Any], *, species_id: int | None) -> dict[str, Any]:
    """The form's values, checked; a ValidationFailed naming each wrong field."""
    fields = Fields(raw)
    for name, max_length in TEXTS.items():
        fields.text(name, max_length=max_length, required=name in REQUIRED)
    fields.number("wood_density", places=3)
    values, errors = fields.values, fields.errors
    if values.get("scientific_name") and "scientific_name" not in errors:
        values["scientific_name"] = " ".join(values["scientific_name"].split())
        if _name_taken(values["scientific_name"], species_id):
            errors["scientific_name"] = "Another species has this scientific name."
    density = values.get("wood_density")
    if density is not None and not DENSITY_RANGE[0] <= density <= DENSITY_RANGE[1]:
        errors["wood_density"] = "The wood density must be between 0.05 and 1.5 g/cm³."
    if errors:
        raise ValidationFailed("Some fields are not valid.", details=errors)
    values = {name: values.get(name) for name in (*TEXTS, "wood_density")}
    values["vi_name_folded"] = fold(values["vi_name"])
    return values


def _name_taken(name: str, species_id: int | None) -> bool:
    query = select(Species.id).where(func.lower(Species.scientific_name) == name.lower())
    if species_id is not None:
        query = query.where(Species.id != species_id)
    return db.session.scalar(query.limit(1)) is not None


def _stored(density) -> Decimal | None:
    return None if density is None else Decimal(str(density)).quantize(Decimal("0.001"))


def _set_density(species: Species, density: Decimal | None, reference_dir: Path) -> None:
    """The admin's density is the species' own; none: the wood density table's, with its basis."""
    if density is not None:
        species.wood_density, species.wood_density_basis = density, SPECIES_BASIS
        return
    rows = allometry.read_rows(reference_dir / allometry.WOOD_DENSITY_FILE)
    found, basis = allometry.wood_density(rows, species.scientific_name)
    species.wood_density, species.wood_density_basis = round(found, 3), basis.value
