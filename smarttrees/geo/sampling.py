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
    """Up to `count` (lon, lat) rows on a jittered planting grid filling the stand."""
    west, south, east, north = stand.bounds
    cos_lat = math.cos(math.radians((south + north) / 2))
    area_m2 = stand.area * METRES_PER_DEGREE**2 * cos_lat
    spacing = math.sqrt(area_m2 / max(count, 1)) * 0.98
    step_x = spacing / (METRES_PER_DEGREE * cos_lat)
    step_y = spacing / METRES_PER_DEGREE
    xs, ys = np.meshgrid(np.arange(west, east, step_x), np.arange(south, north, step_y))
    xs = xs.ravel() + rng.normal(0, step_x * 0.08, xs.size)
    ys = ys.ravel() + rng.normal(0, step_y * 0.08, ys.size)
    shapely.prepare(stand)
    inside = shapely.contains_xy(stand, xs, ys)
    return np.column_stack([xs[inside], ys[inside]])[:count]
