"""Export progress for the browser's progress bar."""

from pathlib import Path

from flask import current_app, url_for
from flask_babel import gettext
from flask_login import current_user

from smarttrees.api import bp, shapes
from smarttrees.api.description import described
from smarttrees.auth import role_required
from smarttrees.models import Role
from smarttrees.services import exports


@bp.get("/exports/<export_id>")
@role_required(Role.VIEWER)
@described(
    "How far an export has gone",
    tag="Exports",
    answers={200: shapes.EXPORT_STATUS},
    path={"export_id": "The id the export page gave."},
)
def export_status(export_id: str):
    """How far an export has gone, and its file once done."""
    export = exports.get(
        export_id,
        export_dir=Path(current_app.config["EXPORT_DIR"]),
        user_id=current_user.id,
        sees_all=current_user.can(Role.ADMIN),
    )
    done = export.status == exports.ExportStatus.DONE
    return {
        "id": export.id,
        "status": export.status.value,
        "rows_done": export.rows_done,
        "rows_total": export.rows_total,
        "step": export.step,
        "failure": gettext(export.failure) if export.failure else None,
        "file": url_for("pages.export_file", export_id=export.id) if done else None,
    }
