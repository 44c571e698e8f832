"""Demo custody: nurseries and seedling lots with a full ledger (sown, germinated, culled,
graded, dispatched to a grower who receives and plants them), and a harvested stand whose logs
are split, partly chipped and transported on a numbered bảng kê lâm sản."""

from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy import select

from smarttrees.extensions import db
from smarttrees.models import AdminLevel, AdminUnit, LotEventKind, Stand
from smarttrees.services import custody
from smarttrees.services.custody import batches, harvests, shipments

NURSERIES = (
    ("Vườn ươm Phú Lương (demo)", "Trung tâm Giống cây lâm nghiệp"),
    ("Vườn ươm Đại Từ (demo)", "Hợp tác xã Lâm nghiệp Đại Từ"),
    ("Vườn ươm Chợ Đồn (demo)", "Ban quản lý rừng phòng hộ"),
)
SEED_SOURCES = (
    ("Rừng giống Keo lai BV10, Ba Vì", "RG.01.01"),
    ("Vườn giống Bạch đàn U6, Phú Thọ", "VG.25.03"),
    ("Cây trội Lim xanh, Phú Lương", "CT.19.12"),
    ("Nhập khẩu Acacia mangium, Queensland", "NK.AU.07"),
)
GROWERS = (
    "Hộ ông Nguyễn Văn Đức (demo)",
    "Hộ bà Hoàng Thị Lan (demo)",
    "HTX Lâm nghiệp Yên Lạc (demo)",
)
BUYER = ("Công ty TNHH Chế biến gỗ Thái Nguyên (demo)", "Khu công nghiệp Điềm Thụy, Thái Nguyên")


def load(*, species: dict[str, list[int]], rng: np.random.Generator) -> None:
    """Three nurseries with three or four lots each, and one harvest carried to a buyer."""
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
    if stands:
        _demo_harvest(db.session.get(Stand, stands[0]))


def _demo_lot(nursery_id: int, species, stands, rng) -> None:
    sown = date(2024, 1, 10) + timedelta(days=int(rng.integers(0, 400)))
    source, source_code = SEED_SOURCES[int(rng.integers(0, len(SEED_SOURCES)))]
    lot = custody.create_lot(
        species_id=int(rng.choice(species["plantation"][:6])),
        nursery_id=nursery_id,
        seed_source=source,
        seed_source_code=source_code,
        sown_on=sown,
        certificate_number=f"{int(rng.integers(10, 999))}/GCN-CCLN",
        certificate_date=sown - timedelta(days=20),
    )
    start = datetime(sown.year, sown.month, sown.day, 8, tzinfo=UTC)
    sown_count = int(rng.integers(5, 40)) * 1000
    germinated = int(sown_count * rng.uniform(0.75, 0.95))
    sent = int(germinated * rng.uniform(0.3, 0.7))
    for kind, quantity, day, details in (
        (LotEventKind.SOWN, sown_count, 0, {}),
        (LotEventKind.GERMINATED, germinated, 20, {}),
        (LotEventKind.LOST, sown_count - germinated, 21, {"reason": "Không nảy mầm"}),
        (LotEventKind.GRADED, germinated, 90, {"notes": "Đạt tiêu chuẩn xuất vườn"}),
    ):
        custody.record_event(
            lot, kind, quantity, occurred_at=start + timedelta(days=day), **details
        )
    grower = GROWERS[int(rng.integers(0, len(GROWERS)))]
    event = custody.dispatch(
        lot, sent, actor=None, counterparty=grower, document=f"PXK-{lot.id:04d}",
        occurred_at=start + timedelta(days=140),
    )  # fmt: skip
    _receive_and_plant(event.counterpart_lot_id, sent, stands, start + timedelta(days=141), rng)


def _receive_and_plant(lot_id: int, sent: int, stands, when: datetime, rng) -> None:
    lot = custody.get_lot(custody.lot_code(lot_id))
    losses = int(sent * rng.uniform(0.0, 0.03))
    custody.record_event(lot, LotEventKind.RECEIVED, sent - losses, losses=losses, occurred_at=when)
    if stands:
        stand_id = stands[int(rng.integers(0, min(len(stands), 4)))]
        custody.record_event(
            lot, LotEventKind.PLANTED, sent - losses, stand_id=stand_id,
            occurred_at=when + timedelta(days=3),
        )  # fmt: skip


def _demo_harvest(stand: Stand) -> None:
    """Logs of one stand: split, part chipped, and carried to the buyer on one list."""
    harvest = harvests.create_harvest(
        {"stand_id": stand.id, "harvested_on": "15/10/2026", "area_ha": str(stand.area_ha),
         "planned_volume_m3": "90", "document": "Biên bản khai thác 12/BB-KT (demo)"},
        actor=None,
    )  # fmt: skip
    first = harvests.add_batch(
        harvest, {"kind": "log", "volume_m3": "45", "pieces": 310}, actor=None
    )
    second = harvests.add_batch(harvest, {"kind": "log", "volume_m3": "30"}, actor=None)
    part, _rest = batches.split(first, ["20", "25"], actor=None)
    chips = batches.process(
        second, {"kind": "chips", "volume_m3": "10", "yield_ratio": "0,9"}, actor=None
    )
    shipments.create_shipment(
        {"shipped_on": "20/10/2026", "owner_name": harvest.owner or stand.owner or "—",
         "buyer_name": BUYER[0], "buyer_address": BUYER[1], "vehicle": "20C-123.45",
         "origin_place": "Phú Lương", "destination": BUYER[1]},
        [part.code, chips.code], actor=None,
    )  # fmt: skip
