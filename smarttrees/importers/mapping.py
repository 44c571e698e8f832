"""Which file column holds which tree field, proposed from the headings (Vietnamese forestry
notation, English, common open-data names; a unit in a heading read apart) and, where the
headings do not say, from the values themselves. `propose` also says why it chose each column.
"""

from smarttrees.importers.headings import last_part, read_heading, words

CIRCUMFERENCE = ("chu vi", "circumference", "girth", "cbh", "gbh", "circonference")
# Vietnamese forestry notation that is NOT one of the fields: root-collar diameter (Doo),
# height under the crown (Hdc). Known, so that nothing takes them for DBH or height.
NOT_FIELDS = ("doo", "d00", "d0", "hdc", "chieu cao duoi canh")

TARGETS = {
    "lon": (
        "lon",
        "long",
        "lng",
        "longitude",
        "kinh do",
        "x_wgs84",
        "point_x",
        "longitude_wgs84",
        "_geo_longitude",
        "geo-longitude",
        "gps_longitude",
    ),
    "lat": (
        "lat",
        "latitude",
        "vi do",
        "y_wgs84",
        "point_y",
        "latitude_wgs84",
        "_geo_latitude",
        "geo-latitude",
        "gps_latitude",
    ),
    "x": ("x", "easting", "toa do x", "x_vn2000", "coord_x", "x_coord"),
    "y": ("y", "northing", "toa do y", "y_vn2000", "coord_y", "y_coord"),
    "wkt": ("wkt", "geometry", "geom", "the_geom", "wkb_geometry"),
    # One field holding both: "lat, lon", or an ODK/Kobo geopoint "lat lon altitude accuracy".
    "latlon": (
        "geo_point_2d",
        "geo_point",
        "latlon",
        "lat lon",
        "lat long",
        "latlong",
        "toa do",
        "vi tri",
        "gps",
        "location",
        "geopoint",
        "point",
        "_geolocation",
    ),
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
        "botanical name",
        "botanical",
        "species latin",
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
        "diameter_breast_height",
        "dbh_in",
        "dbh_trunk",
        # A tape round the trunk: the circumference, read as DBH = girth / pi.
        *CIRCUMFERENCE,
    ),
    "height": (
        "height",
        "height_m",
        "tree height",
        "chieu cao",
        "hvn",
        "h",
        "chieu cao vut ngon",
        "hauteur",
    ),
    "crown": ("crown", "crown_m", "crown width", "crown spread", "duong kinh tan", "dt", "tan"),
    # Not "loại" alone: folded, it is also "loài" (species) of a Vietnamese sheet.
    "category": ("category", "tree category", "phan loai", "loai hinh", "nhom cay"),
    "condition": (
        "condition",
        "tinh trang",
        "health",
        "suc khoe",
        "tree condition",
        "condition rating",
        "sinh truong",
        "chat luong",
    ),
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
        "_uuid",
        "meta-instanceid",
        "meta/instanceid",
        "id",
        "tree_id",
        "treeid",
        "ma",
        "ma cay",
        "objectid",
        "fid",
        "stt",
    ),
    "notes": ("notes", "note", "ghi chu", "remarks"),
}


def _key(column: str) -> str:
    return read_heading(column).key


def _kobo_pairs(columns: list[str]) -> dict[str, str]:
    """Kobo and ODK split a geopoint named q into `_q_latitude` and `_q_longitude`."""
    for column in columns:
        if column.lower().endswith("_latitude") and column.startswith("_"):
            longitude = column[: -len("latitude")] + "longitude"
            if longitude in columns:
                return {"lon": longitude, "lat": column}
    return {}


def _first_match(names, columns, ways, taken) -> str | None:
    """The column named like the earliest of `names` (the names are in order of preference)."""
    for candidates in ways:
        for name in names:
            wanted = words(name)
            match = next((c for c in columns if candidates[c] == wanted and c not in taken), None)
            if match:
                return match
    return None


def propose_by_name(columns: list[str], targets: dict | None = None) -> dict[str, str]:
    """target → column, by folded heading first (a unit in it set apart), then by a known name
    inside a group path (Kobo/ODK `group/name`, `group-name`, a two-row heading). `targets`:
    the fields of a stand file (STAND_TARGETS) instead of a tree file's."""
    targets = targets or TARGETS
    columns = [c for c in columns if c and _key(c) not in NOT_FIELDS]
    keys = {column: _key(column) for column in columns}
    tails = {column: _key(last_part(column)) for column in columns}
    mapping: dict[str, str] = {}
    for target, names in targets.items():
        if target in mapping or (
            target in ("x", "y", "latlon", "wkt") and has_coordinates(mapping)
        ):
            continue
        if match := _first_match(names, columns, (keys, tails), set(mapping.values())):
            mapping[target] = match
        if target == "lat" and not {"lon", "lat"} <= mapping.keys():
            mapping = {k: v for k, v in mapping.items() if k not in ("lon", "lat")}
            mapping.update(_kobo_pairs(columns))
    return mapping


# The fields of a plantation stand in the province's forest-status map (polygon files).
STAND_TARGETS = {
    "external_id": ("id", "ma lo", "ma", "objectid", "fid", "plot_id", "stand_id", "maldlr"),
    "tieu_khu": ("tieu khu", "tk", "tieukhu", "tieu_khu", "compartment", "matk"),
    "khoanh": ("khoanh", "kh", "sub compartment", "subcompartment", "makhoanh"),
    "lo": ("lo", "so lo", "lo rung", "plot", "malo"),
    "name": ("name", "ten", "ten lo"),
    "species": ("loai cay", "loai", "sldlr", "species", "ten loai", "loai cay trong"),
    "planting_year": ("nam trong", "namtr", "nam", "planting year", "year planted", "year"),
    "density": ("mat do", "mat do trong", "density", "cay ha"),
    "owner": ("chu rung", "churung", "owner", "ten chu rung", "tenchu"),
    "forest_function": ("muc dich", "mdsd", "chuc nang", "function", "loai rung", "malr3"),
    "area": ("dien tich", "dtich", "area", "area ha", "area_ha", "s"),
}


def targets_for(kind: str) -> dict:
    """The fields a file's columns can be mapped to: a tree's, or (kind "stands") a stand's."""
    return STAND_TARGETS if kind == "stands" else TARGETS


def with_geometry(mapping: dict[str, str], x: str, y: str) -> dict[str, str]:
    """A vector file's own points stand for the coordinates unless columns were mapped."""
    if has_coordinates(mapping):
        return mapping
    return {**mapping, "x": x, "y": y}


COORDINATE_KINDS = {"lon": ("lon", "lat"), "x": ("x", "y"), "latlon": ("latlon",), "wkt": ("wkt",)}


def coordinate_kind(mapping: dict[str, str]) -> str | None:
    """Which way the mapping gives coordinates: lon/lat, x/y, one "lat lon" field or WKT."""
    return next((k for k, needs in COORDINATE_KINDS.items() if set(needs) <= mapping.keys()), None)


def coordinate_columns(mapping: dict[str, str]) -> tuple[str, ...]:
    """The file columns the coordinates come from (named in a coordinates problem); a GIS
    file's own geometry (the reader's __x, __y) is named "geometry"."""
    kind = coordinate_kind(mapping) or "lon"
    columns = tuple(mapping.get(k, "") for k in COORDINATE_KINDS[kind])
    if all(column.startswith("__") for column in columns if column) and any(columns):
        return ("geometry",)
    return columns


def has_coordinates(mapping: dict[str, str]) -> bool:
    return coordinate_kind(mapping) is not None
