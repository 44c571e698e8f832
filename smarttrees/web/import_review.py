"""The review of an import: the mapping settled by hand, rows fixed in place, the error report."""

import io

from flask import flash, redirect, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user

from smarttrees.auth import role_required
from smarttrees.importers.mapping import targets_for
from smarttrees.importers.report import REPORT_HEADER, report_xlsx
from smarttrees.inputs import is_whole
from smarttrees.models import Role
from smarttrees.services import imports
from smarttrees.web import bp

UNIT_FIELDS = ("dbh", "height", "crown")


def _species_choices(form) -> dict[str, int | None]:
    """name → species id, or None for "unidentified, keep the name"; "auto" leaves the match."""
    choices = {}
    for key, name in form.items():
        if key.startswith("species_name_"):
            value = form.get("species_" + key.removeprefix("species_name_"), "auto")
            if value == "none":
                choices[name] = None
            elif is_whole(value):
                choices[name] = int(value)
    return choices


@bp.post("/imports/<int:batch_id>/mapping")
@role_required(Role.MANAGER)
def import_mapping(batch_id: int):
    form = request.form
    if form.get("saved"):
        imports.apply_saved(batch_id, form["saved"])
    else:
        crs = form.get("crs", "").strip() or form.get("crs_other", "").strip()
        batch = imports.get_batch(batch_id)
        imports.settle(
            batch_id,
            mapping={t: form.get(f"col_{t}", "") for t in targets_for(batch.kind)},
            species=_species_choices(form),
            units={f: form[f"unit_{f}"] for f in UNIT_FIELDS if form.get(f"unit_{f}")},
            crs=(f"EPSG:{crs}" if is_whole(crs) else crs) or None,
            encoding=form.get("encoding") or None,
            save_as=form.get("save_as", "").strip() or None,
            actor=current_user,
        )
    return redirect(url_for("pages.import_detail", batch_id=batch_id))


@bp.post("/imports/<int:batch_id>/rows/<int:row_number>")
@role_required(Role.MANAGER)
def import_fix_row(batch_id: int, row_number: int):
    cells = {k.removeprefix("cell:"): v for k, v in request.form.items() if k.startswith("cell:")}
    problems = imports.fix_row(batch_id, row_number, cells)
    if problems:
        flash(gettext("Row %(row)s still has problems.", row=row_number), "error")
    else:
        flash(gettext("Row %(row)s is ready.", row=row_number))
    group = request.form.get("group") if request.form.get("group") == "warnings" else "errors"
    return redirect(url_for("pages.import_detail", batch_id=batch_id, group=group))


def report_rows(batch_id: int):
    for error in imports.row_errors(batch_id):
        yield [
            error.row_number,
            error.code,
            error.severity,
            " ".join(error.columns),
            error.value or "",
            gettext(error.message or ""),
        ]


@bp.get("/imports/<int:batch_id>/errors.xlsx")
@role_required(Role.MANAGER)
def import_errors_xlsx(batch_id: int):
    """The error report as a workbook, the row numbers as the file has them."""
    imports.get_batch(batch_id)
    data = io.BytesIO()
    report_xlsx(data, [gettext(h) for h in REPORT_HEADER], report_rows(batch_id))
    data.seek(0)
    return send_file(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        download_name=f"import-{batch_id}-errors.xlsx",
    )
