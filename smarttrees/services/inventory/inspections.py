"""Inspections: the append-only history of a tree's measurements, condition and photos."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from geoalchemy2.shape import from_shape, to_shape
from sqlalchemy import func, select

from smarttrees.errors import StorageFull, ValidationFailed
from smarttrees.extensions import db
from smarttrees.inputs import Fields
from smarttrees.measures import MEASURES
from smarttrees.models import Condition, Inspection, User
from smarttrees.photos import NotAPhoto, PhotoNotStored, store_photo
from smarttrees.schemas import Choice, Flag, Location, Moment, Number, Schema, Text
from smarttrees.services.inventory.assigned_communes import ensure_may_work_at, ensure_may_work_in
from smarttrees.services.inventory.trees import get_tree
from smarttrees.services.saving import commit_changes

INSPECTION_FIELDS = (
    "dbh_cm",
    "height_m",
    "crown_m",
    "condition",
    "notes",
    "moved",
    "lon",
    "lat",
    "accuracy_m",
)


@dataclass(frozen=True)
class Recorded:
    """What recording an inspection did, whatever the door (form, JSON API, sync).

    `created` is False when a device or form sent the same record again (same client_id), or
    the same inspector recorded the very same values on the tree a few minutes ago (a form
    sent again after the back button): the inspection is then the earlier copy and nothing was
    added. `conflict` is True when the tree
    changed on the server after the device last saw it (`base_updated_at`): the inspection is
    still kept, as history, and the tree follows the latest observation.
    """

    inspection: Inspection
    created: bool
    conflict: bool = False


def record_inspection(
    code: str,
    raw: Mapping[str, Any],
    *,
    actor: User | None,
    photo: BinaryIO | None = None,
    photo_dir: Path | None = None,
) -> Recorded:
    """Append an inspection; the tree's current values follow it (a database trigger).

    Duplicates (by client_id) and conflicts (by base_updated_at) are decided here, once for
    every door. `inspected_at` keeps when a record made offline was seen, not when it synced.
    A photo is checked, turned upright and resized before anything is written.
    """
    if earlier := inspection_from_client(raw.get("client_id")):
        return Recorded(earlier, created=False)
    tree = get_tree(code)
    ensure_may_work_in(actor, tree.commune_id, field="code")
    values = _parse_inspection(raw, has_photo=photo is not None)
    base = values.pop("base_updated_at", None)
    conflict = base is not None and tree.updated_at > base
    geom = values.pop("geom", None)
    if values.get("moved"):  # the tree moves there: the new place must be the user's too
        ensure_may_work_at(actor, geom, field="location")
    if values.get("inspected_at") is None:
        values.pop("inspected_at", None)  # the database's now()
    if photo is None and (twin := _same_values_just_now(tree.id, actor, values, geom)):
        return Recorded(twin, created=False)
    if photo is not None:
        values["photo_path"] = _store_photo(photo, photo_dir)
    inspection = Inspection(tree_id=tree.id, inspector_id=actor.id if actor else None, **values)
    if geom is not None:
        inspection.geom = from_shape(geom, srid=4326)
    db.session.add(inspection)
    try:
        commit_changes(actor=actor)
    except ValidationFailed:
        # A simultaneous twin of this request won the unique client_id race.
        if earlier := inspection_from_client(raw.get("client_id")):
            return Recorded(earlier, created=False)
        raise
    db.session.refresh(tree)
    return Recorded(inspection, created=True, conflict=conflict)


RESENT_WITHIN = timedelta(minutes=10)
COMPARED = ("dbh_cm", "height_m", "crown_m", "condition", "notes", "moved")


def _same_values_just_now(tree_id: int, actor, values: dict, geom) -> Inspection | None:
    """The inspector's own inspection of the tree with these values, made moments ago."""
    if actor is None:
        return None
    latest = db.session.scalar(
        select(Inspection)
        .where(
            Inspection.tree_id == tree_id,
            Inspection.inspector_id == actor.id,
            Inspection.created_at > func.now() - RESENT_WITHIN,
            Inspection.photo_path.is_(None),
        )
        .order_by(Inspection.id.desc())
        .limit(1)
    )
    if latest is None:
        return None
    same = all(_same(getattr(latest, name), values.get(name)) for name in COMPARED)
    return latest if same and _same_place(latest.geom, geom) else None


def _same_place(stored, sent) -> bool:
    if stored is None or sent is None:
        return stored is None and sent is None
    return to_shape(stored).equals_exact(sent, 1e-7)


def _same(stored, sent) -> bool:
    if name := getattr(sent, "value", None):  # an enum
        sent = name
    stored = getattr(stored, "value", stored)
    if stored in (None, False, "") and sent in (None, False, ""):
        return True
    try:
        return Decimal(str(stored)) == Decimal(str(sent))
    except ArithmeticError:
        return stored == sent


INSPECTION = Schema(
    "Inspection",
    (
        Text("client_id", max_length=64, about="The recording device's own id of this record."),
        Moment("inspected_at", about="When it was made; now if not sent."),
        Moment("base_updated_at", about="The tree's updated_at the device last saw."),
        *(Number(name) for name in ("dbh_cm", "height_m", "crown_m", "accuracy_m")),
        Number("circumference_cm", about="The girth at 1.3 m; gives dbh_cm when none is sent."),
        Choice("condition", choices=Condition),
        Text("notes"),
        Flag("moved", about="The tree was found elsewhere: lon and lat give where."),
        Location(),
    ),
    about="Give at least one measurement, the condition, a note or a photo.",
)


def _parse_inspection(raw: Mapping[str, Any], *, has_photo: bool) -> dict:
    """Typed values of an inspection, or ValidationFailed naming every wrong field."""
    fields = INSPECTION.read(raw)
    _dbh_from_circumference(fields)
    if fields.values["moved"] and "geom" not in fields.values:
        fields.errors["location"] = "Give the new position to move the tree."
    measured = ("dbh_cm", "height_m", "crown_m", "condition", "notes", "moved")
    if not fields.errors and not has_photo and not any(fields.values.get(n) for n in measured):
        fields.errors["form"] = "Record at least one measurement, the condition or a note."
    if fields.errors:
        raise ValidationFailed("Some fields are not valid.", details=fields.errors)
    return dict(fields.values)


def _dbh_from_circumference(fields: Fields) -> None:
    """A tape round the trunk at 1.3 m gives the girth: DBH = circumference / π (a DBH sent
    beside it wins)."""
    girth = fields.values.pop("circumference_cm", None)
    if girth is None or fields.values.get("dbh_cm"):
        return
    dbh = round(girth / Decimal(str(math.pi)), 1)
    if not MEASURES["dbh"].holds(dbh):
        fields.errors["circumference_cm"] = MEASURES["dbh"].message
        return
    fields.values["dbh_cm"] = dbh


def _store_photo(photo: BinaryIO, photo_dir: Path | None) -> str:
    if photo_dir is None:
        raise ValueError("photo_dir is needed to store a photo")
    try:
        return store_photo(photo, photo_dir)
    except NotAPhoto as error:
        raise ValidationFailed(
            "Some fields are not valid.", details={"photo": "This file is not a photo."}
        ) from error
    except PhotoNotStored as error:
        raise StorageFull(
            "The server could not store the photo (its disk may be full): nothing was saved.",
            details={"photo": "not stored"},
        ) from error


def inspection_from_client(client_id: str | None) -> Inspection | None:
    """The inspection already recorded under this client-generated id, if any."""
    if not client_id:
        return None
    return db.session.scalar(select(Inspection).where(Inspection.client_id == str(client_id)))
