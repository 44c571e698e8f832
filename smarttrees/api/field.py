"""The field app's API: a device token, the trees of an area to keep offline, and sync."""

import json
from pathlib import Path

from flask import current_app, request
from flask_babel import gettext
from flask_login import current_user

from smarttrees.api import bp
from smarttrees.auth import role_required
from smarttrees.error_handlers import translate_details
from smarttrees.errors import ValidationFailed
from smarttrees.inputs import is_whole
from smarttrees.models import Role
from smarttrees.services import admin, inventory


@bp.post("/field/token")
@role_required(Role.FIELD)
def field_token():
    """A token for this device, so its records can sync after the session has ended."""
    name = (request.get_json(silent=True) or {}).get("device") or "field app"
    return {"token": admin.issue_token(current_user, name=str(name)[:80])}, 201


@bp.get("/field/trees")
@role_required(Role.VIEWER)
def field_trees():
    commune = request.args.get("commune_id", "")
    if not is_whole(commune):
        raise ValidationFailed(
            "Some parameters are not valid.", details={"commune_id": "Choose a commune."}
        )
    return inventory.area_for_offline(int(commune))


@bp.post("/sync")
@role_required(Role.FIELD)
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
            error["message"] = gettext(error.get("message") or "The record was refused.")
            error["details"] = translate_details(error.get("details"))
    return {"results": results}


def _json_field(value: str | None):
    try:
        return json.loads(value or "")
    except ValueError:
        return None  # refused below as "not a list of records"
