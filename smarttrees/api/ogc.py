"""OGC API – Features (Part 1 core, Part 2 coordinate systems) at /ogcapi: landing page,
conformance, collections, items and single items, as JSON/GeoJSON or HTML by content
negotiation (`f=json|html` or the Accept header). QGIS and GDAL's OAPIF driver read it.

Open to everyone when the public map is on (public fields only), else to signed-in users and
bearer tokens; staff see every field."""

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_login import current_user

from smarttrees import field_names
from smarttrees.api import ogc_definition
from smarttrees.api.ogc_definition import OPENAPI_MEDIA
from smarttrees.auth import public_or_viewer
from smarttrees.services.interop import features
from smarttrees.services.interop.collections import COLLECTIONS, CRS, CRS84

bp = Blueprint("ogc", __name__, url_prefix="/ogcapi")
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
GEOJSON = "application/geo+json"


def _html() -> bool:
    wanted = request.args.get("f", "").lower()
    if wanted:
        return wanted == "html"
    best = request.accept_mimetypes.best_match(["application/json", GEOJSON, "text/html"])
    return best == "text/html"


def _answer(body: dict, template: str, *, mimetype: str = "application/json", **page):
    if _html():
        return render_template(template, body=body, names=field_names, **page)
    response = jsonify(body)
    response.mimetype = mimetype
    return response


def _link(endpoint: str, rel: str, kind: str, title: str, **values) -> dict:
    f = "html" if kind == "text/html" else "json"
    href = url_for(endpoint, _external=True, f=f, **values)
    return {"href": href, "rel": rel, "type": kind, "title": title}


def _staff() -> bool:
    return bool(current_user.is_authenticated)


@bp.get("/")
@public_or_viewer
def landing():
    body = {
        "title": "SmartTrees — Thái Nguyên",
        "description": "Trees, stands and communes of the province's green-asset inventory.",
        "links": [
            _link("ogc.landing", "self", "application/json", "This document"),
            _link("ogc.landing", "alternate", "text/html", "This document as HTML"),
            _link("ogc.conformance", "conformance", "application/json", "Conformance"),
            {
                "href": url_for("ogc.definition", _external=True),
                "rel": "service-desc",
                "type": OPENAPI_MEDIA,
                "title": "The API definition (OpenAPI 3.0)",
            },
            _link("ogc.collections", "data", "application/json", "Collections"),
        ],
    }
    return _answer(body, "ogc/landing.html")


@bp.get("/api")
@public_or_viewer
def definition():
    """The API definition the landing page links (rel service-desc)."""
    response = jsonify(ogc_definition.definition(url_for("ogc.landing", _external=True)))
    response.mimetype = "application/vnd.oai.openapi+json"
    return response


@bp.get("/conformance")
@public_or_viewer
def conformance():
    return _answer({"conformsTo": CONFORMANCE}, "ogc/conformance.html")


def _collection_body(collection_id: str) -> dict:
    found = COLLECTIONS[collection_id]
    bbox = features.extent(found)
    return {
        "id": found.id,
        "title": found.title,
        "description": found.description,
        "itemType": "feature",
        "crs": list(CRS),
        "storageCrs": CRS84,
        "extent": {"spatial": {"bbox": [bbox] if bbox else [], "crs": CRS84}},
        "links": [
            _link(
                "ogc.collection", "self", "application/json", found.title, collection_id=found.id
            ),
            _link("ogc.items", "items", GEOJSON, "Features", collection_id=found.id),
            _link("ogc.items", "items", "text/html", "Features as HTML", collection_id=found.id),
            _link(
                "ogc.queryables",
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                "application/schema+json",
                "Queryables",
                collection_id=found.id,
            ),
        ],
    }


@bp.get("/collections")
@public_or_viewer
def collections():
    body = {
        "links": [_link("ogc.collections", "self", "application/json", "Collections")],
        "collections": [_collection_body(collection_id) for collection_id in COLLECTIONS],
    }
    return _answer(body, "ogc/collections.html")


@bp.get("/collections/<collection_id>")
@public_or_viewer
def collection(collection_id: str):
    features.collection(collection_id)
    return _answer(_collection_body(collection_id), "ogc/collection.html")


@bp.get("/collections/<collection_id>/queryables")
@public_or_viewer
def queryables(collection_id: str):
    found = features.collection(collection_id)
    body = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "title": found.title,
        "properties": {
            name: {"title": q.title, "type": "integer" if q.kind == "integer" else "string"}
            for name, q in found.queryables.items()
        },
    }
    response = jsonify(body)
    response.mimetype = "application/schema+json"
    return response


@bp.get("/collections/<collection_id>/items")
@public_or_viewer
def items(collection_id: str):
    found = features.collection(collection_id)
    query = features.parse_items(found, request.args)
    page, cursor = features.items(found, query, staff=_staff())
    known = features.known_parameters(found)
    args = {k: v for k, v in request.args.items() if k in known and k not in ("cursor", "f")}
    links = [
        _link(
            "ogc.items",
            "self",
            GEOJSON,
            "This page",
            collection_id=found.id,
            **args,
            **({"cursor": query.after} if query.after is not None else {}),
        )
    ]
    if cursor is not None:
        links.append(
            _link(
                "ogc.items",
                "next",
                GEOJSON,
                "Next page",
                collection_id=found.id,
                **args,
                cursor=cursor,
            )
        )
    body = {
        "type": "FeatureCollection",
        "features": page,
        "numberReturned": len(page),
        "links": links,
    }
    response = _answer(body, "ogc/items.html", mimetype=GEOJSON, collection=found)
    return _with_crs(response, query.crs)


@bp.get("/collections/<collection_id>/items/<feature_id>")
@public_or_viewer
def item(collection_id: str, feature_id: str):
    found = features.collection(collection_id)
    crs = features.parse_items(found, {"crs": request.args.get("crs", "")}).crs
    if unknown := set(request.args) - {"crs", "f"}:
        raise features.ParameterInvalid(
            "Some parameters are not valid.",
            details={sorted(unknown)[0]: "This parameter is not one the collection knows."},
        )
    feature = features.item(found, feature_id, crs=crs, staff=_staff())
    feature["links"] = [
        _link(
            "ogc.item",
            "self",
            GEOJSON,
            "This feature",
            collection_id=found.id,
            feature_id=feature_id,
        ),
        _link(
            "ogc.collection", "collection", "application/json", found.title, collection_id=found.id
        ),
    ]
    response = _answer(feature, "ogc/item.html", mimetype=GEOJSON, collection=found)
    return _with_crs(response, crs)


def _with_crs(response, crs: str):
    """Part 2: the answer names the coordinate system of its coordinates."""
    if not isinstance(response, str):
        response.headers["Content-Crs"] = f"<{crs}>"
    return response
