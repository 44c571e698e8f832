"""Custody as JSON: record a lot event (the phone's outbox sends these), trace a batch back or
a lot forward, and check or build the EUDR geolocation of a set of batches."""

from flask_login import current_user

from smarttrees.api import bp, shapes
from smarttrees.api.description import described
from smarttrees.api.params import json_body
from smarttrees.auth import role_required
from smarttrees.errors import ValidationFailed
from smarttrees.models import Role
from smarttrees.services import custody
from smarttrees.services.custody import eudr, trace
from smarttrees.services.custody.harvests import get_batch

MAX_BATCHES = 500
LOT = {"code": "The lot's label code."}
EUDR_BODY = shapes.record(
    {
        "batches": {
            "type": "array",
            "items": {"type": "string", "maxLength": 20},
            "minItems": 1,
            "maxItems": MAX_BATCHES,
            "description": "Codes of the product batches the statement covers.",
        }
    },
    {"repair": {"type": "boolean", "description": "Mend what can be mended (rings, overlaps)."}},
)


@bp.post("/lots/<code>/events")
@role_required(Role.NURSERY)
@described(
    "Record a lot's event",
    tag="Custody",
    body=custody.EVENT,
    answers={201: shapes.LOT_EVENT},
    path=LOT,
    refusals=(409,),
)
def record_lot_event(code: str):
    lot = custody.get_lot(code)
    event = custody.record(lot, json_body(), actor=current_user)
    return {
        "id": event.id,
        "lot": lot.code,
        "kind": event.kind.value,
        "quantity": event.quantity,
        "occurred_at": event.occurred_at.isoformat(),
        "client_id": event.client_id,
        "quantity_on_hand": lot.quantity_on_hand,
        "new_lot": event.counterpart_lot_id and custody.lot_code(event.counterpart_lot_id),
    }, 201


@bp.get("/trace/batches/<code>")
@role_required(Role.VIEWER)
@described(
    "A batch traced back to its seed",
    tag="Custody",
    answers={200: shapes.TRACE},
    path={"code": "The batch's label code."},
)
def trace_batch(code: str):
    return trace.as_json(trace.back_from_batch(get_batch(code)))


@bp.get("/trace/lots/<code>")
@role_required(Role.VIEWER)
@described(
    "A lot traced forward to its stands and timber",
    tag="Custody",
    answers={200: shapes.TRACE},
    path=LOT,
)
def trace_lot(code: str):
    return trace.as_json(trace.forward_from_lot(custody.get_lot(code)))


@bp.post("/custody/eudr")
@role_required(Role.MANAGER)
@described(
    "The EUDR geolocation of batches",
    tag="Custody",
    body=EUDR_BODY,
    answers={200: shapes.EUDR},
    refusals=(404,),
)
def eudr_statement():
    """The statement's facts, its violations by stand, the repairs made, and (when no rule is
    broken) the FeatureCollections, one per producer."""
    body = json_body()
    codes = body.get("batches")
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
        raise ValidationFailed(
            "Some fields are not valid.", details={"batches": "Give a list of batch codes."}
        )
    if len(codes) > MAX_BATCHES:
        raise ValidationFailed(
            "Some fields are not valid.", details={"batches": "At most 500 batches a statement."}
        )
    found = eudr.statement(codes, repair=body.get("repair") is True)
    geolocation = found.geolocation
    return {
        "ok": found.ok,
        "evidence": eudr.evidence_json(found),
        "batches_without_stand": found.unplaced,
        "facts": found.facts,
        "violations": eudr.violations_json(geolocation),
        "repairs": eudr.repairs_json(geolocation),
        "size_bytes": geolocation.size_bytes,
        "collections": list(geolocation.collections.values()) if found.ok else [],
    }
