"""The collections SmartTrees publishes through OGC API – Features: their tables, the columns
each may show (public, or also to staff), the properties one may filter on, and a datetime.

Each collection pages by a stable integer key (keyset: `WHERE key > cursor ORDER BY key`), so
the thousandth page of a million trees costs what the first does; a feature's id is the code
people read on its label where it has one."""

from dataclasses import dataclass, field

# Output and bbox coordinate systems, by URI: SRID and whether axes are latitude first.
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CRS = {
    CRS84: (4326, False),
    "http://www.opengis.net/def/crs/EPSG/0/4326": (4326, True),
    "http://www.opengis.net/def/crs/EPSG/0/3857": (3857, False),
    "http://www.opengis.net/def/crs/EPSG/0/9213": (9213, False),  # VN-2000 / TM-3 106°30′
}


@dataclass(frozen=True)
class Queryable:
    column: str  # an SQL expression over the collection's table, aliased "t"
    kind: str  # "integer", "string" or "code" (matched after upper-casing)
    title: str


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    table: str
    key: str  # the integer paging key
    feature_id: str  # the id written on each feature
    public: dict[str, str]  # property → SQL expression, shown to anyone allowed to read
    staff: dict[str, str] = field(default_factory=dict)  # shown to signed-in staff only
    queryables: dict[str, Queryable] = field(default_factory=dict)
    datetime: str | None = None  # the date the datetime parameter filters on
    joins: str = ""


COLLECTIONS = {
    c.id: c
    for c in (
        Collection(
            id="trees",
            title="Trees",
            description="Every tree of the inventory: urban, scattered and plantation.",
            table="trees",
            key="t.id",
            feature_id="t.code",
            public={
                "code": "t.code", "category": "t.category::text",
                "species": "s.scientific_name", "species_vi": "s.vi_name",
                "dbh_cm": "t.dbh_cm::float", "height_m": "t.height_m::float",
                "crown_m": "t.crown_m::float", "condition": "t.condition::text",
                "planted_on": "t.planted_on::text", "commune": "c.name",
            },
            staff={"notes": "t.notes", "source": "t.source", "external_id": "t.external_id"},
            queryables={
                "species_id": Queryable("t.species_id", "integer", "Species (id)"),
                "category": Queryable("t.category::text", "string", "Category"),
                "condition": Queryable("t.condition::text", "string", "Condition"),
                "commune_code": Queryable("c.code", "string", "Commune (statistics code)"),
                "code": Queryable("t.code", "code", "Label code"),
            },
            datetime="t.planted_on",
            joins="LEFT JOIN species s ON s.id = t.species_id "
                  "LEFT JOIN admin_units c ON c.id = t.commune_id",
        ),
        Collection(
            id="stands",
            title="Plantation stands",
            description="Stands with their forest-plot ids (tiểu khu, khoảnh, lô).",
            table="stands",
            key="t.id",
            feature_id="t.id::text",
            public={
                "name": "t.name", "tieu_khu": "t.tieu_khu", "khoanh": "t.khoanh",
                "lo": "t.lo", "species": "s.scientific_name",
                "planting_year": "t.planting_year", "area_ha": "t.area_ha::float",
                "forest_function": "t.forest_function::text", "commune": "c.name",
            },
            staff={"owner": "t.owner", "earlier_land_use": "t.earlier_land_use"},
            queryables={
                "species_id": Queryable("t.species_id", "integer", "Species (id)"),
                "planting_year": Queryable("t.planting_year", "integer", "Planting year"),
                "commune_code": Queryable("c.code", "string", "Commune (statistics code)"),
            },
            joins="LEFT JOIN species s ON s.id = t.species_id "
                  "LEFT JOIN admin_units c ON c.id = t.commune_id",
        ),
        Collection(
            id="communes",
            title="Communes",
            description="The province's communes (2025 boundaries).",
            table="admin_units",
            key="t.id",
            feature_id="t.code",
            public={"code": "t.code", "name": "t.name", "area_ha": "t.area_ha::float",
                    "population": "t.population"},
            queryables={"code": Queryable("t.code", "string", "Statistics code")},
            joins="",
        ),
    )
}  # fmt: skip

# Communes only: the province is not a collection of its own here.
WHERE = {"communes": "t.level = 'commune'"}
