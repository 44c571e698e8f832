"""Chain of custody: nurseries, seedling lots and their ledger."""

from smarttrees.services.custody.lots import (
    LOT_PREFIX,
    create_lot,
    create_nursery,
    get_lot,
    record_event,
)

__all__ = ["LOT_PREFIX", "create_lot", "create_nursery", "get_lot", "record_event"]
