"""Survey imports in the browser: upload, background check with progress, review, commit."""

import csv
import io
import math
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from smarttrees.auth import role_required
from smarttrees.errors import Conflict
from smarttrees.i18n import number
from smarttrees.importers.errors import CATALOGUE
from smarttrees.importers.mapping import targets_for
from smarttrees.importers.report import REPORT_HEADER
from smarttrees.measures import UNITS
from smarttrees.models import ImportStatus, Role
from smarttrees.services import imports, inventory, labels
from smarttrees.web import bp
from smarttrees.web.import_review import report_rows
from smarttrees.web.printing import label_pdf

CRS_CHOICES = (
    ("", "Stated in the file, else WGS 84"),
    ("EPSG:4326", "WGS 84 (GPS)"),
    ("EPSG:4756", "VN-2000 geographic"),
    ("EPSG:9213", "VN-2000 / TM-3 106°30′ (Thái Nguyên)"),
    ("EPSG:3405", "VN-2000 / UTM 48N"),
    ("EPSG:3406", "VN-2000 / UTM 49N"),
)
ROWS_SHOWN = 200  # rows with problems a page of the review shows


@bp.get("/imports")
@role_required(Role.MANAGER)
def import_list():
    """Past imports: who, when, which file, what they did; an unfinished one can be discarded."""
    batches = imports.list_batches(before=request.args.get("before", type=int))
    return render_template(
        "imports/list.html",
        batches=batches,
        Status=ImportStatus,
        unfinished=(ImportStatus.REVIEW, ImportStatus.FAILED),
        more=batches[-1].id if len(batches) >= imports.BATCHES_SHOWN else None,
    )


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
        kind=request.form.get("kind", "trees"),
        actor=current_user,
    )
    return redirect(url_for("pages.import_detail", batch_id=batch.id))


GROUPS = ("errors", "warnings", "already", "ready")
LABELS = {
    "lon": _l("Longitude"),
    "lat": _l("Latitude"),
    "x": _l("X (easting or northing)"),
    "y": _l("Y"),
    "wkt": _l("Geometry as WKT"),
    "latlon": _l("Latitude and longitude in one column"),
    "species": _l("Species"),
    "dbh": _l("Diameter at breast height"),
    "height": _l("Height"),
    "crown": _l("Crown width"),
    "condition": _l("Condition"),
    "category": _l("Category"),
    "planted": _l("Planted on"),
    "external_id": _l("Id in the file"),
    "notes": _l("Notes"),
    "tieu_khu": _l("Compartment (tiểu khu)"),
    "khoanh": _l("Sub-compartment (khoảnh)"),
    "lo": _l("Plot (lô)"),
    "name": _l("Name"),
    "planting_year": _l("Planting year"),
    "density": _l("Planting density (trees/ha)"),
    "owner": _l("Forest owner"),
    "forest_function": _l("Forest function"),
    "area": _l("Area declared (ha)"),
    "unit:cm": _l("cm"),
    "unit:mm": _l("mm"),
    "unit:m": _l("m"),
    "unit:ft": _l("feet"),
    "unit:in": _l("inches"),
    "unit:circumference_mm": _l("circumference in mm"),
    "unit:circumference_cm": _l("circumference in cm"),
    "unit:circumference_m": _l("circumference in m"),
    "match:exact": _l("scientific name"),
    "match:folded": _l("Vietnamese name"),
    "match:chosen": _l("chosen by hand"),
    "match:unidentified": _l("unidentified, name kept"),
    "match:ambiguous": _l("fits several species: choose"),
    "match:unknown": _l("not in the list"),
    "encoding:cp1258": _l("Windows-1258 (Vietnamese Windows)"),
    "encoding:tcvn3": _l("TCVN3 (.Vn fonts, ABC)"),
    "encoding:vni": _l("VNI (VNI- fonts)"),
}


@bp.get("/imports/<int:batch_id>")
@role_required(Role.MANAGER)
def import_detail(batch_id: int):
    batch = imports.get_batch(batch_id)
    summary = batch.summary or {}
    group = request.args.get("group") or _first_group(summary)
    group = group if group in GROUPS else "ready"
    severity = {"errors": "error", "warnings": "warning"}.get(group)
    after = request.args.get("after", 0, type=int)
    problems = (
        imports.row_errors(batch_id, severity=severity, rows=ROWS_SHOWN, after=after)
        if severity
        else []
    )
    by_row: dict[int, list] = {}
    for problem in problems:
        by_row.setdefault(problem.row_number, []).append(problem)
    values = imports.row_values(batch_id, list(by_row)) if severity else {}
    return render_template(
        "imports/detail.html",
        batch=batch,
        summary=summary,
        group=group,
        groups=GROUPS,
        by_row=by_row,
        values=values,
        page={"after": after, "next": max(by_row) if len(by_row) >= ROWS_SHOWN else None},
        Status=ImportStatus,
        targets=list(targets_for(batch.kind)),
        units=UNITS,
        crs_choices=CRS_CHOICES,
        all_species=inventory.list_species(),
        saved=imports.saved_mappings(),
        province_bounds=inventory.province_bounds(),
        map_link=_map_link(batch, summary),
        labels=LABELS,
        problem_kinds=_problem_kinds(summary),
        verdict_params={
            name: number(value) if isinstance(value, int | float) else value
            for name, value in ((summary.get("verdict") or {}).get("params") or {}).items()
        },
    )


def _first_group(summary: dict) -> str:
    """The rows a reviewer looks at first: errors, else warnings, else the ready ones."""
    if summary.get("errors"):
        return "errors"
    return "warnings" if summary.get("warnings") else "ready"


def _problem_kinds(summary: dict) -> list[tuple[str, str, str, int]]:
    """Each kind of problem the file has, errors first: (code, severity, message, rows)."""
    kinds = [(code, CATALOGUE[code], n) for code, n in summary.get("errors_by_code", {}).items()]
    ordered = sorted(kinds, key=lambda k: (k[1].severity != "error", -k[2]))
    return [(code, kind.severity, kind.message, n) for code, kind, n in ordered]


def _map_link(batch, summary: dict) -> str:
    """The province map, centred and zoomed on the points imported (not on rows refused for
    lying elsewhere: a file with a few points abroad would open the map over the sea), and,
    once the trees are written, showing only them."""
    bbox = (summary.get("preview") or {}).get("ready_bbox")
    if not bbox:
        return url_for("pages.province")
    west, south, east, north = bbox
    span = max(east - west, north - south, 1e-4)
    zoom = max(8, min(17, int(math.log2(360 / span))))
    only = (
        f"&batch={batch.id}" if batch.status == ImportStatus.DONE and batch.kind == "trees" else ""
    )
    return (
        url_for("pages.province")
        + f"#map={zoom}/{(south + north) / 2:.5f}/{(west + east) / 2:.5f}{only}"
    )


@bp.get("/imports/<int:batch_id>/labels.pdf")
@role_required(Role.MANAGER)
def import_labels(batch_id: int):
    """A label for every tree the import wrote."""
    imports.get_batch(batch_id)
    return label_pdf(
        labels.Selection(import_batch_id=batch_id),
        default_layout="a4-3x8",
        filename=f"import-{batch_id}-labels.pdf",
    )


@bp.post("/imports/<int:batch_id>/commit")
@role_required(Role.MANAGER)
def import_commit(batch_id: int):
    if not imports.request_write(batch_id, actor=current_user):
        flash(gettext("This import cannot be committed now."), "error")
    return redirect(url_for("pages.import_detail", batch_id=batch_id))


@bp.post("/imports/<int:batch_id>/retry")
@role_required(Role.MANAGER)
def import_retry(batch_id: int):
    """Check a failed import's file again."""
    imports.retry(batch_id)
    return redirect(url_for("pages.import_detail", batch_id=batch_id))


@bp.post("/imports/<int:batch_id>/discard")
@role_required(Role.MANAGER)
def import_discard(batch_id: int):
    """Forget an import that wrote nothing, and its uploaded file."""
    imports.discard(batch_id, upload_dir=Path(current_app.config["UPLOAD_DIR"]))
    flash(gettext("The import was discarded; nothing had been written."))
    return redirect(url_for("pages.import_list"))


@bp.post("/imports/<int:batch_id>/undo")
@role_required(Role.MANAGER)
def import_undo(batch_id: int):
    """Remove the trees or stands an import created and give the updated ones their values back."""
    try:
        imports.request_undo(batch_id, actor=current_user)
    except Conflict as error:
        named = error.details.get("examples", [])
        more = "…" if error.details.get("changed", 0) > len(named) else ""
        flash(gettext(error.message) + (f" ({', '.join(named)}{more})" if named else ""), "error")
    return redirect(url_for("pages.import_detail", batch_id=batch_id))


@bp.get("/imports/<int:batch_id>/errors.csv")
@role_required(Role.MANAGER)
def import_errors(batch_id: int):
    """Every problem of the batch, to fix in the file and upload again."""
    imports.get_batch(batch_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext(h) for h in REPORT_HEADER])
    writer.writerows(report_rows(batch_id))
    data = io.BytesIO(out.getvalue().encode("utf-8-sig"))  # Excel opens UTF-8 with a BOM
    return send_file(data, mimetype="text/csv", download_name=f"import-{batch_id}-errors.csv")
