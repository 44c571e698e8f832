"""The API described by OpenAPI 3.1, made from the routes themselves: each one's description,
the schemas that validate its requests and the shapes of its answers. Served at
/api/v1/openapi.json and browsable at /api/v1/docs (Swagger UI, served by the app)."""

import re

from flask import Flask, current_app, render_template, url_for
from flask_babel import gettext
from werkzeug.routing import Rule

from smarttrees.api import bp, shapes
from smarttrees.api.description import JSON, Operation, described
from smarttrees.schemas import Schema

PREFIX = "/api/v1"
ARGUMENT = re.compile(r"<(?:([a-z]+):)?([a-z_]+)>")  # <code>, <int:batch_id>
ERRORS = {
    400: "The request is not valid.",
    401: "Not signed in, or the token is unknown or expired.",
    403: "The user's role does not allow this.",
    404: "Nothing has this code or id.",
    409: "It conflicts with what is stored.",
    413: "The upload is too large.",
    422: "A value is not valid: `details` names each field with what is wrong.",
    503: "The database is not answering; nothing was saved. Try again.",
}
COMPONENTS = {
    "Species": shapes.SPECIES,
    "CommuneRef": shapes.COMMUNE_REF,
    "Tree": shapes.TREE,
    "TreePage": shapes.TREE_PAGE,
    "Inspection": shapes.INSPECTION,
    "Error": shapes.ERROR,
}


def _path(rule: Rule) -> str:
    """/trees/<code> → /trees/{code} (relative to the server, /api/v1)."""
    return ARGUMENT.sub(r"{\2}", rule.rule.removeprefix(PREFIX))


def _path_parameters(rule: Rule, op: Operation) -> list[dict]:
    found = []
    for converter, name in ARGUMENT.findall(rule.rule):
        schema = {"type": "integer", "minimum": 0} if converter == "int" else {"type": "string"}
        parameter = {"name": name, "in": "path", "required": True, "schema": schema}
        found.append(parameter | ({"description": op.path[name]} if name in op.path else {}))
    return found


def _body(op: Operation) -> dict | None:
    if op.body is None:
        return None
    body = op.body.json_schema() if isinstance(op.body, Schema) else op.body
    content = {JSON: {"schema": body}}
    if op.forms is not None:
        content["multipart/form-data"] = {"schema": op.forms}
    return {"required": True, "content": content}


def _refusals(rule: Rule, view, op: Operation) -> set[int]:
    statuses = {400, 422, 503, *op.refusals}
    if getattr(view, "role", None) is not None:
        statuses |= {401, 403}
    if rule.arguments:
        statuses.add(404)
    if op.body is not None:
        statuses.add(413)
    return statuses


def _security(view) -> tuple[list[dict], str]:
    role = getattr(view, "role", None)
    if role is None:
        return [{}], gettext("Open to everyone.")
    signed_in = [{"token": []}, {"session": []}]
    if getattr(view, "public", False):
        return [{}, *signed_in], gettext(
            "Open to everyone when the public map is on; else to viewers and above."
        )
    return signed_in, gettext("Needs the role %(role)s or above.", role=gettext(role.value))


PROSE = ("summary", "description", "title")


def in_language(value):
    """The document's prose (summaries, descriptions, titles, tags) in the request's language;
    names, types and values as they are. The operation's own description is done already."""
    if isinstance(value, dict):
        return {
            key: _translated(item) if key in PROSE and isinstance(item, str) else in_language(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [in_language(item) for item in value]
    return value


def _translated(text: str) -> str:
    return gettext(text) if text.strip() else text


def _operation(rule: Rule, view, op: Operation) -> dict:
    security, who = _security(view)
    about = gettext(op.about) if op.about else ""
    responses = {
        str(status): {
            "description": "Done.",
            "content": {op.media: {"schema": schema}},
        }
        for status, schema in op.answers.items()
    }
    for status in sorted(_refusals(rule, view, op)):
        responses[str(status)] = {"$ref": f"#/components/responses/E{status}"}
    parameters = _path_parameters(rule, op) + (op.query.parameters() if op.query else [])
    operation = {
        "operationId": rule.endpoint.removeprefix("api."),
        "summary": op.summary,
        "description": f"{about}\n\n{who}".strip(),
        "tags": [gettext(op.tag)],
        "security": security,
        "parameters": parameters,
        "responses": responses,
    }
    if (body := _body(op)) is not None:
        operation["requestBody"] = body
    return operation


def document(app: Flask) -> dict:
    """The whole description; LookupError names a route under /api/v1 that lacks one."""
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(f"{PREFIX}/"):
            continue
        view = app.view_functions[rule.endpoint]
        op = getattr(view, "operation", None)
        if op is None:
            raise LookupError(f"the route {rule.endpoint} is not described")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(_path(rule), {})[method.lower()] = _operation(rule, view, op)
    return in_language(_whole(paths))


def _whole(paths: dict) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SmartTrees API",
            "version": "1",
            "description": (
                "Trees, communes, the field app's sync, custody and reports of a province's "
                "forestry inventory. Every error has one shape: "
                '{"error": {"code", "message", "details"}}. Messages and this description are '
                "in the language Accept-Language asks for (Vietnamese or English; ?lang=en or "
                "?lang=vi chooses too), else Vietnamese. Collections for GIS clients are at "
                "/ogcapi."
            ),
        },
        "servers": [{"url": PREFIX}],
        "paths": paths,
        "components": {
            "schemas": COMPONENTS,
            "responses": {
                f"E{status}": {
                    "description": text,
                    "content": {JSON: {"schema": shapes.ref("Error")}},
                }
                for status, text in ERRORS.items()
            },
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A device token from POST /field/token, or an admin's.",
                },
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


@bp.get("/openapi.json")
@described("This description", tag="API", answers={200: {"type": "object"}})
def openapi_document():
    """OpenAPI 3.1, made from the routes and the schemas that validate their requests."""
    return document(current_app)


@bp.get("/docs")
@described("This description, to read", tag="API", answers={200: {}}, media="text/html")
def api_docs():
    """The description in Swagger UI, served by the app (no outside request)."""
    return render_template("api_docs.html", spec=url_for("api.openapi_document"))
