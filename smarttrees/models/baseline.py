"""The forest at the EUDR cut-off (31 December 2020), as a polygon layer the province loads:
its forest-status map, or the JRC Global Forest Cover 2020 turned into polygons."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from smarttrees.extensions import db
from smarttrees.models.columns import created_at, multipolygon


class ForestBaseline(db.Model):
    __tablename__ = "forest_baseline"

    id: Mapped[int] = mapped_column(primary_key=True)
    # natural (rừng tự nhiên), planted (rừng trồng) or forest (of unknown kind)
    forest_class: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at()
    geom = multipolygon(nullable=False)
