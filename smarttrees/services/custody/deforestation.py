"""Deforestation-free evidence per stand, for the EUDR statement (Regulation (EU) 2023/1115,
Art. 2(13)): produced on land that was not forest turned to another use after 31 December 2020,
and, for wood, harvested without degrading forest after that date. A rotation harvest of a
plantation is neither; a plantation on what was natural forest at the cut-off is degradation.

What a stand says of itself: its planting year (before or after the cut-off) and its earlier
land use when recorded. Where the province has loaded a 2020 forest baseline, the share of the
stand that was natural forest then decides."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS, Transformer
from sqlalchemy import delete, func, insert, select

from smarttrees.errors import ValidationFailed
from smarttrees.extensions import db
from smarttrees.importers.csvfile import NotATable
from smarttrees.importers.vector import SHAPE, read_vector
from smarttrees.models import ForestBaseline, Stand
from smarttrees.vietnamese import fold

CUT_OFF_YEAR = 2020
VERDICTS = ("deforestation_free", "flagged", "unknown")
REASONS = {
    "rotation": "A plantation established by 2020: its harvest is a rotation.",
    "on_2020_forest": "Not shown to be planted by 2020, on land that was natural forest in 2020.",
    "replaced_forest": "Not shown to be planted by 2020, where natural forest stood before.",
    "not_2020_forest": "Planted after 2020 on land that was not natural forest in 2020.",
    "outside_layer": "The 2020 forest layer does not cover this stand, and no planting year "
    "before 2021 is recorded.",
    "no_evidence": "No planting year before 2021 and no 2020 forest baseline: record either.",
}
FLAG_SHARE = 0.10  # a tenth of a stand on 2020 natural forest is not a mapping sliver
NATURAL_WORDS = ("tu nhien", "natural", "primary", "naturally regenerating", "rung tn")
PLANTED_WORDS = ("rung trong", "planted", "plantation")


@dataclass(frozen=True)
class Evidence:
    stand_id: int
    planted_before_cut_off: bool | None
    earlier_land_use: str | None
    natural_forest_share: float | None  # of the stand, in the 2020 baseline; None: no baseline
    verdict: str  # "deforestation_free", "flagged" or "unknown"
    reason: str


def _earlier_was_natural(land_use: str | None) -> bool:
    return bool(land_use) and any(word in fold(land_use) for word in NATURAL_WORDS)


def evidence_for(stands: Iterable[Stand]) -> dict[int, Evidence]:
    """The evidence of each stand, with one query for the baseline shares."""
    stands = list(stands)
    has_baseline = _has_baseline()
    shares = _natural_shares([stand.id for stand in stands]) if has_baseline else {}
    return {
        stand.id: _judge(stand, shares.get(stand.id), has_baseline=has_baseline) for stand in stands
    }


def _judge(stand: Stand, share: float | None, *, has_baseline: bool) -> Evidence:
    """The verdict: a rotation when established by 2020, else whatever shows the land was not
    natural forest then; never a pass for lack of evidence."""
    year = stand.planting_year
    before = None if year is None else year <= CUT_OFF_YEAR
    if before is True:
        verdict, reason = "deforestation_free", REASONS["rotation"]
    elif share is not None and share >= FLAG_SHARE:
        verdict, reason = "flagged", REASONS["on_2020_forest"]
    elif _earlier_was_natural(stand.earlier_land_use):
        verdict, reason = "flagged", REASONS["replaced_forest"]
    elif share is not None:
        verdict, reason = "deforestation_free", REASONS["not_2020_forest"]
    elif has_baseline:
        verdict, reason = "unknown", REASONS["outside_layer"]
    else:
        verdict, reason = "unknown", REASONS["no_evidence"]
    return Evidence(stand.id, before, stand.earlier_land_use, share, verdict, reason)


def _has_baseline() -> bool:
    return db.session.scalar(select(func.count()).select_from(ForestBaseline).limit(1)) > 0


def _natural_shares(stand_ids: list[int]) -> dict[int, float | None]:
    """The share of each stand's area that was natural forest in the baseline (a polygon of
    unknown kind counts as natural: the cautious reading); None where the layer does not
    reach the whole stand."""
    natural = (
        select(func.ST_Union(ForestBaseline.geom))
        .where(ForestBaseline.forest_class.in_(("natural", "forest")))
        .where(func.ST_Intersects(ForestBaseline.geom, Stand.geom))
        .scalar_subquery()
    )
    overlap = func.coalesce(
        func.ST_Area(func.Geography(func.ST_Intersection(Stand.geom, natural))), 0
    )
    covered = func.ST_Covers(
        select(
            func.ST_SetSRID(func.ST_Envelope(func.ST_Extent(ForestBaseline.geom)), 4326)
        ).scalar_subquery(),
        Stand.geom,
    )
    share = overlap / func.ST_Area(func.Geography(Stand.geom))
    rows = db.session.execute(select(Stand.id, covered, share).where(Stand.id.in_(stand_ids)))
    return {stand_id: float(value or 0) if inside else None for stand_id, inside, value in rows}


def forest_class(text: str | None, default: str) -> str:
    """natural, planted or forest, from a baseline file's class value (any language)."""
    if not text:
        return default
    folded = fold(text)
    if any(word in folded for word in NATURAL_WORDS):
        return "natural"
    if any(word in folded for word in PLANTED_WORDS):
        return "planted"
    return "forest"


def load_baseline(
    path: Path,
    *,
    source: str,
    class_column: str | None = None,
    default_class: str = "natural",
    epsg: int | None = None,
) -> int:
    """Replace the baseline with the polygons of a file (any GDAL vector format)."""
    try:
        columns, rows, crs = read_vector(path, shapes=True)
    except NotATable as error:
        raise ValidationFailed(str(error), details={"file": str(error)}) from error
    if class_column and class_column not in columns:
        raise ValidationFailed(
            "Some fields are not valid.", details={"class_column": "No such column in the file."}
        )
    srid = epsg or (CRS.from_user_input(crs).to_epsg() if crs else None)
    if srid is None:
        raise ValidationFailed(
            "Some fields are not valid.",
            details={"crs": "The file names no coordinate system: give its EPSG code."},
        )
    # pyproj, not PostGIS: PostGIS's own table lacks the newer codes (VN-2000 TM-3 is 9213).
    to_wgs84 = Transformer.from_crs(srid, 4326, always_xy=True)
    db.session.execute(delete(ForestBaseline))
    count = 0
    for _, row in rows:
        shape = shapely.from_wkb(row[SHAPE]) if row[SHAPE] else None
        if shape is None or shape.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        lonlat = shapely.transform(shape, lambda xy: _reproject(to_wgs84, xy))
        geom = func.ST_Multi(
            func.ST_CollectionExtract(func.ST_MakeValid(func.ST_GeomFromWKB(lonlat.wkb, 4326)), 3)
        )
        klass = forest_class(row.get(class_column) if class_column else None, default_class)
        db.session.execute(
            insert(ForestBaseline).values(forest_class=klass, source=source, geom=geom)
        )
        count += 1
    db.session.commit()
    return count


def _reproject(transformer: Transformer, xy: np.ndarray) -> np.ndarray:
    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])
