"""Figures behind the map: a commune's or a stand's trees, and the search box."""

from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from smarttrees.errors import NotFound
from smarttrees.extensions import db
from smarttrees.labels import codes
from smarttrees.models import (
    AdminLevel,
    AdminUnit,
    CommuneTally,
    Condition,
    Species,
    Stand,
    Tree,
)
from smarttrees.schemas import INVALID_PARAMETERS, Location, Schema, Text, Whole
from smarttrees.services import reports
from smarttrees.services.inventory.catalog import get_commune
from smarttrees.vietnamese import fold

SPECIES_MIX_SIZE = 8


def _figure(value: float) -> float:
    """Two decimals, or two significant digits below 0.1: 11 trees on 14,428 ha are 0.00076
    a hectare, not 0."""
    if value == 0 or abs(value) >= 0.1:
        return round(value, 2)
    return float(f"{value:.2g}")


def _species_mix(condition) -> list[dict]:
    rows = db.session.execute(
        select(Species.vi_name, Species.scientific_name, func.count().label("trees"))
        .select_from(Tree)
        .outerjoin(Species, Species.id == Tree.species_id)
        .where(condition)
        .group_by(Species.vi_name, Species.scientific_name)
        .order_by(func.count().desc())
        .limit(SPECIES_MIX_SIZE)
    )
    return [
        {"vi_name": r.vi_name, "scientific_name": r.scientific_name, "trees": r.trees} for r in rows
    ]


def commune_summary(code: str) -> dict:
    """Trees, area, density, categories, conditions and the main species of a commune."""
    unit = get_commune(code)
    tallies = db.session.execute(
        select(CommuneTally.category, CommuneTally.condition, CommuneTally.trees).where(
            CommuneTally.commune_id == unit.id
        )
    ).all()
    by_category, by_condition = {}, {}
    for category, condition, trees in tallies:
        by_category[category.value] = by_category.get(category.value, 0) + trees
        key = condition.value if condition else "unknown"
        by_condition[key] = by_condition.get(key, 0) + trees
    total = sum(by_category.values())
    area = float(unit.area_ha or 0)
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level.value,
        "area_ha": area,
        "trees": total,
        "trees_per_ha": _figure(total / area) if area else None,
        "by_category": by_category,
        "by_condition": by_condition,
        "poor_share": round(
            100 * (by_condition.get("poor", 0) + by_condition.get("dead", 0)) / total, 1
        )
        if total
        else None,
        "species": _species_mix(Tree.commune_id == unit.id),
        "bbox": list(to_shape(unit.geom).bounds),
    }


def stand_summary(stand_id: int, *, with_owner: bool = False) -> dict:
    """A stand's plot identifiers, area, planting and its trees; its owner (often a household,
    a person's name) only `with_owner`: for signed-in staff, never on the public map."""
    stand = db.session.get(Stand, stand_id)
    if stand is None:
        raise NotFound("No stand has this id.", details={"id": stand_id})
    trees = db.session.scalar(select(func.count()).where(Tree.stand_id == stand.id))
    area = float(stand.area_ha)
    return {
        "id": stand.id,
        # A stand from the forest-status map often has no name: its plot ids are its name.
        "name": stand.name or "/".join(filter(None, (stand.tieu_khu, stand.khoanh, stand.lo))),
        "species": stand.species.vi_name if stand.species else None,
        "scientific_name": stand.species.scientific_name if stand.species else None,
        "planting_year": stand.planting_year,
        "area_ha": round(area, 2),
        "density_per_ha": stand.density_per_ha,
        "trees": trees,
        "trees_per_ha": _figure(trees / area) if area else None,
        "plot": {"tieu_khu": stand.tieu_khu, "khoanh": stand.khoanh, "lo": stand.lo},
        "owner": stand.owner if with_owner else None,
        "commune": stand.commune.name if stand.commune else None,
        "bbox": list(to_shape(stand.geom).bounds),
        "survival": reports.survival("stand", stand.id),
        "co2e_t": reports.carbon_of_stand(stand.id)["co2e_t"],
    }


SEARCH = Schema(
    "Map search",
    (Text("q", max_length=200, about="A tree's code, or part of a commune's name."),),
    message=INVALID_PARAMETERS,
)


def search(q: str, *, limit: int = 8) -> list[dict]:
    """Places to fly to: trees by code, communes by name (diacritics ignored)."""
    q = (q or "").strip()
    if not q:
        return []
    results = []
    code = codes.normalize(q)
    if code.isalnum():
        trees = db.session.scalars(
            select(Tree).where(Tree.code.like(code + "%")).order_by(Tree.code).limit(limit)
        )
        for tree in trees:
            point = to_shape(tree.geom)
            results.append(
                {"kind": "tree", "label": tree.code, "code": tree.code, "point": [point.x, point.y]}
            )
    units = db.session.scalars(
        select(AdminUnit)
        .where(AdminUnit.level != AdminLevel.PROVINCE, AdminUnit.name_folded.like(f"%{fold(q)}%"))
        .order_by(AdminUnit.name_folded)
        .limit(limit)
    )
    for unit in units:
        results.append(
            {
                "kind": "commune",
                "label": unit.name,
                "code": unit.code,
                "bbox": list(to_shape(unit.geom).bounds),
            }
        )
    return results[:limit]


NEAREST_LIMIT = 50
POINT = Schema(
    "A point",
    (Location(required=True),),
    message=INVALID_PARAMETERS,
)
NEAREST = Schema(
    "Near a point",
    (
        *POINT.fields,
        Whole("limit", low=1, about=f"How many: 10 unless given, at most {NEAREST_LIMIT}."),
    ),
    message=INVALID_PARAMETERS,
)


def place_at(lon: float, lat: float) -> dict:
    """The stand and the commune a map click falls in (either may be none)."""
    point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    stand = db.session.scalar(
        select(Stand.id).where(func.ST_Intersects(Stand.geom, point)).order_by(Stand.id).limit(1)
    )
    commune = db.session.scalar(
        select(AdminUnit.code).where(AdminUnit.id == func.commune_at(point))
    )
    return {
        "stand": {"id": stand} if stand else None,
        "commune": {"code": commune} if commune else None,
    }


CANDIDATES_PER_TREE = 4


def nearest_trees(lon: float, lat: float, limit: int = 10) -> list[dict]:
    """The trees nearest a point (a phone's position), nearest first, with their distance in
    metres on the ground; removed trees are not among them.

    The index finds the nearest in degrees, which are not the same length east and north (a
    degree of longitude is 7 % shorter here): it is asked for more candidates than wanted,
    and these are ranked by their distance on the ground."""
    point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    wanted = min(max(limit, 1), NEAREST_LIMIT)
    candidates = (
        select(Tree.id)
        .where(Tree.condition.is_distinct_from(Condition.REMOVED))
        .order_by(Tree.geom.op("<->")(point))
        .limit(wanted * CANDIDATES_PER_TREE)
        .subquery()
    )
    metres = func.ST_Distance(func.geography(Tree.geom), func.geography(point))
    rows = db.session.execute(
        select(
            Tree.code,
            Tree.category,
            Tree.condition,
            Species.vi_name,
            func.ST_X(Tree.geom).label("lon"),
            func.ST_Y(Tree.geom).label("lat"),
            metres.label("metres"),
        )
        .join(candidates, candidates.c.id == Tree.id)
        .outerjoin(Species, Species.id == Tree.species_id)
        .order_by(metres, Tree.id)
        .limit(wanted)
    )
    return [
        {
            "code": r.code,
            "species": r.vi_name,
            "category": r.category.value,
            "condition": r.condition.value if r.condition else None,
            "lon": r.lon,
            "lat": r.lat,
            "metres": round(r.metres, 1),
        }
        for r in rows
    ]
