"""Demo nurseries and seedling lots with a plausible ledger each."""

from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy import select

from smarttrees.extensions import db
from smarttrees.models import AdminLevel, AdminUnit, LotEventKind, Stand
from smarttrees.services import custody

NURSERIES = (
    ("Vườn ươm Phú Lương (demo)", "Trung tâm Giống cây lâm nghiệp"),
    ("Vườn ươm Đại Từ (demo)", "Hợp tác xã Lâm nghiệp Đại Từ"),
    ("Vườn ươm Chợ Đồn (demo)", "Ban quản lý rừng phòng hộ"),
)
SEED_SOURCES = (
    "Rừng giống Keo lai BV10, Ba Vì",
    "Vườn giống Bạch đàn U6, Phú Thọ",
    "Cây trội Lim xanh, Phú Lương",
    "Nhập khẩu Acacia mangium, Queensland",
)


def load(*, species: dict[str, list[int]], rng: np.random.Generator) -> None:
    """Three nurseries with three or four lots each, sown, germinated, dispatched, planted."""
    communes = list(
        db.session.scalars(
            select(AdminUnit.id)
            .where(AdminUnit.level == AdminLevel.COMMUNE)
            .order_by(AdminUnit.code)
        )
    )
    stands = list(db.session.scalars(select(Stand.id).order_by(Stand.id)))
    for index, (name, operator) in enumerate(NURSERIES):
        nursery = custody.create_nursery(
            name=name, operator=operator, commune_id=communes[index * 11 % len(communes)]
        )
        for _ in range(3 + index % 2):
            _demo_lot(nursery.id, species, stands, rng)


def _demo_lot(nursery_id: int, species, stands, rng) -> None:
    sown = date(2024, 1, 10) + timedelta(days=int(rng.integers(0, 400)))
    lot = custody.create_lot(
        species_id=int(rng.choice(species["plantation"][:6])),
        nursery_id=nursery_id,
        seed_source=str(rng.choice(SEED_SOURCES)),
        sown_on=sown,
    )
    start = datetime(sown.year, sown.month, sown.day, 8, tzinfo=UTC)
    sown_count = int(rng.integers(5, 40)) * 1000
    germinated = int(sown_count * rng.uniform(0.75, 0.95))
    planted = int(germinated * rng.uniform(0.3, 0.7))
    steps = [
        (LotEventKind.SOWN, sown_count, None, 0),
        (LotEventKind.GERMINATED, germinated, None, 20),
        (LotEventKind.LOST, sown_count - germinated, None, 21),
        (LotEventKind.PLANTED, planted, stands[0] if stands else None, 150),
    ]
    for kind, quantity, stand_id, day in steps:
        if quantity > 0:
            custody.record_event(
                lot, kind, quantity, stand_id=stand_id, occurred_at=start + timedelta(days=day)
            )
