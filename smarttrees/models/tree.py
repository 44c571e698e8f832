"""Trees and their append-only inspection history."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smarttrees.extensions import db
from smarttrees.measures import MEASURES
from smarttrees.models.columns import created_at, enum_column, point, updated_at


class TreeCategory(enum.Enum):
    URBAN = "urban"
    SCATTERED = "scattered"
    PLANTATION = "plantation"


class Condition(enum.Enum):
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"
    DEAD = "dead"
    REMOVED = "removed"


MEASURE_CHECKS = tuple((f"{name}_range", m.check_sql()) for name, m in MEASURES.items())


def _measure_checks() -> tuple[CheckConstraint, ...]:
    return tuple(CheckConstraint(sql, name=name) for name, sql in MEASURE_CHECKS)


class Tree(db.Model):
    __tablename__ = "trees"
    __table_args__ = (
        *_measure_checks(),
        UniqueConstraint("source", "external_id", name="uq_trees_source_external_id"),
        CheckConstraint("planted_on >= DATE '1800-01-01'", name="planted_on_range"),
        Index("ix_trees_species_id_id", "species_id", "id"),
        Index("ix_trees_commune_id_id", "commune_id", "id"),
        Index("ix_trees_category_id", "category", "id"),
        Index("ix_trees_condition_id", "condition", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # ASCII in the "C" collation, so a prefix LIKE can use the unique index.
    code: Mapped[str] = mapped_column(String(12, collation="C"), unique=True)
    category: Mapped[TreeCategory] = enum_column(TreeCategory, "tree_category")
    species_id: Mapped[int | None] = mapped_column(ForeignKey("species.id"))
    # The name as surveyed, kept for a tree imported as unidentified (species not in the list).
    species_raw: Mapped[str | None] = mapped_column(String(160))
    # Values of the survey file that could not be read, or were size classes, as it wrote them.
    surveyed: Mapped[dict | None] = mapped_column(JSONB)
    dbh_cm: Mapped[float | None] = mapped_column(Numeric(5, 1))
    height_m: Mapped[float | None] = mapped_column(Numeric(4, 1))
    crown_m: Mapped[float | None] = mapped_column(Numeric(4, 1))
    condition: Mapped[Condition | None] = enum_column(Condition, "tree_condition")
    planted_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))
    stand_id: Mapped[int | None] = mapped_column(ForeignKey("stands.id"), index=True)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"), index=True)
    # The seedling lot it was planted from, when recorded (planting as tree points).
    seedling_lot_id: Mapped[int | None] = mapped_column(ForeignKey("seedling_lots.id"), index=True)
    source: Mapped[str | None] = mapped_column(String(80))
    external_id: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # When the latest inspection saw the tree (kept by the database, schema/inspections.sql).
    last_inspected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    geom = point(nullable=False)

    species = relationship("Species", lazy="joined")
    commune = relationship("AdminUnit", lazy="joined")
    stand = relationship("Stand")
    seedling_lot = relationship("SeedlingLot")
    inspections = relationship(
        "Inspection", back_populates="tree", order_by="Inspection.inspected_at.desc()"
    )


class Inspection(db.Model):
    """One visit to a tree. Rows are never updated or deleted (a database trigger refuses)."""

    __tablename__ = "inspections"
    __table_args__ = (
        *_measure_checks(),
        CheckConstraint("accuracy_m >= 0", name="accuracy_positive"),
        Index("ix_inspections_tree_id_inspected_at", "tree_id", "inspected_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tree_id: Mapped[int] = mapped_column(ForeignKey("trees.id"))
    inspected_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dbh_cm: Mapped[float | None] = mapped_column(Numeric(5, 1))
    height_m: Mapped[float | None] = mapped_column(Numeric(4, 1))
    crown_m: Mapped[float | None] = mapped_column(Numeric(4, 1))
    condition: Mapped[Condition | None] = enum_column(Condition, "tree_condition")
    notes: Mapped[str | None] = mapped_column(Text)
    photo_path: Mapped[str | None] = mapped_column(String(255))
    accuracy_m: Mapped[float | None] = mapped_column(Numeric(7, 1))
    moved: Mapped[bool] = mapped_column(Boolean, server_default="false")
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # offline sync key
    created_at: Mapped[datetime] = created_at()
    geom = point(nullable=True)

    tree = relationship("Tree", back_populates="inspections")
    inspector = relationship("User")
