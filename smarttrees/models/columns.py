"""Column shapes shared by several models."""

import enum
from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import DateTime, Enum, func
from sqlalchemy.orm import Mapped, mapped_column


def created_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


def updated_at() -> Mapped[datetime]:
    return mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


def enum_column(enum_type: type[enum.Enum], name: str, **kwargs) -> Mapped:
    """A PostgreSQL enum stored by value (the lower-case word), not by Python member name."""
    values = Enum(enum_type, name=name, values_callable=lambda members: [m.value for m in members])
    return mapped_column(values, **kwargs)


def point(**kwargs) -> Mapped:
    return mapped_column(Geometry("POINT", srid=4326, spatial_index=True), **kwargs)


def multipolygon(**kwargs) -> Mapped:
    return mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), **kwargs)
