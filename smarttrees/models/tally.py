"""Running tallies of trees kept by database triggers, for maps that stay fast at any zoom.

TreeCell counts trees per map cell (1/8 of a web-mercator tile, so 32 px) at every zoom
from MIN_ZOOM to MAX_ZOOM (finer tiles are clustered live), per category, condition and
species, with coordinate sums so a cluster sits at the centre of its trees. CommuneTally
counts trees per commune. TileVersion changes whenever trees in a zoom-10 tile change: tiles
use it as their cache validator.
"""

from datetime import date

from sqlalchemy import (
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from smarttrees.extensions import db
from smarttrees.models.columns import enum_column
from smarttrees.models.tree import Condition, TreeCategory

MIN_ZOOM = 6
MAX_ZOOM = 14  # finer zooms are clustered live from the trees (migration 0008)
CELLS_PER_TILE = 8
VERSION_ZOOM = 12


class TreeCell(db.Model):
    __tablename__ = "tree_cells"
    __table_args__ = (
        Index(
            "ux_tree_cells_key",
            "zoom",
            "cx",
            "cy",
            "category",
            "condition",
            "species_id",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
        # Cells emptied by a delete or a move, found at once and dropped (migration 0008).
        Index("ix_tree_cells_empty", "id", postgresql_where=text("trees = 0")),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    zoom: Mapped[int] = mapped_column(SmallInteger)
    cx: Mapped[int] = mapped_column(Integer)
    cy: Mapped[int] = mapped_column(Integer)
    category: Mapped[TreeCategory] = enum_column(TreeCategory, "tree_category")
    condition: Mapped[Condition | None] = enum_column(Condition, "tree_condition")
    species_id: Mapped[int | None] = mapped_column(Integer)
    trees: Mapped[int] = mapped_column(Integer)
    sum_x: Mapped[float] = mapped_column(Float)  # web-mercator metres
    sum_y: Mapped[float] = mapped_column(Float)


class CommuneTally(db.Model):
    __tablename__ = "commune_tallies"
    __table_args__ = (
        Index(
            "ux_commune_tallies_key",
            "commune_id",
            "category",
            "condition",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"))
    category: Mapped[TreeCategory] = enum_column(TreeCategory, "tree_category")
    condition: Mapped[Condition | None] = enum_column(Condition, "tree_condition")
    trees: Mapped[int] = mapped_column(Integer)


class TileVersion(db.Model):
    __tablename__ = "tile_versions"

    x: Mapped[int] = mapped_column(Integer, primary_key=True)  # zoom-12 tile column
    y: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class LayerVersion(db.Model):
    """Version of a whole layer that changes rarely (stands, communes)."""

    __tablename__ = "layer_versions"

    layer: Mapped[str] = mapped_column(String(20), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class TreeTally(db.Model):
    """Trees, measured trees and biomass per commune, category, condition, species and month of
    planting: every figure of the reports is summed from these rows, not from a million trees.
    Kept by the same statement-level triggers as the map's tallies (schema/reports.sql)."""

    __tablename__ = "tree_tallies"
    __table_args__ = (
        Index(
            "ux_tree_tallies_key",
            "commune_id",
            "category",
            "condition",
            "species_id",
            "planted_month",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    commune_id: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[TreeCategory] = enum_column(TreeCategory, "tree_category")
    condition: Mapped[Condition | None] = enum_column(Condition, "tree_condition")
    species_id: Mapped[int | None] = mapped_column(Integer)
    planted_month: Mapped[date | None] = mapped_column(Date)
    trees: Mapped[int] = mapped_column(Integer)
    # The biomass of living trees (unknown condition counts as living; dead and removed hold
    # none): how many have an estimate (a DBH), how many of those a modelled height, the sum.
    with_dbh: Mapped[int] = mapped_column(Integer)
    height_estimated: Mapped[int] = mapped_column(Integer)
    inspected: Mapped[int] = mapped_column(Integer)  # trees inspected at least once
    agb_kg: Mapped[float] = mapped_column(Float)  # Chave et al. 2014, summed
    agb_var: Mapped[float] = mapped_column(Float)  # the sum of each tree's variance (kg²)
    # Living Dipterocarpaceae with a DBH, their Chave biomass and Huy et al. 2019's beside it
    # (a comparison: Vietnam's own equations for dipterocarp forest, not in the total).
    dipterocarps: Mapped[int] = mapped_column(Integer)
    dipterocarps_agb_kg: Mapped[float] = mapped_column(Float)
    dipterocarps_huy_kg: Mapped[float] = mapped_column(Float)
