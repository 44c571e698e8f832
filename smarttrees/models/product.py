"""Forest product batches (logs, sawn timber, chips, firewood) with their lineage back to a
harvest: a batch is split, merged or processed into children, and the database keeps the mass
balance (no parent gives more than it holds; no child holds more than its parents gave)."""

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Numeric, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smarttrees.extensions import db
from smarttrees.models.columns import created_at, enum_column

product_lineage = Table(
    "product_lineage",
    db.metadata,
    Column("parent_id", ForeignKey("product_batches.id"), primary_key=True),
    Column("child_id", ForeignKey("product_batches.id"), primary_key=True),
    # The volume taken from the parent, and the share of it the child received (1 for a split
    # or a merge; the declared yield of a processing, e.g. 0.45 for logs sawn into timber).
    Column("volume_m3", Numeric(10, 3), nullable=False),
    Column("yield_ratio", Numeric(5, 4), nullable=False, server_default="1"),
    CheckConstraint("parent_id <> child_id", name="not_self"),
    Index("ix_product_lineage_child_id", "child_id"),
    CheckConstraint("volume_m3 > 0", name="volume_positive"),
    CheckConstraint("yield_ratio > 0 AND yield_ratio <= 1", name="yield_in_range"),
)


class ProductKind(enum.Enum):
    LOG = "log"
    TIMBER = "timber"
    FIREWOOD = "firewood"
    CHIPS = "chips"


class BatchOrigin(enum.Enum):
    HARVESTED = "harvested"
    SPLIT = "split"
    MERGED = "merged"
    PROCESSED = "processed"


class ProductBatch(db.Model):
    __tablename__ = "product_batches"
    __table_args__ = (
        CheckConstraint("volume_m3 > 0", name="volume_positive"),
        CheckConstraint(
            "remaining_m3 >= 0 AND remaining_m3 <= volume_m3", name="remaining_within_volume"
        ),
        CheckConstraint("mass_kg > 0", name="mass_positive"),
        CheckConstraint("pieces > 0", name="pieces_positive"),
        CheckConstraint("mass_factor_kg_m3 > 0", name="mass_factor_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # ASCII in the "C" collation, so a prefix LIKE can use the unique index.
    code: Mapped[str] = mapped_column(String(12, collation="C"), unique=True)
    kind: Mapped[ProductKind] = enum_column(ProductKind, "product_kind")
    origin: Mapped[BatchOrigin] = enum_column(
        BatchOrigin, "batch_origin", server_default="harvested"
    )
    harvest_id: Mapped[int | None] = mapped_column(ForeignKey("harvests.id"), index=True)
    stand_id: Mapped[int | None] = mapped_column(ForeignKey("stands.id"), index=True)
    species_id: Mapped[int | None] = mapped_column(ForeignKey("species.id"))
    volume_m3: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    # What is left once children have taken their share; kept by a trigger on product_lineage.
    remaining_m3: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    mass_kg: Mapped[Decimal | None] = mapped_column(Numeric(12, 1))
    # Set when the mass was estimated from the volume: the factor used, in kg per m³.
    mass_factor_kg_m3: Mapped[Decimal | None] = mapped_column(Numeric(7, 1))
    pieces: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(String(300))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at()

    harvest = relationship("Harvest", back_populates="batches")
    shipment_item = relationship("ShipmentItem", back_populates="batch", uselist=False)
    species = relationship("Species")
    parents = relationship(
        "ProductBatch",
        secondary=product_lineage,
        primaryjoin=id == product_lineage.c.child_id,
        secondaryjoin=id == product_lineage.c.parent_id,
        backref="children",
        viewonly=True,
    )
