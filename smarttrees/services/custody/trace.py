"""The chain of custody both ways: from a batch back to its harvest, stand, seedling lots,
nurseries and seed sources; from a lot forward to every lot, stand, tree and batch it went
into. Each direction is a few recursive queries, whatever the depth of the lineage."""

from decimal import Decimal

from geoalchemy2.shape import to_shape
from shapely.geometry import mapping
from sqlalchemy import func, select, text
from sqlalchemy.orm import joinedload

from smarttrees.extensions import db
from smarttrees.models import (
    Harvest,
    LotEvent,
    LotEventKind,
    Nursery,
    ProductBatch,
    SeedlingLot,
    Stand,
    Tree,
)
from smarttrees.services.custody.stands import stand_label

BATCHES_UP = text("""
WITH RECURSIVE up(id) AS (
  SELECT CAST(:id AS integer)
  UNION SELECT l.parent_id FROM product_lineage l JOIN up ON l.child_id = up.id)
SELECT id FROM up""")
BATCHES_DOWN = text("""
WITH RECURSIVE down(id) AS (
  SELECT unnest(CAST(:ids AS integer[]))
  UNION SELECT l.child_id FROM product_lineage l JOIN down ON l.parent_id = down.id)
SELECT id FROM down""")
LOTS_UP = text("""
WITH RECURSIVE up(id) AS (
  SELECT unnest(CAST(:ids AS integer[]))
  UNION SELECT s.parent_lot_id FROM seedling_lots s JOIN up ON s.id = up.id
   WHERE s.parent_lot_id IS NOT NULL)
SELECT id FROM up""")
LOTS_DOWN = text("""
WITH RECURSIVE down(id) AS (
  SELECT CAST(:id AS integer)
  UNION SELECT s.id FROM seedling_lots s JOIN down ON s.parent_lot_id = down.id)
SELECT id FROM down""")


def back_from_batch(batch: ProductBatch) -> dict:
    """Everything a batch came from, nearest first."""
    ids = list(db.session.scalars(BATCHES_UP, {"id": batch.id}))
    batches = _batches(ids)
    harvests = _by_ids(Harvest, {b.harvest_id for b in batches if b.harvest_id})
    stand_ids = {h.stand_id for h in harvests} | {b.stand_id for b in batches if b.stand_id}
    stands = _by_ids(Stand, stand_ids)
    planted = _planted_at(stand_ids)
    lot_ids = list(db.session.scalars(LOTS_UP, {"ids": sorted({p["lot"].id for p in planted})}))
    lots = _by_ids(SeedlingLot, lot_ids)
    return {
        "batch": batch,
        "batches": batches,
        "harvests": harvests,
        "stands": stands,
        "planted": planted,
        "lots": lots,
        "trees_by_stand": _trees_in(stand_ids),
        "nurseries": _by_ids(Nursery, {lot.nursery_id for lot in lots}),
        "seed_sources": sorted({_source(lot) for lot in lots if _source(lot)}),
    }


def forward_from_lot(lot: SeedlingLot) -> dict:
    """Everything a lot went into: its lots, the stands planted, their trees and batches."""
    lot_ids = list(db.session.scalars(LOTS_DOWN, {"id": lot.id}))
    planted = _planted(LotEvent.lot_id.in_(lot_ids)) + _as_trees(SeedlingLot.id.in_(lot_ids))
    stand_ids = {p["stand"].id for p in planted}
    harvests = _by_ids(
        Harvest, set(db.session.scalars(select(Harvest.id).where(Harvest.stand_id.in_(stand_ids))))
    )
    roots = list(
        db.session.scalars(
            select(ProductBatch.id).where(ProductBatch.harvest_id.in_([h.id for h in harvests]))
        )
    )
    batch_ids = list(db.session.scalars(BATCHES_DOWN, {"ids": roots})) if roots else []
    trees = _trees_in(stand_ids)
    return {
        "lot": lot,
        "lots": _by_ids(SeedlingLot, lot_ids),
        "planted": planted,
        "trees_by_stand": trees,
        "tree_points": _tree_points(lot_ids),
        "harvests": harvests,
        "batches": _batches(batch_ids),
    }


def _tree_points(lot_ids: list[int], *, shown: int = 100) -> dict:
    """Trees planted from these lots as points: how many, and the first codes."""
    query = select(Tree.code).where(Tree.seedling_lot_id.in_(lot_ids))
    count = db.session.scalar(select(func.count()).select_from(query.subquery()))
    return {
        "count": count,
        "codes": list(db.session.scalars(query.order_by(Tree.code).limit(shown))),
    }


def _trees_in(stand_ids: set[int]) -> dict[int, int]:
    """How many tree points each stand holds."""
    if not stand_ids:
        return {}
    query = select(Tree.stand_id, func.count()).where(Tree.stand_id.in_(stand_ids))
    return dict(db.session.execute(query.group_by(Tree.stand_id)).all())


def _planted_at(stand_ids: set[int]) -> list[dict]:
    if not stand_ids:
        return []
    return _planted(LotEvent.stand_id.in_(stand_ids)) + _as_trees(Stand.id.in_(stand_ids))


def _as_trees(condition) -> list[dict]:
    """Plantings recorded as tree points, counted per lot and the stand the trees stand in."""
    rows = db.session.execute(
        select(SeedlingLot, Stand, func.count(Tree.id))
        .join(Tree, Tree.seedling_lot_id == SeedlingLot.id)
        .join(Stand, Stand.id == Tree.stand_id)
        .where(condition)
        .group_by(SeedlingLot.id, Stand.id)
        .order_by(SeedlingLot.id, Stand.id)
    )
    return [
        {"lot": lot, "stand": stand, "quantity": count, "first": None, "as_trees": True}
        for lot, stand, count in rows
    ]


def _planted(condition) -> list[dict]:
    """Seedlings planted, summed per lot and stand."""
    rows = db.session.execute(
        select(SeedlingLot, Stand, func.sum(LotEvent.quantity), func.min(LotEvent.occurred_at))
        .join(LotEvent, LotEvent.lot_id == SeedlingLot.id)
        .join(Stand, Stand.id == LotEvent.stand_id)
        .where(LotEvent.kind == LotEventKind.PLANTED, condition)
        .group_by(SeedlingLot.id, Stand.id)
        .order_by(SeedlingLot.id, Stand.id)
    )
    return [
        {"lot": lot, "stand": stand, "quantity": int(quantity), "first": first}
        for lot, stand, quantity, first in rows
    ]


def _batches(ids: list[int]) -> list[ProductBatch]:
    order = {batch_id: index for index, batch_id in enumerate(ids)}
    return sorted(_by_ids(ProductBatch, set(ids)), key=lambda b: order[b.id])


def _by_ids(model, ids) -> list:
    if not ids:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id)))


def _source(lot: SeedlingLot) -> str | None:
    parts = [part for part in (lot.seed_source_code, lot.seed_source) if part]
    return " — ".join(parts) or None


def tree_filters(trace: dict) -> dict[str, str] | None:
    """The tree list's filters for the trees a trace reaches: those of its stands and, forward
    from a lot, those planted from its lots as points. None when it reaches no tree."""
    stands = {row["stand"].id for row in trace["planted"]}
    stands |= {stand.id for stand in trace.get("stands", ())}
    lots = {lot.id for lot in trace["lots"]} if "lot" in trace else set()
    if not (stands or lots):
        return None
    found = {"stand": ",".join(map(str, sorted(stands))), "lot": ",".join(map(str, sorted(lots)))}
    return {name: ids for name, ids in found.items() if ids}


def as_json(trace: dict) -> dict:
    """The trace as plain values for the API (stands as GeoJSON geometries)."""
    out = {}
    for key, value in trace.items():
        if isinstance(value, list):
            out[key] = [_plain(item) for item in value]
        elif isinstance(value, dict):
            out[key] = {str(k): v for k, v in value.items()}
        else:
            out[key] = _plain(value)
    return out


def _plain(item):
    if isinstance(item, dict):
        return {key: _plain(value) for key, value in item.items()}
    if isinstance(item, ProductBatch):
        return {
            "code": item.code,
            "kind": item.kind.value,
            "origin": item.origin.value,
            "volume_m3": _num(item.volume_m3),
            "remaining_m3": _num(item.remaining_m3),
            "mass_kg": _num(item.mass_kg),
            "mass_estimated": item.mass_factor_kg_m3 is not None,
            "harvest_id": item.harvest_id,
            "stand_id": item.stand_id,
        }
    if isinstance(item, SeedlingLot):
        return {
            "code": item.code,
            "nursery_id": item.nursery_id,
            "holder": item.holder,
            "parent": item.parent.code if item.parent else None,
            "seed_source": _source(item),
            "quantity_on_hand": item.quantity_on_hand,
        }
    if isinstance(item, Stand):
        return {
            "id": item.id,
            "name": item.name,
            "tieu_khu": item.tieu_khu,
            "khoanh": item.khoanh,
            "lo": item.lo,
            "area_ha": _num(item.area_ha),
            "planting_year": item.planting_year,
            "geometry": mapping(to_shape(item.geom)),
        }
    if isinstance(item, Harvest):
        return {
            "id": item.id,
            "number": item.number,
            "stand_id": item.stand_id,
            "harvested_on": item.harvested_on.isoformat(),
            "area_ha": _num(item.area_ha),
        }
    if isinstance(item, Nursery):
        return {"id": item.id, "name": item.name, "operator": item.operator}
    return item.isoformat() if hasattr(item, "isoformat") else item


def _num(value) -> float | None:
    return float(value) if isinstance(value, Decimal | float | int) else None


def harvest_batches(harvest: Harvest) -> list[ProductBatch]:
    """Every batch a harvest yielded, and every batch made from those, in order of making."""
    roots = [batch.id for batch in harvest.batches]
    ids = list(db.session.scalars(BATCHES_DOWN, {"ids": roots})) if roots else []
    return sorted(_by_ids(ProductBatch, set(ids)), key=lambda batch: batch.id)


HARVESTS_BEHIND = text("""
WITH RECURSIVE up(start, id) AS (
  SELECT s, s FROM unnest(CAST(:ids AS integer[])) AS s
  UNION SELECT up.start, l.parent_id FROM product_lineage l JOIN up ON l.child_id = up.id)
SELECT DISTINCT up.start, b.harvest_id FROM up JOIN product_batches b ON b.id = up.id
 WHERE b.harvest_id IS NOT NULL""")


def harvests_behind(batch_ids: list[int]) -> dict[int, list[Harvest]]:
    """The harvests each batch came from, for many batches in one query (stands loaded)."""
    pairs = db.session.execute(HARVESTS_BEHIND, {"ids": batch_ids}).all()
    harvests = {
        harvest.id: harvest
        for harvest in db.session.scalars(
            select(Harvest)
            .where(Harvest.id.in_({harvest_id for _, harvest_id in pairs}))
            .options(joinedload(Harvest.stand).joinedload(Stand.commune))
        )
    }
    found: dict[int, list[Harvest]] = {batch_id: [] for batch_id in batch_ids}
    for batch_id, harvest_id in pairs:
        found[batch_id].append(harvests[harvest_id])
    return found


def stands_geojson(stands: list[Stand]) -> dict:
    """The stands of a trace as GeoJSON for its map, each with the label people know it by."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": stand.id,
                "geometry": mapping(to_shape(stand.geom)),
                "properties": {"label": f"{stand_label(stand)} · {float(stand.area_ha):.2f} ha"},
            }
            for stand in stands
        ],
    }
