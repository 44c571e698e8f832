"""The change feed: one row per record created, updated or deleted, written by the database
(schema/changes.sql) whatever the door, so another system can follow SmartTrees without reading
everything again. Its id is the feed's cursor."""

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from smarttrees.extensions import db


class Change(db.Model):
    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))  # trees, inspections, stands, lots, batches
    entity_id: Mapped[str] = mapped_column(String(40))  # the code people read, else the id
    action: Mapped[str] = mapped_column(String(10))  # created | updated | deleted
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
