"""Which file column holds which tree field, proposed from Vietnamese and English names."""

from smarttrees.vietnamese import fold

TARGETS = {
    "lon": (
        "lon",
        "long",
        "lng",
        "longitude",
        "kinh do",
        "x_wgs84",
        "_geo_longitude",
        "geo-longitude",
        "gps_longitude",
    ),
    "lat": ("lat", "latitude", "vi do", "y_wgs84", "_geo_latitude", "geo-latitude", "gps_latitude"),
    "x": ("x", "easting", "toa do x", "x_vn2000"),
    "y": ("y", "northing", "toa do y", "y_vn2000"),
    "wkt": ("wkt", "geometry", "geom", "the_geom"),
    "species": (
        "species",
        "loai",
        "loai cay",
        "ten loai",
        "ten cay",
        "botanic",
        "scientific",
        "scientific name",
        "species name",
        "ten khoa hoc",
        "latin name",
    ),
    "dbh": (
        "dbh",
        "dbh_cm",
        "d13",
        "d1.3",
        "d1,3",
        "duong kinh",
        "duong kinh ngang nguc",
        "trunk diameter",
        "diameter",
    ),
    "height": ("height", "height_m", "chieu cao", "hvn", "h", "chieu cao vut ngon"),
    "crown": ("crown", "crown_m", "crown width", "duong kinh tan", "dt", "tan"),
    "condition": ("condition", "tinh trang", "health", "suc khoe"),
    "planted": (
        "planted",
        "planted_on",
        "planting date",
        "date planted",
        "ngay trong",
        "nam trong",
        "date",
    ),
    "external_id": (
        "id",
        "tree_id",
        "treeid",
        "ma",
        "ma cay",
        "_uuid",
        "meta-instanceid",
        "meta/instanceid",
        "objectid",
        "fid",
        "stt",
    ),
    "notes": ("notes", "note", "ghi chu", "remarks"),
}


def _key(column: str) -> str:
    return fold(column).replace("_", " ").strip()


def propose(columns: list[str]) -> dict[str, str]:
    """target → column, by exact folded name first, then by a known name inside a group path
    (Kobo/ODK `group/name`, `group-name`)."""
    keys = {column: _key(column) for column in columns}
    tails = {column: _key(column.replace("-", "/").split("/")[-1]) for column in columns}
    mapping = {}
    for target, names in TARGETS.items():
        wanted = {_key(name) for name in names}
        for candidates in (keys, tails):
            match = next(
                (c for c in columns if candidates[c] in wanted and c not in mapping.values()), None
            )
            if match:
                mapping[target] = match
                break
    return mapping


def with_geometry(mapping: dict[str, str], x: str, y: str) -> dict[str, str]:
    """A vector file's own points stand for the coordinates unless columns were mapped."""
    if has_coordinates(mapping):
        return mapping
    return {**mapping, "x": x, "y": y}


def has_coordinates(mapping: dict[str, str]) -> bool:
    return {"lon", "lat"} <= mapping.keys() or {"x", "y"} <= mapping.keys() or "wkt" in mapping
