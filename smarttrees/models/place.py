"""Administrative units: the province and its communes and wards (two levels since 2025)."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from smarttrees.extensions import db
from smarttrees.models.columns import enum_column, multipolygon


class AdminLevel(enum.Enum):
    PROVINCE = "province"
    COMMUNE = "commune"  # xã
    WARD = "ward"  # phường: urban


class AdminUnit(db.Model):
    __tablename__ = "admin_units"
    __table_args__ = (
        CheckConstraint("ST_IsValid(geom)", name="valid_geom"),
        CheckConstraint("name IS NFC NORMALIZED", name="name_nfc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)  # national statistics code
    name: Mapped[str] = mapped_column(String(120))
    name_folded: Mapped[str] = mapped_column(String(120), index=True)
    level: Mapped[AdminLevel] = enum_column(AdminLevel, "admin_level")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))
    area_ha: Mapped[float | None] = mapped_column(Numeric(12, 2))
    population: Mapped[int | None]
    geom = multipolygon(nullable=False)
    # When an admin last corrected the name: reloading the reference data keeps that name.
    name_corrected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
