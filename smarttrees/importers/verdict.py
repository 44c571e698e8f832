"""What a whole file says, before its rows: the points of a file that all lie far outside the
province were read in the wrong coordinate system (or with longitude and latitude swapped); a
file none of whose rows has a point was mapped wrong; a commit that wrote nothing says why."""

import math
from dataclasses import dataclass, field
from statistics import median

MOST = 0.9  # a verdict on the file when this share of its rows tells the same
POINT_CODES = (
    "coordinates_missing",
    "coordinates_invalid",
    "coordinates_out_of_range",
    "geometry_not_point",
)


@dataclass(frozen=True)
class Verdict:
    code: str
    message: str  # an untranslated msgid with %(name)s placeholders
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "params": self.params,
            "text": self.message % self.params,
        }


def file_verdict(summary: dict, province: tuple[float, float, float, float]) -> Verdict | None:
    """The one thing to say first about a checked file, or None when its rows speak alone."""
    read = summary.get("rows_read") or 0
    by_code = summary.get("errors_by_code") or {}
    if read == 0:
        return Verdict("no_rows", "The file has no rows below its header.")
    if summary.get("ready"):
        return None
    outside = by_code.get("outside_service_area", 0)
    if outside >= MOST * read:
        return _far_away(summary, province, outside)
    unreadable = sum(by_code.get(code, 0) for code in POINT_CODES)
    if unreadable >= MOST * read:
        return Verdict(
            "no_points",
            "No row has a point SmartTrees can read: choose the coordinate columns and the "
            "coordinate system in the mapping below.",
        )
    return None


def _far_away(summary: dict, province, outside: int) -> Verdict:
    points = [(p[1], p[2]) for p in (summary.get("preview") or {}).get("points", [])]
    west, south, east, north = province
    if points:
        lon, lat = median(p[0] for p in points), median(p[1] for p in points)
        if west <= lat <= east and south <= lon <= north:
            return Verdict(
                "swapped",
                "All %(n)s points lie outside the province, but with longitude and latitude "
                "swapped they would lie inside: check which column is which.",
                {"n": outside},
            )
        km = _km(lon, lat, (west + east) / 2, (south + north) / 2)
        return Verdict(
            "far_away",
            "All %(n)s points lie outside the province, about %(km)s km from it: check the "
            "coordinate system (VN-2000 or WGS 84, its zone) and the X and Y columns.",
            {"n": outside, "km": round(km, -1 if km > 100 else 0)},
        )
    return Verdict("far_away_unknown", "All %(n)s points lie outside the province.", {"n": outside})


def commit_verdict(summary: dict) -> Verdict | None:
    """Why a commit wrote no tree at all."""
    if summary.get("created") or summary.get("updated"):
        return None
    if summary.get("ready") and summary.get("unchanged"):
        return Verdict(
            "nothing_changed",
            "Nothing was written: every row repeats what its tree already holds.",
        )
    return Verdict("nothing_ready", "Nothing was written: no row was ready to import.")


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Distance on the sphere (haversine), in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))
