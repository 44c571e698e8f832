"""Chain of custody: nurseries, seedling lots and their ledger, harvests, product batches,
shipments, the trace between them and the EUDR geolocation file."""

from smarttrees.services.custody.ledger import (
    dispatch,
    ledger_page,
    ledger_totals,
    merge,
    record,
    record_event,
    split,
)
from smarttrees.services.custody.lots import (
    LOT_PREFIX,
    create_lot,
    create_nursery,
    edit_lot,
    ensure_may_record,
    get_lot,
    lot_code,
    lots_for,
    may_record,
    new_lot,
    nurseries_for,
)

__all__ = [
    "LOT_PREFIX",
    "create_lot",
    "create_nursery",
    "dispatch",
    "edit_lot",
    "ensure_may_record",
    "get_lot",
    "ledger_page",
    "ledger_totals",
    "lot_code",
    "lots_for",
    "may_record",
    "merge",
    "new_lot",
    "nurseries_for",
    "record",
    "record_event",
    "split",
]
