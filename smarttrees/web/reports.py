"""The planners' dashboard: every figure under the map's filters, its charts and map, and the
same figures as an Excel workbook."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, render_template, request, send_file, url_for
from flask_babel import gettext

from smarttrees import report_document
from smarttrees.auth import role_required
from smarttrees.errors import ValidationFailed
from smarttrees.labels.options import label_fonts
from smarttrees.models import Role, TreeCategory
from smarttrees.services import inventory, reports
from smarttrees.web import bp, report_charts, report_workbook


def _filter_or_errors() -> tuple[reports.ReportFilter, dict]:
    """The filter of the query string; a bad one shows everything, with each field's error."""
    try:
        return reports.parse_filter(request.args), {}
    except ValidationFailed as error:
        return reports.ReportFilter(), {k: gettext(v) for k, v in error.details.items()}


def _choices() -> dict:
    return {
        "species_options": [(s.id, s.label) for s in inventory.list_species()],
        "commune_options": [(c.id, c.name) for c in inventory.list_communes()],
        "category_options": [(c.value, gettext(c.value)) for c in TreeCategory],
    }


@bp.get("/reports")
@role_required(Role.VIEWER)
def reports_dashboard():
    """Trees, stands, survival and carbon under one filter, with links to the trees behind."""
    report, errors = _filter_or_errors()
    figures = reports.dashboard(report)
    args = report.as_args()
    page = render_template(
        "reports/dashboard.html",
        figures=figures,
        charts=report_charts.charts(figures, args),
        method=reports.method(),
        method_names=report_charts.METHOD_NAMES,
        province_bounds=inventory.province_bounds(),
        args=args,
        errors=errors,
        trees_url=url_for("pages.tree_list", **args),
        trees_link=lambda **extra: url_for("pages.tree_list", **(args | extra)),
        **_choices(),
    )
    return page, 422 if errors else 200


@bp.get("/reports.xlsx")
@role_required(Role.VIEWER)
def reports_workbook():
    """Every figure of the dashboard as a sheet of its own."""
    report = reports.parse_filter(request.args)
    out = io.BytesIO()
    report_workbook.write(out, reports.dashboard(report), filters=report.as_args())
    out.seek(0)
    return send_file(
        out,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        download_name="bao-cao-cay-xanh.xlsx",
    )


@bp.get("/reports.pdf")
@role_required(Role.VIEWER)
def reports_document():
    """The dashboard as an A4 report to sign and send, in the reader's language."""
    report = reports.parse_filter(request.args)
    out = io.BytesIO()
    report_document.write_report(
        out,
        figures=reports.dashboard(report),
        shapes=reports.commune_shapes(),
        method=reports.method(),
        filters=_filters_stated(report),
        texts={message: gettext(message) for message in report_document.TEXTS},
        fonts=label_fonts(current_app.config),
        generated_at=datetime.now(tz=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])),
        province=reports.province_name(),
    )
    out.seek(0)
    return send_file(
        out, mimetype="application/pdf", download_name="bao-cao-cay-xanh.pdf", as_attachment=True
    )


def _filters_stated(report: reports.ReportFilter) -> list[tuple[str, str]]:
    """The filter as the reader reads it: each field's name and its value's name."""
    stated = []
    if report.category:
        stated.append((gettext("Category"), gettext(report.category.value)))
    if report.species_id:
        species = {s.id: s.label for s in inventory.list_species()}
        stated.append((gettext("Species"), species.get(report.species_id, "?")))
    if report.commune_id:
        communes = {c.id: c.name for c in inventory.list_communes()}
        stated.append((gettext("Commune"), communes.get(report.commune_id, "?")))
    if report.year:
        stated.append((gettext("Year planted"), str(report.year)))
    return stated
