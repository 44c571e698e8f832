"""Stands as custody names them: by plot ids and commune, and the ones a lot may be planted in."""

from sqlalchemy import select

from smarttrees.extensions import db
from smarttrees.models import SeedlingLot, Stand

MAX_CHOICES = 500


def stand_label(stand: Stand) -> str:
    """How a stand is known on the ground: its name, plot ids and commune."""
    plot = ", ".join(
        f"{name} {value}"
        for name, value in (
            ("tiểu khu", stand.tieu_khu),
            ("khoảnh", stand.khoanh),
            ("lô", stand.lo),
        )
        if value
    )
    commune = stand.commune.name if stand.commune else ""
    return ", ".join(part for part in (stand.name or f"#{stand.id}", plot, commune) if part)


def stand_choices(lot: SeedlingLot) -> list[tuple[int, str]]:
    """Stands to plant a lot in: of its species first, then the others, newest first."""
    same = Stand.species_id == lot.species_id
    stands = db.session.scalars(
        select(Stand).order_by(same.desc().nulls_last(), Stand.id.desc()).limit(MAX_CHOICES)
    )
    return [(stand.id, stand_label(stand)) for stand in stands]


def recent_stand_choices() -> list[tuple[int, str]]:
    """Stands to record a harvest of, newest first."""
    stands = db.session.scalars(select(Stand).order_by(Stand.id.desc()).limit(MAX_CHOICES))
    return [(stand.id, stand_label(stand)) for stand in stands]
