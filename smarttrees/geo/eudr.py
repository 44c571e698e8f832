"""The geolocation file of an EUDR due-diligence statement (Regulation (EU) 2023/1115).

Rules of the EU Information System ("EUDR GeoJSON File Description", Operator API Reference
v1.0): one FeatureCollection per producer in WGS 84, [longitude, latitude] with at least 6
decimals; Point, MultiPoint, Polygon or MultiPolygon only; a plot over 4 ha is a polygon;
rings closed, at least 4 positions, no holes, no self-intersection; properties ProducerName,
ProducerCountry, ProductionPlace, and Area (ha) for points; per statement at most 25 MB and
1,000 producers per commodity.

Choices: coordinates are written rounded to 6 decimals; collapse is checked against rounding and
truncation. Plots without owner, and shapes that are no area, are listed as violations and left
out of the collections. A plot written as a point is checked as that point, not as its outline.
A repair (fill a hole, uncross, snap to the grid) is kept only if it removes its error and adds
none; it is reported with both areas on the spheroid and the largest movement of the outline.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from shapely.geometry.base import BaseGeometry

from smarttrees.geo import eudr_geometry as geo

ERROR, WARNING = "error", "warning"
MIN_AREA_HA = 0.0001


@dataclass(frozen=True)
class Kind:
    code: str
    severity: str
    message: str
    fix: str


# Code: (message, fix). Plain sentences, translated as they are; the figures go in `details`.
_TEXTS = {
    "plot_without_owner": (
        "The stand has no owner: the statement needs the name of its producer.",
        "Record the stand's owner.",
    ),
    "geometry_not_area": (
        "The stand's shape is not an area: it is empty, a line or a mix of shapes.",
        "Draw the stand's outline as a polygon.",
    ),
    "outside_lon_lat": (
        "The coordinates are not longitude and latitude: the stand is probably stored in a "
        "projected system such as VN-2000.",
        "Convert the stand's outline to WGS 84 longitude and latitude (EPSG:4326).",
    ),
    "point_area_too_large": (
        "The stand is a point but covers more than 4 ha: the EU system needs its outline.",
        "Draw the stand's outline as a polygon.",
    ),
    "polygon_has_hole": (
        "The stand's outline has a hole.",
        "The EU system refuses holes: redraw the outline without the hole, or split the stand.",
    ),
    "too_few_positions": (
        "A ring of the outline has fewer than three distinct corners: it encloses no area.",
        "Redraw the stand's outline.",
    ),
    "vertices_collapse": (
        "Two corners of the outline fall on the same point once the coordinates are cut to "
        "6 decimals (about 10 cm).",
        "Remove the corners that lie closer than 10 cm to their neighbour.",
    ),
    "self_intersection": (
        "The stand's outline crosses or touches itself, or its parts overlap.",
        "Redraw the outline so that no edge crosses or touches another.",
    ),
    "too_many_producers": (
        "The statement names more producers than the EU system accepts.",
        "Split the stands over several statements.",
    ),
    "file_too_large": (
        "The geolocation is larger than the EU system accepts for one statement.",
        "Split the stands over several statements, or simplify their outlines.",
    ),
    "small_area": (
        "The stand's area is under 0.0001 ha, the smallest area the EU system accepts.",
        "Check the stand's outline and area.",
    ),
    "production_place_missing": (
        "The stand has no place of production.",
        "Record the commune, sub-compartment, compartment and lot of the stand.",
    ),
}
_WARNINGS = {"small_area", "production_place_missing"}
CATALOGUE = {
    code: Kind(code, WARNING if code in _WARNINGS else ERROR, message, fix)
    for code, (message, fix) in _TEXTS.items()
}


@dataclass(frozen=True, kw_only=True)
class Plot:
    stand_id: int
    label: str
    producer: str | None
    production_place: str
    geometry: BaseGeometry
    area_ha: float


@dataclass(frozen=True, kw_only=True)
class Violation:
    code: str
    stand_id: int | None
    label: str | None
    details: dict = field(default_factory=dict, hash=False)

    @property
    def severity(self) -> str:
        return CATALOGUE[self.code].severity

    @property
    def message(self) -> str:
        return CATALOGUE[self.code].message

    @property
    def fix(self) -> str:
        return CATALOGUE[self.code].fix


@dataclass(frozen=True, kw_only=True)
class Repair:
    stand_id: int
    label: str
    code: str
    area_before_ha: float
    area_after_ha: float
    moved_m: float
    before: BaseGeometry
    after: BaseGeometry


@dataclass(frozen=True, kw_only=True)
class Geolocation:
    collections: dict[str, dict]
    violations: tuple[Violation, ...]
    repairs: tuple[Repair, ...]
    size_bytes: int

    @property
    def ok(self) -> bool:
        return all(violation.severity != ERROR for violation in self.violations)


def producer_key(name: str | None) -> str:
    """Normalise a name: NFC, whitespace collapsed, so one person is one producer."""
    return " ".join(unicodedata.normalize("NFC", name or "").split())


def check_plot(plot: Plot) -> list[Violation]:
    """List what keeps the plot out of a valid EUDR geolocation file."""
    found: list[tuple[str, dict]] = []
    if not producer_key(plot.producer):
        found.append(("plot_without_owner", {}))
    if not producer_key(plot.production_place):
        found.append(("production_place_missing", {}))
    found += geo.problems(plot.geometry, plot_ha=plot.area_ha)
    if plot.area_ha < MIN_AREA_HA:
        found.append(("small_area", {"area_ha": round(plot.area_ha, 6)}))
    return [
        Violation(code=code, stand_id=plot.stand_id, label=plot.label, details=details)
        for code, details in found
    ]


# In this order: filling a hole may leave a crossing; uncrossing puts every vertex on the grid.
_FIXES = {
    "polygon_has_hole": geo.fill_holes,
    "self_intersection": geo.uncrossed,
    "vertices_collapse": geo.snapped_if_valid,
}


def repair_plot(plot: Plot) -> tuple[Plot, list[Repair]]:
    """Repair the plot's outline where possible and report every change."""
    repairs = []
    errors = _errors(plot)
    for code, fix in _FIXES.items():
        after = fix(plot.geometry) if code in errors else None
        if after is None or after.is_empty:
            continue
        repaired = replace(plot, geometry=after, area_ha=geo.area_ha(after))
        # A repair that leaves its error, or brings a new one, is no repair: keep the plot.
        if not (errors_after := _errors(repaired)) < errors:
            continue
        repairs.append(
            Repair(
                stand_id=plot.stand_id,
                label=plot.label,
                code=code,
                area_before_ha=geo.area_ha(plot.geometry),
                area_after_ha=repaired.area_ha,
                moved_m=geo.moved_m(plot.geometry, after),
                before=plot.geometry,
                after=after,
            )
        )
        plot, errors = repaired, errors_after
    return plot, repairs


def _errors(plot: Plot) -> set[str]:
    return {v.code for v in check_plot(plot) if v.severity == ERROR}


def build(
    plots: Iterable[Plot],
    *,
    repair: bool = False,
    points_up_to_ha: float | None = None,
    country: str = "VN",
    max_producers: int = 1000,
    max_bytes: int = 25 * 1024 * 1024,
) -> Geolocation:
    """Build the statement's geolocation: one checked FeatureCollection per producer."""
    _check_options(points_up_to_ha, country)
    features: dict[str, list[dict]] = {}
    violations: list[Violation] = []
    repairs: list[Repair] = []
    for plot in plots:
        written = _as_point(plot, points_up_to_ha)
        if repair:
            written, done = repair_plot(written)
            repairs += done
        violations += check_plot(written)
        producer = producer_key(written.producer)
        if producer and geo.is_area_or_point(written.geometry):
            features.setdefault(producer, []).append(_feature(written, producer, country))
    collections = {
        name: {"type": "FeatureCollection", "features": found} for name, found in features.items()
    }
    size = sum(len(to_text(collection).encode()) for collection in collections.values())
    if len(collections) > max_producers:
        details = {"producers": len(collections), "limit": max_producers}
        violations.append(
            Violation(code="too_many_producers", stand_id=None, label=None, details=details)
        )
    if size > max_bytes:
        details = {"bytes": size, "limit": max_bytes, "mb": round(size / 1024 / 1024, 1)}
        violations.append(
            Violation(code="file_too_large", stand_id=None, label=None, details=details)
        )
    return Geolocation(
        collections=collections,
        violations=tuple(violations),
        repairs=tuple(repairs),
        size_bytes=size,
    )


def _check_options(points_up_to_ha: float | None, country: str) -> None:
    if points_up_to_ha is not None and points_up_to_ha > geo.POINT_MAX_HA:
        raise ValueError("the EU system accepts a point only for a plot of 4 ha or less")
    if len(country) != 2 or not country.isalpha() or not country.isupper():
        raise ValueError(f"ProducerCountry is an ISO 3166 alpha-2 code, not {country!r}")


def _as_point(plot: Plot, points_up_to_ha: float | None) -> Plot:
    small = points_up_to_ha is not None and plot.area_ha <= points_up_to_ha
    if not small or plot.geometry.is_empty or plot.geometry.geom_type not in geo.POLYGONAL:
        return plot
    return replace(plot, geometry=geo.representative_point(plot.geometry))


def _feature(plot: Plot, producer: str, country: str) -> dict:
    properties: dict = {
        "ProducerName": producer,
        "ProducerCountry": country,
        "ProductionPlace": producer_key(plot.production_place),
    }
    if plot.geometry.geom_type in geo.PUNCTUAL:
        # The EU system wants hectares as a number, at least 0.0001.
        properties["Area"] = max(MIN_AREA_HA, round(plot.area_ha, 4))
    return {
        "type": "Feature",
        "geometry": geo.geojson_geometry(plot.geometry),
        "properties": properties,
    }


def to_text(collection: dict) -> str:
    """Write a collection as compact JSON, every coordinate with exactly 6 decimals."""
    return geo.geojson_text(collection)
