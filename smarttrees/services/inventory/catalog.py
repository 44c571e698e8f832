"""Read-only reference lists: species and administrative units."""

from sqlalchemy import func, or_, select

from smarttrees.errors import NotFound
from smarttrees.extensions import db
from smarttrees.models import AdminLevel, AdminUnit, Species, Tree
from smarttrees.schemas import INVALID_PARAMETERS, Schema, Text
from smarttrees.vietnamese import fold

NAME_SEARCH = Schema(
    "Name search",
    (Text("q", max_length=200, about="Part of a name; diacritics are ignored (Đ is D)."),),
    message=INVALID_PARAMETERS,
)


def list_species(q: str | None = None) -> list[Species]:
    """Species sorted by Vietnamese name, optionally matching a diacritics-free search."""
    stmt = select(Species).order_by(Species.vi_name_folded, Species.scientific_name)
    if q and q.strip():
        pattern = f"%{fold(q)}%"
        stmt = stmt.where(
            or_(
                Species.vi_name_folded.like(pattern),
                func.lower(Species.scientific_name).like(pattern),
                func.lower(Species.en_name).like(pattern),
            )
        )
    return list(db.session.scalars(stmt))


def list_communes(q: str | None = None) -> list[AdminUnit]:
    """Communes and wards sorted by name, optionally matching a diacritics-free search."""
    stmt = (
        select(AdminUnit)
        .where(AdminUnit.level != AdminLevel.PROVINCE)
        .order_by(AdminUnit.name_folded)
    )
    if q and q.strip():
        stmt = stmt.where(AdminUnit.name_folded.like(f"%{fold(q)}%"))
    return list(db.session.scalars(stmt))


def get_commune(code: str) -> AdminUnit:
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))
    if unit is None or unit.level == AdminLevel.PROVINCE:
        raise NotFound("No commune has this code.", details={"code": code})
    return unit


def commune_tree_counts() -> dict[int, int]:
    """Trees per commune id."""
    rows = db.session.execute(select(Tree.commune_id, func.count()).group_by(Tree.commune_id))
    return {commune_id: count for commune_id, count in rows}


def province_bounds() -> tuple[float, float, float, float]:
    """(west, south, east, north) of all communes and wards."""
    extent = db.session.execute(
        select(
            func.ST_XMin(func.ST_Extent(AdminUnit.geom)),
            func.ST_YMin(func.ST_Extent(AdminUnit.geom)),
            func.ST_XMax(func.ST_Extent(AdminUnit.geom)),
            func.ST_YMax(func.ST_Extent(AdminUnit.geom)),
        ).where(AdminUnit.level != AdminLevel.PROVINCE)
    ).one()
    return tuple(float(v) for v in extent)
