"""The whole dashboard under one filter: every figure, read in one transaction."""

from smarttrees.services.reports import carbon, figures, growth
from smarttrees.services.reports.filters import ReportFilter


def dashboard(report: ReportFilter) -> dict:
    """Every figure of /reports for the filter, as plain data (the page, XLSX and PDF)."""
    tallied, known = figures.tally_figures(report), figures.names()
    communes = figures.by_commune(tallied["commune"], known["commune"])
    return {
        "carbon": _carbon(report, tallied, known)
        if tallied["total"]
        else carbon.carbon_summary(report),
        "categories": figures.counts(tallied["category"]),
        "conditions": figures.by_condition(tallied["condition"]),
        "condition_by_category": figures.condition_by_category(tallied["category_condition"]),
        "species": figures.by_species(tallied["species"], known["species"]),
        "communes": communes,
        "worst_communes": figures.worst_communes(communes),
        "planting_years": figures.by_planting_year(tallied["year"]),
        "plantings": figures.plantings_by_month(tallied["month"], year=report.year),
        "inspections": figures.inspections_by_month(report),
        "stands_by_species": figures.stands_by(report, "species"),
        "stands_by_age": figures.stands_by(report, "age"),
        "growth": growth.growth(report),
    }


def _carbon(report: ReportFilter, tallied: dict, known: dict) -> dict:
    total = tallied["total"][0]
    estimated = figures.densities_estimated(tallied["species"], known["species"])
    return carbon.figures_of(total | {"densities_estimated": estimated}) | {
        "comparison": carbon.comparison(report)
    }
