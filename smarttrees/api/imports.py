"""Import progress for the browser's progress bar."""

from smarttrees.api import bp, shapes
from smarttrees.api.description import described
from smarttrees.auth import role_required
from smarttrees.models import Role
from smarttrees.services import imports


@bp.get("/imports/<int:batch_id>")
@role_required(Role.MANAGER)
@described(
    "How far an import has gone",
    tag="Imports",
    answers={200: shapes.IMPORT_STATUS},
    path={"batch_id": "The import's number."},
)
def import_status(batch_id: int):
    """How far an import has gone, for the progress bar."""
    batch = imports.get_batch(batch_id)
    return {
        "id": batch.id,
        "status": batch.status.value,
        "rows_done": batch.rows_done,
        "rows_total": batch.rows_total,
        "step": batch.step,
        "summary": {k: v for k, v in (batch.summary or {}).items() if k not in HEAVY},
    }


HEAVY = ("preview", "species", "columns", "already_sample")  # for the review page, not the bar
