"""Reports as JSON: the carbon of living trees and every figure of the dashboard, under the
map's filters (commune by statistics code or id, category, species, year of planting)."""

from flask import request

from smarttrees.api import bp, shapes
from smarttrees.api.description import described
from smarttrees.auth import role_required
from smarttrees.models import Role
from smarttrees.services import reports


@bp.get("/reports/carbon")
@role_required(Role.VIEWER)
@described(
    "Carbon of the living trees", tag="Reports", query=reports.FILTER, answers={200: shapes.CARBON}
)
def carbon_report():
    """The same object as `flask reports carbon`."""
    return reports.carbon_report(reports.parse_filter(request.args))


@bp.get("/reports/dashboard")
@role_required(Role.VIEWER)
@described(
    "Every figure of the reports page",
    tag="Reports",
    query=reports.FILTER,
    answers={200: shapes.DASHBOARD},
)
def dashboard_figures():
    """Every figure of /reports for the filter."""
    report = reports.parse_filter(request.args)
    figures = reports.dashboard(report)
    computed = figures["growth"]["computed_at"]
    figures["growth"]["computed_at"] = computed.isoformat() if computed else None
    return {"filter": report.as_args(), **figures}
