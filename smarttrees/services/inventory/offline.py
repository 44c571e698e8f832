"""What the field app keeps on the phone for an area: its trees and the species list."""

from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from smarttrees.errors import NotFound
from smarttrees.extensions import db
from smarttrees.models import AdminUnit, Tree
from smarttrees.schemas import INVALID_PARAMETERS, Schema, Whole
from smarttrees.services.inventory.catalog import list_species

MAX_TREES = 60_000  # a phone keeps a commune's trees; a city ward holds about 15,000
OFFLINE_AREA = Schema(
    "Offline area",
    (Whole("commune_id", required=True, low=1, high=2**31 - 1, about="From /communes."),),
    message=INVALID_PARAMETERS,
)


def _num(value):
    return float(value) if value is not None else None


def area_for_offline(commune_id: int) -> dict:
    """A commune's trees in a compact form, with the species to tag new trees."""
    if db.session.get(AdminUnit, commune_id) is None:
        raise NotFound("No commune has this code.", details={"commune_id": commune_id})
    stmt = (
        select(Tree)
        .options(joinedload(Tree.species))
        .where(Tree.commune_id == commune_id)
        .order_by(Tree.code)
        .limit(MAX_TREES)
    )
    rows = []
    for tree in db.session.scalars(stmt):
        point = to_shape(tree.geom)
        rows.append(
            {
                "code": tree.code,
                "species": tree.species.vi_name if tree.species else None,
                "scientific_name": tree.species.scientific_name if tree.species else None,
                "category": tree.category.value,
                "condition": tree.condition.value if tree.condition else None,
                "dbh_cm": _num(tree.dbh_cm),
                "height_m": _num(tree.height_m),
                "crown_m": _num(tree.crown_m),
                "lon": round(point.x, 7),
                "lat": round(point.y, 7),
                "updated_at": tree.updated_at.isoformat(),
            }
        )
    species = [{"id": s.id, "label": s.label} for s in list_species()]
    return {
        "commune_id": commune_id,
        "trees": rows,
        "species": species,
        "complete": len(rows) < MAX_TREES,
    }
