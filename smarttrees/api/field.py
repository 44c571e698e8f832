"""The field app's API: a device token, the trees of an area to keep offline, and sync."""

import json
from pathlib import Path

from flask import current_app, g, request
from flask_babel import gettext
from flask_login import current_user

from smarttrees.api import bp, shapes
from smarttrees.api.description import described
from smarttrees.api.params import json_body
from smarttrees.auth import role_required
from smarttrees.error_handlers import translate_details
from smarttrees.errors import Forbidden
from smarttrees.models import Role
from smarttrees.schemas import Schema
from smarttrees.services import admin, inventory


def _sync_record(schema: Schema, kind: str, **more: dict) -> dict:
    """A record of the phone's outbox: its schema's fields, its type and its own id."""
    body = schema.json_schema()
    identity = {"type": {"const": kind}, "client_id": {"type": "string", "maxLength": 64}}
    return body | {
        "properties": {**identity, **more, **body["properties"]},
        "required": ["type", "client_id", *more, *body.get("required", ())],
    }


SYNC_RECORD = {
    "oneOf": [
        _sync_record(inventory.INSPECTION, "inspection", code={"type": "string"}),
        _sync_record(inventory.NEW_TREE, "tree"),
    ]
}
SYNC_BODY = shapes.record(
    {"records": {"type": "array", "maxItems": inventory.MAX_RECORDS, "items": SYNC_RECORD}}
)
SYNC_FORM = shapes.record(
    {"records": {"type": "string", "description": "The records, as the JSON body gives them."}},
    {},
) | {
    "additionalProperties": {
        "type": "string",
        "contentMediaType": "image/jpeg",
        "description": "photo:<client_id>: the photo of that record.",
    }
}


@bp.post("/field/token")
@role_required(Role.FIELD)
@described(
    "A token for this device",
    tag="Field app",
    body=admin.DEVICE,
    answers={201: shapes.record({"token": shapes.TEXT})},
)
def field_token():
    """A token for this device, so its records can sync after the session has ended."""
    if g.get("signed_in_by_token"):  # else a stolen token would outlive its revocation
        raise Forbidden(
            "A token cannot issue another token: sign in with your password.",
            code="token_from_token",
        )
    sent = request.get_json(silent=True)
    device = admin.DEVICE.parse({} if sent is None else json_body()).get("device")
    return {"token": admin.issue_token(current_user, name=device or "field app")}, 201


@bp.get("/field/trees")
@role_required(Role.VIEWER)
@described(
    "A commune's trees, to keep offline",
    tag="Field app",
    query=inventory.OFFLINE_AREA,
    refusals=(404,),
    answers={200: shapes.OFFLINE_AREA},
)
def field_trees():
    area = inventory.OFFLINE_AREA.parse(request.args)
    return inventory.area_for_offline(area["commune_id"])


@bp.post("/sync")
@role_required(Role.FIELD)
@described(
    "Send the records made offline",
    tag="Field app",
    body=SYNC_BODY,
    forms=SYNC_FORM,
    answers={200: shapes.SYNC_RESULTS},
)
def sync_records():
    """Records made on a phone: JSON, or a form whose `records` field holds the JSON and whose
    files `photo:<client_id>` hold the photos taken with them."""
    photos = inventory.Photos()
    if request.mimetype == "multipart/form-data":
        records = _json_field(request.form.get("records"))
        photos = inventory.Photos(
            by_record={
                name.removeprefix("photo:"): upload.stream
                for name, upload in request.files.items()
                if name.startswith("photo:")
            },
            directory=Path(current_app.config["PHOTO_DIR"]),
        )
    else:
        body = request.get_json(silent=True)
        records = body.get("records") if isinstance(body, dict) else None
    results = inventory.apply_records(records, actor=current_user, photos=photos)
    for result in results:  # the phone shows rejections as they are: in the user's language
        error = result.get("error")
        if error:
            params = error.pop("params", None) or {}
            error["message"] = gettext(error.get("message") or "The record was refused.", **params)
            error["details"] = translate_details(error.get("details"))
    return {"results": results}


def _json_field(value: str | None):
    try:
        return json.loads(value or "")
    except ValueError:
        return None  # refused below as "not a list of records"
