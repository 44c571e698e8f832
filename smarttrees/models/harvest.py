"""Harvests of stands, and the transports (bảng kê lâm sản) that carry their batches."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smarttrees.extensions import db
from smarttrees.models.columns import created_at


class Harvest(db.Model):
    __tablename__ = "harvests"
    __table_args__ = (
        CheckConstraint("area_ha > 0", name="area_positive"),
        CheckConstraint("planned_volume_m3 > 0", name="planned_volume_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stand_id: Mapped[int] = mapped_column(ForeignKey("stands.id"), index=True)
    harvested_on: Mapped[date] = mapped_column(Date)
    area_ha: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    owner: Mapped[str | None] = mapped_column(String(160))
    planned_volume_m3: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    document: Mapped[str | None] = mapped_column(String(80))  # the harvest permit or record
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at()

    stand = relationship("Stand")
    batches = relationship("ProductBatch", back_populates="harvest", order_by="ProductBatch.id")

    @property
    def number(self) -> str:
        return f"KT-{self.harvested_on.year}-{self.id:05d}"


class Shipment(db.Model):
    """One sale, transfer or transport of a set of batches on one vehicle: a form-01 list."""

    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    shipped_on: Mapped[date] = mapped_column(Date)
    owner_name: Mapped[str] = mapped_column(String(160))
    owner_address: Mapped[str | None] = mapped_column(String(300))
    buyer_name: Mapped[str] = mapped_column(String(160))
    buyer_address: Mapped[str | None] = mapped_column(String(300))
    vehicle: Mapped[str | None] = mapped_column(String(40))
    origin_place: Mapped[str | None] = mapped_column(String(200))
    destination: Mapped[str | None] = mapped_column(String(200))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at()

    items = relationship("ShipmentItem", order_by="ShipmentItem.batch_id")
    actor = relationship("User")


class ShipmentItem(db.Model):
    """A batch on a shipment, with the figures the list states for it."""

    __tablename__ = "shipment_items"

    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), primary_key=True)
    # unique: a batch leaves on one shipment (the list hands it over)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("product_batches.id"), primary_key=True, unique=True
    )
    volume_m3: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    mass_kg: Mapped[Decimal | None] = mapped_column(Numeric(12, 1))
    pieces: Mapped[int | None]

    batch = relationship("ProductBatch", back_populates="shipment_item")
    shipment = relationship("Shipment", back_populates="items", viewonly=True)
