"""Plantation stands: polygons with forest-plot identifiers (tiểu khu / khoảnh / lô)."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Computed, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smarttrees.extensions import db
from smarttrees.models.columns import created_at, enum_column, multipolygon


class ForestFunction(enum.Enum):
    PRODUCTION = "production"  # rừng sản xuất
    PROTECTION = "protection"  # rừng phòng hộ
    SPECIAL_USE = "special_use"  # rừng đặc dụng


class Stand(db.Model):
    __tablename__ = "stands"
    __table_args__ = (
        CheckConstraint("ST_IsValid(geom)", name="valid_geom"),
        CheckConstraint("planting_year BETWEEN 1900 AND 2200", name="planting_year_range"),
        CheckConstraint("density_per_ha > 0 AND density_per_ha <= 20000", name="density_range"),
        UniqueConstraint("commune_id", "tieu_khu", "khoanh", "lo", name="uq_stands_plot"),
        # A stand imported from a file: a re-import of the file updates it.
        UniqueConstraint("source", "external_id", name="uq_stands_source_external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(120))
    species_id: Mapped[int | None] = mapped_column(ForeignKey("species.id"))
    planting_year: Mapped[int | None]
    density_per_ha: Mapped[int | None]
    tieu_khu: Mapped[str | None] = mapped_column(String(20))  # compartment
    khoanh: Mapped[str | None] = mapped_column(String(20))  # sub-compartment
    lo: Mapped[str | None] = mapped_column(String(20))  # plot
    owner: Mapped[str | None] = mapped_column(String(160))
    forest_function: Mapped[ForestFunction | None] = enum_column(ForestFunction, "forest_function")
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)
    seedling_lot_id: Mapped[int | None] = mapped_column(ForeignKey("seedling_lots.id"))
    source: Mapped[str | None] = mapped_column(String(80))
    external_id: Mapped[str | None] = mapped_column(String(120))
    declared_area_ha: Mapped[float | None] = mapped_column(Numeric(12, 4))  # as the file said
    # What the land was before this stand (EUDR evidence): bare land, plantation, natural forest…
    earlier_land_use: Mapped[str | None] = mapped_column(String(120))
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    created_at: Mapped[datetime] = created_at()
    geom = multipolygon(nullable=False)
    # Area on the spheroid, so it is right at any latitude.
    area_ha: Mapped[float] = mapped_column(
        Numeric(12, 4), Computed("ST_Area(geom::geography) / 10000.0", persisted=True)
    )

    species = relationship("Species")
    commune = relationship("AdminUnit")
