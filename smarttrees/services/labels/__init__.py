"""Labels: PDF sheets for a selection of trees, lots or batches, rolls of fresh codes, and what a
scanned code points to."""

from smarttrees.services.labels.printing import (
    Selection,
    count_labels,
    print_reserved_codes,
    write_labels,
)
from smarttrees.services.labels.scans import Scan, scan_batch, scan_lot, scan_tree

__all__ = [
    "Scan",
    "Selection",
    "count_labels",
    "print_reserved_codes",
    "scan_batch",
    "scan_lot",
    "scan_tree",
    "write_labels",
]
