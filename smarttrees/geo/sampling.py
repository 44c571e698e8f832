"""Random points inside polygons, reproducible from a seed (for demo data and tests)."""

import math

import numpy as np
import shapely
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

METRES_PER_DEGREE = 111_320.0


def points_inside(area: BaseGeometry, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` uniformly random (lon, lat) rows inside `area` (vectorised rejection sampling)."""
    shapely.prepare(area)
    west, south, east, north = area.bounds
    found, total = [np.empty((0, 2))], 0
    while total < count:
        batch = max(64, int((count - total) * 1.5 * _bbox_ratio(area)))
        xs = rng.uniform(west, east, batch)
        ys = rng.uniform(south, north, batch)
        inside = shapely.contains_xy(area, xs, ys)
        found.append(np.column_stack([xs[inside], ys[inside]]))
        total += int(inside.sum())
    return np.concatenate(found)[:count]


def _bbox_ratio(area: BaseGeometry) -> float:
    west, south, east, north = area.bounds
    return max(1.0, (east - west) * (north - south) / max(area.area, 1e-12))


def square_around(center: Point, *, area_m2: float, angle_deg: float) -> Polygon:
    """A rotated square of the given ground area centred on a WGS 84 point."""
    if not area_m2 > 0:
        raise ValueError(f"a square needs a positive area, not {area_m2!r} m²")
    half = math.sqrt(area_m2) / 2
    cos_lat = math.cos(math.radians(center.y))
    turn = math.radians(angle_deg)
    corners = []
    for dx, dy in ((-half, -half), (half, -half), (half, half), (-half, half)):
        x = dx * math.cos(turn) - dy * math.sin(turn)
        y = dx * math.sin(turn) + dy * math.cos(turn)
        corners.append(
            (center.x + x / (METRES_PER_DEGREE * cos_lat), center.y + y / METRES_PER_DEGREE)
        )
    return Polygon(corners)


def planting_grid(stand: Polygon, count: int, rng: np.random.Generator) -> np.ndarray:
    """Exactly `count` (lon, lat) rows on a jittered planting grid filling the stand.

    The spacing starts from the stand's area over `count`; a stand whose shape leaves too few
    grid points inside gets a slightly tighter grid until it holds them all.
    """
    if count < 0:
        raise ValueError(f"a planting grid needs a count of zero or more, not {count}")
    _, south, _, north = stand.bounds
    cos_lat = math.cos(math.radians((south + north) / 2))
    area_m2 = stand.area * METRES_PER_DEGREE**2 * cos_lat
    spacing = math.sqrt(area_m2 / max(count, 1)) * 0.98
    shapely.prepare(stand)
    while True:
        points = _grid_inside(stand, spacing, cos_lat, rng)
        if len(points) >= count:
            return points[:count]
        spacing *= 0.95


def _grid_inside(stand: Polygon, spacing: float, cos_lat: float, rng) -> np.ndarray:
    west, south, east, north = stand.bounds
    step_x = spacing / (METRES_PER_DEGREE * cos_lat)
    step_y = spacing / METRES_PER_DEGREE
    xs, ys = np.meshgrid(np.arange(west, east, step_x), np.arange(south, north, step_y))
    xs = xs.ravel() + rng.normal(0, step_x * 0.08, xs.size)
    ys = ys.ravel() + rng.normal(0, step_y * 0.08, ys.size)
    inside = shapely.contains_xy(stand, xs, ys)
    return np.column_stack([xs[inside], ys[inside]])
