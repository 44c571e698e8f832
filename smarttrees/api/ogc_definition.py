"""The API definition OGC API – Features asks a landing page to link (rel "service-desc"):
OpenAPI 3.0 of /ogcapi's own paths. GDAL and QGIS read from it how many features a page may
hold (the `limit` parameter's default and maximum)."""

from smarttrees.services.interop import features
from smarttrees.services.interop.collections import COLLECTIONS, CRS

OPENAPI_MEDIA = "application/vnd.oai.openapi+json;version=3.0"


def _parameter(name: str, schema: dict, about: str, *, where: str = "query") -> dict:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "schema": schema,
        "description": about,
        **({"style": "form", "explode": False} if name == "bbox" else {}),
    }


COLLECTION_ID = _parameter(
    "collectionId", {"type": "string", "enum": sorted(COLLECTIONS)}, "A collection.", where="path"
)
ITEMS = [
    COLLECTION_ID,
    _parameter(
        "limit",
        {
            "type": "integer",
            "minimum": 1,
            "maximum": features.MAX_LIMIT,
            "default": features.DEFAULT_LIMIT,
        },
        "Features per page; more than the maximum reads as the maximum.",
    ),
    _parameter(
        "bbox",
        {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
        "west,south,east,north in bbox-crs (CRS84 unless given).",
    ),
    _parameter("bbox-crs", {"type": "string", "enum": sorted(CRS)}, "The bbox's system."),
    _parameter("crs", {"type": "string", "enum": sorted(CRS)}, "The answer's system."),
    _parameter("datetime", {"type": "string"}, "An instant or an interval (../..)."),
    _parameter("cursor", {"type": "string"}, "The next page's key, from a `next` link."),
]


def _get(summary: str, parameters: list[dict], answer: str = "application/json") -> dict:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": {"description": "Done.", "content": {answer: {"schema": {}}}},
                "400": {"description": "A parameter is not valid; the answer names it."},
                "404": {"description": "No such collection or feature."},
            },
        }
    }


def definition(server: str) -> dict:
    """OpenAPI 3.0 of the landing page, conformance, collections, items and single items."""
    feature_id = _parameter("featureId", {"type": "string"}, "A feature's id.", where="path")
    return {
        "openapi": "3.0.3",
        "info": {"title": "SmartTrees — OGC API – Features", "version": "1.0"},
        "servers": [{"url": server}],
        "paths": {
            "/": _get("Landing page", []),
            "/conformance": _get("Conformance classes", []),
            "/api": _get("This definition", [], OPENAPI_MEDIA),
            "/collections": _get("Collections", []),
            "/collections/{collectionId}": _get("A collection", [COLLECTION_ID]),
            "/collections/{collectionId}/queryables": _get("Its queryables", [COLLECTION_ID]),
            "/collections/{collectionId}/items": _get(
                "Its features", ITEMS, "application/geo+json"
            ),
            "/collections/{collectionId}/items/{featureId}": _get(
                "One feature", [COLLECTION_ID, feature_id], "application/geo+json"
            ),
        },
    }
