"""What the API answers, as JSON Schema: the OpenAPI document's components, checked against
real answers by the schema tests (every answer of every operation must match its shape)."""

from smarttrees.models import Condition, TreeCategory


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def record(required: dict, optional: dict | None = None) -> dict:
    """An object with these keys always present (more may come: clients ignore what they do
    not know)."""
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


def items(schema: dict) -> dict:
    return {"type": "array", "items": schema}


TEXT = {"type": "string"}
NUMBER = {"type": "number"}
WHOLE = {"type": "integer"}
FLAG = {"type": "boolean"}
OPT_TEXT = nullable(TEXT)
OPT_NUMBER = nullable(NUMBER)
OPT_WHOLE = nullable(WHOLE)
ANY_OBJECT = {"type": "object"}
COUNTS = {"type": "object", "additionalProperties": WHOLE}
POINT = record(
    {
        "type": {"const": "Point"},
        "coordinates": {"type": "array", "items": NUMBER, "minItems": 2, "maxItems": 3},
    }
)
GEOMETRY = record({"type": TEXT, "coordinates": {"type": "array"}})
CATEGORY = {"type": "string", "enum": [c.value for c in TreeCategory]}
CONDITION = nullable({"type": "string", "enum": [c.value for c in Condition]})
BBOX = {"type": "array", "items": NUMBER, "minItems": 4, "maxItems": 4}
MEASURES = {"dbh_cm": OPT_NUMBER, "height_m": OPT_NUMBER, "crown_m": OPT_NUMBER}

SPECIES = record(
    {
        "id": WHOLE,
        "scientific_name": TEXT,
        "vi_name": OPT_TEXT,
        "en_name": OPT_TEXT,
        "family": OPT_TEXT,
        "wood_density": OPT_NUMBER,
    }
)
COMMUNE_REF = nullable(record({"code": TEXT, "name": TEXT, "level": TEXT}))
TREE_PROPERTIES = record(
    {
        "code": TEXT,
        "category": CATEGORY,
        "species": nullable(ref("Species")),
        **MEASURES,
        "condition": CONDITION,
        "planted_on": nullable({"type": "string", "format": "date"}),
        "commune": ref("CommuneRef"),
        "stand_id": OPT_WHOLE,
        "source": OPT_TEXT,
        "external_id": OPT_TEXT,
        "notes": OPT_TEXT,
        "updated_at": {"type": "string", "format": "date-time"},
    },
    {"inspections": items(ref("Inspection"))},
)
TREE = record(
    {"type": {"const": "Feature"}, "id": TEXT, "geometry": POINT, "properties": TREE_PROPERTIES}
)
TREE_PAGE = record(
    {
        "type": {"const": "FeatureCollection"},
        "features": items(ref("Tree")),
        "next_cursor": OPT_WHOLE,
        "links": record({}, {"next": {"type": "string", "format": "uri"}}),
    }
)
INSPECTION = record(
    {
        "id": WHOLE,
        "inspected_at": {"type": "string", "format": "date-time"},
        "inspector": OPT_TEXT,
        **MEASURES,
        "condition": CONDITION,
        "notes": OPT_TEXT,
        "moved": nullable(FLAG),
        "location": nullable(POINT),
    }
)
TREE_CARD = record(
    {
        "code": TEXT,
        "category": CATEGORY,
        "condition": CONDITION,
        "species": nullable(ref("Species")),
        **MEASURES,
        "commune": ref("CommuneRef"),
        "last_inspection": nullable({"type": "string", "format": "date"}),
        "point": {"type": "array", "items": NUMBER, "minItems": 2, "maxItems": 2},
    }
)
COMMUNE = record(
    {
        "type": {"const": "Feature"},
        "id": TEXT,
        "geometry": GEOMETRY,
        "properties": record(
            {"code": TEXT, "name": TEXT, "level": TEXT, "area_ha": OPT_NUMBER, "trees": OPT_WHOLE}
        ),
    }
)
COMMUNE_SUMMARY = record(
    {
        "code": TEXT,
        "name": TEXT,
        "level": TEXT,
        "area_ha": OPT_NUMBER,
        "bbox": BBOX,
        "trees": WHOLE,
        "trees_per_ha": OPT_NUMBER,
        "by_category": COUNTS,
        "by_condition": COUNTS,
        "poor_share": OPT_NUMBER,
        "species": items(record({"scientific_name": TEXT, "vi_name": OPT_TEXT, "trees": WHOLE})),
    }
)
STAND_SUMMARY = record(
    {
        "id": WHOLE,
        "name": OPT_TEXT,
        "area_ha": OPT_NUMBER,
        "bbox": BBOX,
        "trees": WHOLE,
        "species": OPT_TEXT,
        "planting_year": OPT_WHOLE,
    },
    {"owner": OPT_TEXT, "co2e_t": OPT_NUMBER, "survival": nullable(ANY_OBJECT)},
)
NEAREST = record(
    {
        "trees": items(
            record(
                {
                    "code": TEXT,
                    "lon": NUMBER,
                    "lat": NUMBER,
                    "metres": NUMBER,
                    "category": CATEGORY,
                    "condition": CONDITION,
                    "species": OPT_TEXT,
                }
            )
        )
    }
)
PLACE = record(
    {"stand": nullable(record({"id": WHOLE})), "commune": nullable(record({"code": TEXT}))}
)
SEARCH = record({"results": items(ANY_OBJECT)})
OFFLINE_AREA = record(
    {
        "commune_id": WHOLE,
        "complete": FLAG,
        "trees": items(ANY_OBJECT),
        "species": items(record({"id": WHOLE, "label": TEXT})),
    }
)
ERROR = record(
    {
        "error": record(
            {
                "code": TEXT,
                "message": TEXT,
                "details": {"description": "What was wrong, by field name when one is."},
            }
        )
    }
)
SYNC_RESULTS = record(
    {
        "results": items(
            record(
                {"status": {"enum": ["created", "duplicate", "rejected"]}},
                {
                    "client_id": {"type": ["string", "integer"]},
                    "code": TEXT,
                    "conflict": FLAG,
                    "photo_error": {},
                    "error": record({"code": TEXT, "details": {}}, {"message": TEXT}),
                },
            )
        )
    }
)
LOT_EVENT = record(
    {
        "id": WHOLE,
        "lot": TEXT,
        "kind": TEXT,
        "quantity": WHOLE,
        "occurred_at": {"type": "string", "format": "date-time"},
        "client_id": OPT_TEXT,
        "quantity_on_hand": WHOLE,
        "new_lot": OPT_TEXT,
    }
)
TRACE = record(
    {
        "lots": items(ANY_OBJECT),
        "planted": items(ANY_OBJECT),
        "harvests": items(ANY_OBJECT),
        "batches": items(ANY_OBJECT),
        "trees_by_stand": COUNTS,
    },
    {"lot": ANY_OBJECT, "batch": ANY_OBJECT, "stands": items(ANY_OBJECT)},
)
EUDR = record(
    {
        "ok": FLAG,
        "evidence": {},
        "batches_without_stand": items(TEXT),
        "facts": {},
        "violations": {},
        "repairs": {},
        "size_bytes": WHOLE,
        "collections": items(ANY_OBJECT),
    }
)
CARBON_FIGURES = {
    "trees": WHOLE,
    "not_living": WHOLE,
    "agb_t": NUMBER,
    "agb_low_t": NUMBER,
    "agb_high_t": NUMBER,
    "carbon_t": NUMBER,
    "co2e_t": NUMBER,
    "low": NUMBER,
    "high": NUMBER,
    "densities_estimated": WHOLE,
    "heights_estimated": WHOLE,
}
CARBON = record(
    {**CARBON_FIGURES, "filter": {"type": "object", "additionalProperties": TEXT}},
    {"method": ANY_OBJECT, "comparison": ANY_OBJECT},
)
FIGURE = items(ANY_OBJECT)
DASHBOARD = record(
    {
        "filter": {"type": "object", "additionalProperties": TEXT},
        "carbon": record(CARBON_FIGURES),
        **{
            name: FIGURE
            for name in (
                "categories",
                "conditions",
                "condition_by_category",
                "species",
                "communes",
                "worst_communes",
                "planting_years",
                "plantings",
                "inspections",
                "stands_by_species",
                "stands_by_age",
            )
        },
        "growth": record(
            {"computed_at": nullable({"type": "string", "format": "date-time"}), "rows": FIGURE}
        ),
    }
)
PROGRESS = {
    "id": {"type": ["integer", "string"]},
    "status": TEXT,
    "rows_done": OPT_WHOLE,
    "rows_total": OPT_WHOLE,
    "step": OPT_TEXT,
}
EXPORT_STATUS = record({**PROGRESS, "failure": OPT_TEXT, "file": OPT_TEXT})
IMPORT_STATUS = record({**PROGRESS, "summary": ANY_OBJECT})
CHANGES = record(
    {
        "changes": items(
            record(
                {
                    "cursor": WHOLE,
                    "entity": {"enum": ["trees", "inspections", "stands", "lots", "batches"]},
                    "id": TEXT,
                    "action": {"enum": ["created", "updated", "deleted"]},
                    "at": {"type": "string", "format": "date-time"},
                }
            )
        ),
        "next": WHOLE,
        "latest": WHOLE,
        "more": FLAG,
    }
)
