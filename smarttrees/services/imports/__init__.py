"""Survey imports: upload, queue, a pipeline whose steps each run once (open, stage, check,
write), the review that settles the mapping and fixes rows, and saved mappings."""

from smarttrees.services.imports.batches import (
    BATCHES_SHOWN,
    check_encoding,
    check_units,
    discard,
    get_batch,
    import_file,
    interrupted,
    list_batches,
    request_write,
    retry,
    row_errors,
    run_check,
    run_write,
    upload,
)
from smarttrees.services.imports.mappings import save_mapping, saved_mapping, saved_mappings
from smarttrees.services.imports.opening import FORMATS, UnreadableFile
from smarttrees.services.imports.review import apply_saved, fix_row, row_values, settle
from smarttrees.services.imports.undoing import request_undo, run_undo

__all__ = [
    "BATCHES_SHOWN",
    "FORMATS",
    "UnreadableFile",
    "apply_saved",
    "check_encoding",
    "check_units",
    "discard",
    "fix_row",
    "get_batch",
    "import_file",
    "interrupted",
    "list_batches",
    "request_undo",
    "request_write",
    "retry",
    "row_errors",
    "row_values",
    "run_check",
    "run_undo",
    "run_write",
    "save_mapping",
    "saved_mapping",
    "saved_mappings",
    "settle",
    "upload",
]
