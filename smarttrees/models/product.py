"""Forest product batches (logs, timber) with split/merge lineage back to their stand."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Numeric, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smarttrees.extensions import db
from smarttrees.models.columns import created_at, enum_column

product_lineage = Table(
    "product_lineage",
    db.metadata,
    Column("parent_id", ForeignKey("product_batches.id"), primary_key=True),
    Column("child_id", ForeignKey("product_batches.id"), primary_key=True),
    CheckConstraint("parent_id <> child_id", name="not_self"),
)


class ProductKind(enum.Enum):
    LOG = "log"
    TIMBER = "timber"
    FIREWOOD = "firewood"
    CHIPS = "chips"


class ProductBatch(db.Model):
    __tablename__ = "product_batches"
    __table_args__ = (CheckConstraint("volume_m3 > 0", name="volume_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # ASCII in the "C" collation, so a prefix LIKE can use the unique index.
    code: Mapped[str] = mapped_column(String(12, collation="C"), unique=True)
    kind: Mapped[ProductKind] = enum_column(ProductKind, "product_kind")
    stand_id: Mapped[int | None] = mapped_column(ForeignKey("stands.id"), index=True)
    volume_m3: Mapped[float] = mapped_column(Numeric(10, 3))
    pieces: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = created_at()

    parents = relationship(
        "ProductBatch",
        secondary=product_lineage,
        primaryjoin=id == product_lineage.c.child_id,
        secondaryjoin=id == product_lineage.c.parent_id,
        backref="children",
    )
