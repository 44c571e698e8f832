"""Records made offline by the field app, applied exactly once when the phone is back online.

Every record carries the id the phone gave it (client_id): a replay finds the first copy and
changes nothing. An inspection of a tree that changed on the server since the phone downloaded
it is still kept (history is append-only) and reported as a conflict; the tree's current values
follow whichever observation is the latest.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from smarttrees.errors import DomainError, ValidationFailed
from smarttrees.extensions import db
from smarttrees.inputs import UNSTORABLE, storable
from smarttrees.models import User
from smarttrees.services.inventory import inspections, trees

# What a phone's inspection record carries beyond the form's fields.
SYNCED_FIELDS = (
    *inspections.INSPECTION_FIELDS,
    "client_id",
    "inspected_at",
    "base_updated_at",
)

MAX_RECORDS = 500
NOT_SAVED = "This record could not be saved; it stays on the phone."
DATABASE_AWAY = (
    "The database is not answering (it may be restarting); the record stays on the phone."
)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Photos:
    """Photos sent beside the records, by the client_id of the record each belongs to."""

    by_record: Mapping[str, BinaryIO] = field(default_factory=dict)
    directory: Path | None = None

    def of(self, record: Mapping[str, Any]) -> BinaryIO | None:
        return self.by_record.get(str(record["client_id"]))


def _inspection(record: Mapping[str, Any], actor: User, photos: Photos) -> dict:
    fields = {key: record.get(key) for key in SYNCED_FIELDS if key in record}
    done = inspections.record_inspection(
        str(record.get("code", "")),
        fields,
        actor=actor,
        photo=photos.of(record),
        photo_dir=photos.directory,
    )
    if not done.created:
        return {"status": "duplicate"}
    return {"status": "created", "conflict": done.conflict, "code": done.inspection.tree.code}


def _tree(record: Mapping[str, Any], actor: User, photos: Photos) -> dict:
    if trees.tree_from_client(record["client_id"]):
        return {"status": "duplicate"}
    tree = trees.plant_tree(record, actor=actor)
    if (photo := photos.of(record)) is not None:
        # A new tree's photo is its first inspection, with the measure taken on tagging.
        first = {"client_id": f"{record['client_id']}/photo", "dbh_cm": record.get("dbh_cm")}
        try:
            inspections.record_inspection(
                tree.code, first, actor=actor, photo=photo, photo_dir=photos.directory
            )
        except DomainError as error:  # the tree is saved; its photo is said to be refused
            db.session.rollback()
            return {"status": "created", "code": tree.code, "photo_error": error.details}
    return {"status": "created", "code": tree.code}


APPLY = {"inspection": _inspection, "tree": _tree}


def _apply_one(record: Any, actor: User, photos: Photos, actor_id: int) -> dict:
    if not isinstance(record, Mapping) or not record.get("client_id"):
        return {
            "status": "rejected",
            "error": {
                "code": "invalid",
                "details": {"client_id": "Every record needs its client_id."},
            },
        }
    said = {name: record.get(name, "") for name in ("client_id", "code")}
    unstorable = [
        name for name, value in said.items()
        if not isinstance(value, (str, int)) or not storable(str(value))
    ]  # fmt: skip
    if unstorable:
        return {
            "client_id": str(record["client_id"]).replace("\x00", ""),
            "status": "rejected",
            "error": {"code": "invalid", "details": dict.fromkeys(unstorable, UNSTORABLE)},
        }
    kind = record.get("type")
    if not isinstance(kind, str) or kind not in APPLY:  # a list is no type, and unhashable
        return {
            "client_id": record["client_id"],
            "status": "rejected",
            "error": {"code": "invalid", "details": {"type": "inspection or tree"}},
        }
    try:
        result = APPLY[kind](record, actor, photos)
    except DomainError as error:
        db.session.rollback()
        refusal = {"code": error.code, "message": error.message, "details": error.details}
        # What the message names ("%(commune)s"), for the door that translates it.
        result = {"status": "rejected", "error": refusal | {"params": error.params}}
    except Exception as error:  # any other failure rejects this record alone
        _roll_back()
        if isinstance(error, OperationalError) and not _database_answers():
            raise DatabaseAway from error
        log.exception("sync: record %s of user %s failed", record["client_id"], actor_id)
        result = {
            "status": "rejected",
            "error": {"code": "server_error", "message": NOT_SAVED, "details": {}},
        }
    return {"client_id": record["client_id"], **result}


class DatabaseAway(Exception):
    """The database stopped answering in the middle of a sync."""


def _roll_back() -> None:
    try:
        db.session.rollback()
    except OperationalError:  # the connection died with the server; nothing is left to undo
        db.session.close()


def _database_answers() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        return True
    except OperationalError:
        _roll_back()
        return False


def _not_tried(record: Any) -> dict:
    """A record left on the phone because the database went away before it was applied."""
    client_id = record.get("client_id") if isinstance(record, Mapping) else None
    error = {"code": "database_away", "message": DATABASE_AWAY, "details": {}}
    return {"client_id": client_id, "status": "rejected", "error": error}


def apply_records(records: list, *, actor: User, photos: Photos | None = None) -> list[dict]:
    """Apply each record in its own transaction; one bad record (whatever fails in it) does not
    stop the others, and each result says truly whether its record was saved. A record's photo
    travels beside it and is stored with its inspection."""
    if not isinstance(records, list) or len(records) > MAX_RECORDS:
        raise ValidationFailed(
            "Send a list of at most 500 records.",
            details={"records": f"a list of at most {MAX_RECORDS}"},
        )
    actor_id = actor.id  # read once: after a rollback it would need the database
    results = []
    for index, record in enumerate(records):
        try:
            results.append(_apply_one(record, actor, photos or Photos(), actor_id))
        except DatabaseAway:  # the rest are not tried one by one against a server that is down
            log.warning("sync: the database went away at record %d of %d", index + 1, len(records))
            return results + [_not_tried(rest) for rest in records[index:]]
    return results
