"""Uploaded survey files and the row-level errors found in them."""

import enum
from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smarttrees.extensions import db
from smarttrees.models.columns import created_at, enum_column
from smarttrees.models.stand import ForestFunction
from smarttrees.models.tree import Condition, TreeCategory


class ImportStatus(enum.Enum):
    UPLOADED = "uploaded"
    VALIDATING = "validating"
    REVIEW = "review"
    COMMITTING = "committing"
    DONE = "done"
    FAILED = "failed"
    UNDOING = "undoing"
    UNDONE = "undone"  # its created trees removed, its updated ones given back their values


class ImportBatch(db.Model):
    __tablename__ = "import_batches"
    __table_args__ = (CheckConstraint("kind IN ('trees', 'stands')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), server_default="trees")  # what the file holds
    source: Mapped[str] = mapped_column(String(80))  # with each row's external id: the upsert key
    filename: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str | None] = mapped_column(String(20))
    layer: Mapped[str | None] = mapped_column(String(120))
    header_row: Mapped[int | None] = mapped_column(Integer)  # None: found below any titles
    encoding: Mapped[str | None] = mapped_column(String(40))
    crs: Mapped[str | None] = mapped_column(Text)  # "EPSG:9213", or a file's own WKT
    mapping: Mapped[dict | None] = mapped_column(JSONB)  # tree field → file column
    species_choices: Mapped[dict | None] = mapped_column(JSONB)  # name in file → species id|None
    units: Mapped[dict | None] = mapped_column(JSONB)  # field → unit of the file ("mm", "ft")
    edits: Mapped[dict | None] = mapped_column(JSONB)  # "row" → {column: value} fixed by hand
    status: Mapped[ImportStatus] = enum_column(
        ImportStatus, "import_status", default=ImportStatus.UPLOADED
    )
    rows_total: Mapped[int | None] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer, server_default="0")
    # reading, checking or writing: what a running import does now (for the progress bar)
    step: Mapped[str | None] = mapped_column(String(20))
    summary: Mapped[dict | None] = mapped_column(JSONB)
    stored_path: Mapped[str | None] = mapped_column(String(500))  # the upload, as the app saved it
    category: Mapped[str | None] = mapped_column(String(20))  # of the trees it creates
    failure: Mapped[str | None] = mapped_column(Text)  # why the file could not be imported
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at()
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    errors = relationship("ImportRowError", back_populates="batch", passive_deletes=True)
    created_by = relationship("User")


class ImportRowError(db.Model):
    __tablename__ = "import_row_errors"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), index=True
    )
    row_number: Mapped[int]  # as the user sees it in the file
    code: Mapped[str] = mapped_column(String(40))  # from the importer's error catalogue
    severity: Mapped[str] = mapped_column(String(10))  # error | warning
    columns: Mapped[list[str]] = mapped_column(ARRAY(String(120)), server_default="{}")
    value: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)

    batch = relationship("ImportBatch", back_populates="errors")


class ImportRowValues(db.Model):
    """A row with problems as the file has it, so that it can be fixed in the browser."""

    __tablename__ = "import_row_values"

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True
    )
    row_number: Mapped[int] = mapped_column(primary_key=True)
    values: Mapped[dict] = mapped_column(JSONB)


class SavedMapping(db.Model):
    """A mapping kept by name, for the next file from the same team or form."""

    __tablename__ = "saved_mappings"
    __table_args__ = (CheckConstraint("name IS NFC NORMALIZED", name="name_nfc"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    columns: Mapped[dict] = mapped_column(JSONB)
    species: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    units: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    crs: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at()


class ReplacedTree(db.Model):
    """A tree's values before an import overwrote them: what undoing the import puts back."""

    __tablename__ = "import_replaced_trees"

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True
    )
    tree_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("trees.id", ondelete="CASCADE"), primary_key=True
    )
    # The columns an import writes, as they were (no foreign keys: this is history).
    species_id: Mapped[int | None]
    species_raw: Mapped[str | None] = mapped_column(String(160))
    surveyed: Mapped[dict | None] = mapped_column(JSONB)
    dbh_cm: Mapped[float | None] = mapped_column(Numeric(5, 1))
    height_m: Mapped[float | None] = mapped_column(Numeric(4, 1))
    crown_m: Mapped[float | None] = mapped_column(Numeric(4, 1))
    condition: Mapped[Condition | None] = enum_column(Condition, "tree_condition")
    planted_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    commune_id: Mapped[int | None]
    stand_id: Mapped[int | None]
    import_batch_id: Mapped[int | None]
    category: Mapped[TreeCategory] = enum_column(TreeCategory, "tree_category")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by_id: Mapped[int | None]
    geom = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))


class ReplacedStand(db.Model):
    """A stand's values before an import overwrote them."""

    __tablename__ = "import_replaced_stands"

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True
    )
    stand_id: Mapped[int] = mapped_column(
        ForeignKey("stands.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str | None] = mapped_column(String(120))
    species_id: Mapped[int | None]
    planting_year: Mapped[int | None]
    density_per_ha: Mapped[int | None]
    tieu_khu: Mapped[str | None] = mapped_column(String(20))
    khoanh: Mapped[str | None] = mapped_column(String(20))
    lo: Mapped[str | None] = mapped_column(String(20))
    owner: Mapped[str | None] = mapped_column(String(160))
    forest_function: Mapped[ForestFunction | None] = enum_column(ForestFunction, "forest_function")
    declared_area_ha: Mapped[float | None] = mapped_column(Numeric(12, 4))
    import_batch_id: Mapped[int | None]
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))


class ReplacedTreeStand(db.Model):
    """The stand a tree stood in before a stands import moved it into another or none."""

    __tablename__ = "import_replaced_tree_stands"

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True
    )
    tree_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("trees.id", ondelete="CASCADE"), primary_key=True
    )
    stand_id: Mapped[int | None]
