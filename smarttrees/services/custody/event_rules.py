"""What an event of a lot's ledger says and when it may have happened: its values from any door
(each wrong one named), what each kind must name, and the date rule (nothing leaves or is
counted in a lot before its seedlings came in; a day without a time falls on that day)."""

import re
from collections.abc import Mapping
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from smarttrees.errors import ValidationFailed
from smarttrees.extensions import db
from smarttrees.inputs import Fields
from smarttrees.labels import codes
from smarttrees.models import LotEvent, LotEventKind, SeedlingLot
from smarttrees.models.nursery import STOCK_IN
from smarttrees.schemas import Choice, Day, Moment, Schema, Text, Whole

MAX_QUANTITY = 100_000_000
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
# What each kind of event must name besides its quantity.
REQUIRED = {
    LotEventKind.DISPATCHED: ("counterparty",),
    LotEventKind.LOST: ("reason",),
}
MAX_TREE_POINTS = 2000  # tree codes on one planting event


def _event_schema(*, quantity_required: bool) -> Schema:
    return Schema(
        "Lot event",
        (
            Choice("kind", required=True, choices=LotEventKind),
            Whole("quantity", required=quantity_required, low=1, high=MAX_QUANTITY,
                  about="Seedlings; a planting with tree codes may leave it out."),
            Whole("losses", low=0, high=MAX_QUANTITY),
            Whole("stand_id", low=1, about="Where a planting went."),
            Text("counterparty", max_length=160, about="Who received a dispatch (required)."),
            Text("document", max_length=80),
            Text("reason", max_length=200, about="Why seedlings were lost (required)."),
            Text("notes", max_length=2000),
            Text("client_id", max_length=64, about="The device's own id: a replay adds nothing."),
            Moment("occurred_at"),
            Day("occurred_on", about="A day without a time, as forms send it."),
            Text("trees", max_length=40_000,
                 about="A planting's tree codes, separated by spaces or commas."),
        ),
    )  # fmt: skip


EVENT = _event_schema(quantity_required=True)
PLANTING_TREES = _event_schema(quantity_required=False)


def parse_event(raw: Mapping[str, Any]) -> dict:
    """An event's values from any door, or ValidationFailed naming every wrong field."""
    planting_trees = raw.get("kind") == "planted" and str(raw.get("trees") or "").strip() != ""
    fields = (PLANTING_TREES if planting_trees else EVENT).read(raw)
    fields.values.pop("trees", None)  # the codes are read by the planting's own rule
    kind = fields.values.get("kind")
    for name in REQUIRED.get(kind, ()):
        if not fields.values.get(name) and name not in fields.errors:
            fields.errors[name] = "This field is required."
    if kind == LotEventKind.PLANTED:
        _planting_place(fields)
    elif fields.present("trees"):
        fields.errors["trees"] = "Tree codes go with a planting only."
    if fields.errors:
        raise ValidationFailed("Some fields are not valid.", details=fields.errors)
    values = dict(fields.values)
    if (day := values.pop("occurred_on", None)) and "occurred_at" not in values:
        # A day on a form: noon there (now, if today's noon is still ahead), moved later when
        # the seedlings came in that same day (see record).
        values["occurred_at"] = min(datetime.combine(day, time(12), LOCAL), datetime.now(UTC))
        values["day_only"] = True
    return values


def _planting_place(fields: Fields) -> None:
    """A planting names its stand, or the trees it became (tree points, by their codes)."""
    text = str(fields.raw.get("trees") or "")
    trees = list(dict.fromkeys(codes.normalize(c) for c in re.split(r"[\s,;]+", text) if c))
    if any(not set(code) <= set(codes.ALPHABET) for code in trees):
        fields.errors["trees"] = "A tree code is written with the letters and digits of a label."
    elif len(trees) > MAX_TREE_POINTS:
        fields.errors["trees"] = "At most 2,000 tree codes on one planting."
    elif trees:
        quantity = fields.values.setdefault("quantity", len(trees))
        if quantity != len(trees):
            fields.errors["quantity"] = "The quantity must equal the number of tree codes."
        fields.values["trees"] = trees
    elif not fields.values.get("stand_id") and "stand_id" not in fields.errors:
        fields.errors["stand_id"] = "Choose the stand, or give the codes of the trees planted."


def arrival(lot: SeedlingLot, kind: LotEventKind) -> datetime | None:
    """When seedlings first came into the lot (for a receipt: when they were dispatched)."""
    if kind in STOCK_IN and lot.parent_lot_id is None:
        return None
    if kind in STOCK_IN:
        where = LotEvent.counterpart_lot_id == lot.id
    else:
        where = (LotEvent.lot_id == lot.id) & LotEvent.kind.in_(STOCK_IN)
    return db.session.scalar(select(func.min(LotEvent.occurred_at)).where(where))


def on_that_day(lot: SeedlingLot, kind: LotEventKind, noon: datetime) -> datetime:
    """A day given without a time: on the day the seedlings arrived, no earlier than they did."""
    first_in = arrival(lot, kind)
    if (
        first_in
        and noon < first_in
        and noon.astimezone(LOCAL).date() == first_in.astimezone(LOCAL).date()
    ):
        return first_in
    return noon


def check_date(lot: SeedlingLot, kind: LotEventKind, when: datetime | None) -> None:
    """Nothing leaves or is counted in a lot before seedlings first came into it."""
    first_in = arrival(lot, kind)
    if first_in is not None and (when or datetime.now(UTC)) < first_in:
        raise ValidationFailed(
            "Some fields are not valid.",
            details={"occurred_at": "This date is before the seedlings came into the lot."},
        )
