"""Reports for planners: the dashboard's figures and the carbon of living trees, all under the
map's filters, summed from tallies the database keeps (schema/reports.sql)."""

from smarttrees.services.reports.carbon import (
    carbon_by_commune,
    carbon_of_stand,
    carbon_report,
    carbon_summary,
    method,
)
from smarttrees.services.reports.dashboard import dashboard
from smarttrees.services.reports.figures import commune_shapes, province_name
from smarttrees.services.reports.filters import FILTER, ReportFilter, parse_filter
from smarttrees.services.reports.growth import growth, refresh_growth
from smarttrees.services.reports.survival import survival

__all__ = [
    "FILTER",
    "ReportFilter",
    "carbon_by_commune",
    "carbon_of_stand",
    "carbon_report",
    "carbon_summary",
    "commune_shapes",
    "dashboard",
    "growth",
    "method",
    "parse_filter",
    "province_name",
    "refresh_growth",
    "survival",
]
