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
    geometry: str = "t.geom"  # an SQL expression in EPSG:4326 (a joined table's, for some)


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
        Collection(
            id="lots",
            title="Seedling lots",
            description="Seedling lots with their stock, located at their nursery's commune.",
            table="seedling_lots",
            key="t.id",
            feature_id="t.code",
            public={
                "code": "t.code", "species": "s.scientific_name", "species_vi": "s.vi_name",
                "nursery": "n.name", "propagation": "t.propagation::text", "grade": "t.grade",
                "sown_on": "t.sown_on::text", "seedlings": "t.quantity_on_hand",
                "commune": "c.name",
            },
            staff={"seed_source": "t.seed_source", "certificate": "t.certificate_number",
                   "holder": "t.holder"},
            queryables={
                "species_id": Queryable("t.species_id", "integer", "Species (id)"),
                "nursery_id": Queryable("t.nursery_id", "integer", "Nursery (id)"),
                "commune_code": Queryable("c.code", "string", "Commune (statistics code)"),
            },
            datetime="t.sown_on",
            joins="JOIN nurseries n ON n.id = t.nursery_id "
                  "LEFT JOIN species s ON s.id = t.species_id "
                  "LEFT JOIN admin_units c ON c.id = n.commune_id",
            geometry="ST_PointOnSurface(c.geom)",
        ),
        Collection(
            id="batches",
            title="Forest product batches",
            description="Batches of logs, sawn wood, chips and firewood, drawn as the stand "
                        "they were harvested from (none for a batch made by processing).",
            table="product_batches",
            key="t.id",
            feature_id="t.code",
            public={
                "code": "t.code", "kind": "t.kind::text", "origin": "t.origin::text",
                "species": "s.scientific_name", "species_vi": "s.vi_name",
                "volume_m3": "t.volume_m3::float", "remaining_m3": "t.remaining_m3::float",
                "mass_kg": "t.mass_kg::float", "harvested_on": "h.harvested_on::text",
                "tieu_khu": "st.tieu_khu", "khoanh": "st.khoanh", "lo": "st.lo",
            },
            staff={"notes": "t.notes", "document": "h.document"},
            queryables={
                "species_id": Queryable("t.species_id", "integer", "Species (id)"),
                "kind": Queryable("t.kind::text", "string", "Kind of product"),
            },
            datetime="h.harvested_on",
            joins="LEFT JOIN species s ON s.id = t.species_id "
                  "LEFT JOIN harvests h ON h.id = t.harvest_id "
                  "LEFT JOIN stands st ON st.id = t.stand_id",
            geometry="st.geom",
        ),
    )
}  # fmt: skip

# Communes only: the province is not a collection of its own here.
WHERE = {"communes": "t.level = 'commune'"}
