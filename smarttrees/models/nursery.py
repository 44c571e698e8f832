"""Nurseries, seedling lots and the append-only ledger of lot events."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smarttrees.extensions import db
from smarttrees.models.columns import created_at, enum_column, point


class LotEventKind(enum.Enum):
    SOWN = "sown"
    GERMINATED = "germinated"
    GRADED = "graded"
    DISPATCHED = "dispatched"
    RECEIVED = "received"
    PLANTED = "planted"
    LOST = "lost"
    # Seedlings moved between lots of the same stock: a split or a merge.
    MOVED_OUT = "moved_out"
    MOVED_IN = "moved_in"


class Propagation(enum.Enum):
    SEED = "seed"
    CUTTING = "cutting"
    TISSUE_CULTURE = "tissue_culture"


# How each event changes the seedlings a lot holds. Germination and grading record counts
# without moving stock; losses found while grading are a separate LOST event.
STOCK_SIGN = {
    LotEventKind.SOWN: 1,
    LotEventKind.RECEIVED: 1,
    LotEventKind.GERMINATED: 0,
    LotEventKind.GRADED: 0,
    LotEventKind.DISPATCHED: -1,
    LotEventKind.PLANTED: -1,
    LotEventKind.LOST: -1,
    LotEventKind.MOVED_OUT: -1,
    LotEventKind.MOVED_IN: 1,
}
# Events that bring seedlings into a lot: no other event may be dated before the first of them.
STOCK_IN = frozenset(kind for kind, sign in STOCK_SIGN.items() if sign > 0)


_STOCK_SIGN_SQL = "stock_change = CASE kind::text {} END".format(
    " ".join(f"WHEN '{kind.value}' THEN {sign}" for kind, sign in STOCK_SIGN.items())
)


class Nursery(db.Model):
    __tablename__ = "nurseries"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    operator: Mapped[str | None] = mapped_column(String(160))
    address: Mapped[str | None] = mapped_column(String(300))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))
    created_at: Mapped[datetime] = created_at()
    geom = point(nullable=True)

    commune = relationship("AdminUnit")


class SeedlingLot(db.Model):
    __tablename__ = "seedling_lots"
    __table_args__ = (CheckConstraint("quantity_on_hand >= 0", name="stock_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # ASCII in the "C" collation, so a prefix LIKE can use the unique index.
    code: Mapped[str] = mapped_column(String(12, collation="C"), unique=True)
    species_id: Mapped[int] = mapped_column(ForeignKey("species.id"))
    nursery_id: Mapped[int] = mapped_column(ForeignKey("nurseries.id"), index=True)
    seed_source: Mapped[str | None] = mapped_column(String(200))
    # The recognised seed source's code (mã số nguồn giống), as the certificate of origin gives it.
    seed_source_code: Mapped[str | None] = mapped_column(String(40))
    propagation: Mapped[Propagation | None] = enum_column(Propagation, "propagation")
    grade: Mapped[str | None] = mapped_column(String(20))
    certificate_number: Mapped[str | None] = mapped_column(String(40))
    certificate_date: Mapped[date | None] = mapped_column(Date)
    sown_on: Mapped[date | None] = mapped_column(Date)
    # A lot made from another: by a split, or by a dispatch (then held by its recipient).
    parent_lot_id: Mapped[int | None] = mapped_column(ForeignKey("seedling_lots.id"), index=True)
    holder: Mapped[str | None] = mapped_column(String(160))  # None: at its nursery
    # Maintained by a trigger on lot_events; the CHECK refuses any event that overdraws it.
    quantity_on_hand: Mapped[int] = mapped_column(Integer, server_default="0")
    created_at: Mapped[datetime] = created_at()

    species = relationship("Species")
    nursery = relationship("Nursery")
    parent = relationship("SeedlingLot", remote_side=[id])
    events = relationship(
        "LotEvent", back_populates="lot", order_by="LotEvent.id", foreign_keys="LotEvent.lot_id"
    )


class LotEvent(db.Model):
    """One entry in a lot's ledger. Never updated or deleted (a database trigger refuses)."""

    __tablename__ = "lot_events"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(_STOCK_SIGN_SQL, name="stock_change_matches_kind"),
        CheckConstraint("losses >= 0", name="losses_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("seedling_lots.id"), index=True)
    kind: Mapped[LotEventKind] = enum_column(LotEventKind, "lot_event_kind")
    quantity: Mapped[int]
    stock_change: Mapped[int]  # -1, 0 or +1: the sign applied to quantity_on_hand
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    stand_id: Mapped[int | None] = mapped_column(ForeignKey("stands.id"), index=True)
    counterpart_lot_id: Mapped[int | None] = mapped_column(ForeignKey("seedling_lots.id"))
    counterparty: Mapped[str | None] = mapped_column(String(160))  # dispatched to, received from
    document: Mapped[str | None] = mapped_column(String(80))  # transport or delivery document
    reason: Mapped[str | None] = mapped_column(String(200))  # why seedlings were lost or culled
    losses: Mapped[int | None]  # seedlings found dead or missing on receipt
    # The phone's id of an event recorded offline: a replay of its outbox records it once.
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()

    lot = relationship("SeedlingLot", back_populates="events", foreign_keys=[lot_id])
    counterpart = relationship("SeedlingLot", foreign_keys=[counterpart_lot_id])
