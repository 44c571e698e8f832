"""Survey imports in the browser: upload, background check with progress, review, commit."""

import csv
import io
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user

from smarttrees import jobs
from smarttrees.auth import role_required
from smarttrees.models import ImportStatus, Role
from smarttrees.services import imports
from smarttrees.web import bp

CRS_CHOICES = (
    ("", "Stated in the file, else WGS 84"),
    ("EPSG:4326", "WGS 84 (GPS)"),
    ("EPSG:4756", "VN-2000 geographic"),
    ("EPSG:9213", "VN-2000 / TM-3 106°30′ (Thái Nguyên)"),
    ("EPSG:3405", "VN-2000 / UTM 48N"),
    ("EPSG:3406", "VN-2000 / UTM 49N"),
)
ERRORS_SHOWN = 200


def _defer(task: str, **kwargs) -> None:
    jobs.defer(task, database_url=current_app.config["DATABASE_URL"], **kwargs)


@bp.route("/imports/new", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def import_new():
    if request.method == "GET":
        return render_template("imports/new.html", crs_choices=CRS_CHOICES)
    upload = request.files.get("file")
    crs = request.form.get("crs", "").strip() or request.form.get("crs_other", "").strip()
    batch = imports.upload(
        upload.stream if upload else io.BytesIO(),
        upload.filename if upload else "",
        upload_dir=Path(current_app.config["UPLOAD_DIR"]),
        source=request.form.get("source", ""),
        crs=crs or None,
        layer=request.form.get("layer", "").strip() or None,
        category=request.form.get("category", "scattered"),
        actor=current_user,
    )
    _defer("check_import", batch_id=batch.id)
    return redirect(url_for("pages.import_detail", batch_id=batch.id))


@bp.get("/imports/<int:batch_id>")
@role_required(Role.MANAGER)
def import_detail(batch_id: int):
    batch = imports.get_batch(batch_id)
    errors = imports.row_errors(batch_id, limit=ERRORS_SHOWN)
    return render_template(
        "imports/detail.html", batch=batch, errors=errors, shown=ERRORS_SHOWN, Status=ImportStatus
    )


@bp.post("/imports/<int:batch_id>/commit")
@role_required(Role.MANAGER)
def import_commit(batch_id: int):
    batch = imports.get_batch(batch_id)
    if batch.status == ImportStatus.REVIEW:
        imports.mark_committing(batch_id)
        _defer("commit_import", batch_id=batch_id, actor_id=current_user.id)
    else:
        flash(gettext("This import cannot be committed now."))
    return redirect(url_for("pages.import_detail", batch_id=batch_id))


@bp.get("/imports/<int:batch_id>/errors.csv")
@role_required(Role.MANAGER)
def import_errors(batch_id: int):
    """Every problem of the batch, to fix in the file and upload again."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "code", "severity", "columns", "value", "message"])
    for error in imports.row_errors(batch_id):
        writer.writerow(
            [
                error.row_number,
                error.code,
                error.severity,
                " ".join(error.columns),
                error.value or "",
                gettext(error.message or ""),
            ]
        )
    data = io.BytesIO(out.getvalue().encode("utf-8-sig"))  # Excel opens UTF-8 with a BOM
    return send_file(data, mimetype="text/csv", download_name=f"import-{batch_id}-errors.csv")
