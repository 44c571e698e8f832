"""Stands as custody names them: by plot ids and commune, and the ones a lot may be planted in."""

from geoalchemy2.shape import to_shape
from sqlalchemy import select

from smarttrees.extensions import db
from smarttrees.models import SeedlingLot, Stand

MAX_CHOICES = 500


def plot_ids(stand: Stand) -> str:
    """Its forest-plot ids: tiểu khu, khoảnh, lô."""
    ids = (("tiểu khu", stand.tieu_khu), ("khoảnh", stand.khoanh), ("lô", stand.lo))
    return ", ".join(f"{name} {value}" for name, value in ids if value)


def lon_lat(stand: Stand) -> str:
    """A point inside the stand as a form writes it: longitude; latitude, decimal commas."""
    point = to_shape(stand.geom).representative_point()
    return f"{point.x:.6f}; {point.y:.6f}".replace(".", ",")


def stand_label(stand: Stand) -> str:
    """How a stand is known on the ground: its name, plot ids and commune."""
    commune = stand.commune.name if stand.commune else ""
    parts = (stand.name or f"#{stand.id}", plot_ids(stand), commune)
    return ", ".join(part for part in parts if part)


def scope_names(stand_ids: tuple[int, ...], lot_ids: tuple[int, ...]) -> dict[str, list[str]]:
    """The stands and seedling lots a tree list is narrowed to, as people know them."""
    stands = db.session.scalars(select(Stand).where(Stand.id.in_(stand_ids)).order_by(Stand.id))
    lots = db.session.scalars(select(SeedlingLot.code).where(SeedlingLot.id.in_(lot_ids)))
    return {"stands": [stand_label(stand) for stand in stands], "lots": sorted(lots)}


def stand_choices(lot: SeedlingLot) -> list[tuple[int, str]]:
    """Stands to plant a lot in: of its species first, then the others, newest first."""
    same = Stand.species_id == lot.species_id
    stands = db.session.scalars(
        select(Stand).order_by(same.desc().nulls_last(), Stand.id.desc()).limit(MAX_CHOICES)
    )
    return [(stand.id, _with_area(stand)) for stand in stands]


def _with_area(stand: Stand) -> str:
    area = f"{float(stand.area_ha):.2f}".replace(".", ",")
    return f"{stand_label(stand)} · {area} ha"


def recent_stand_choices() -> list[tuple[int, str]]:
    """Stands to record a harvest of, newest first."""
    stands = db.session.scalars(select(Stand).order_by(Stand.id.desc()).limit(MAX_CHOICES))
    return [(stand.id, _with_area(stand)) for stand in stands]
