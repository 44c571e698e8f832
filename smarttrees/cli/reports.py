"""flask reports: the province's figures for another system or a script."""

import json

import click

from smarttrees.cli.groups import DomainGroup
from smarttrees.services import reports

reports_cli = DomainGroup("reports", help="Reports: carbon and the dashboard's figures.")


@reports_cli.command("carbon")
@click.option("--commune", default="", help="A commune's statistics code (5 digits).")
@click.option("--category", default="", help="urban, scattered or plantation.")
@click.option("--species-id", default="", help="A species id (see /api/v1/species).")
@click.option("--year", default="", help="A year of planting.")
def carbon(commune: str, category: str, species_id: str, year: str) -> None:
    """Print the carbon of living trees as one JSON object: trees, trees_with_height, agb_t,
    carbon_t, co2e_t, low and high (the 95 % range of co2e_t) and the method."""
    report = reports.parse_filter(
        {"commune": commune, "category": category, "species_id": species_id, "year": year}
    )
    click.echo(json.dumps(reports.carbon_report(report), ensure_ascii=False))


@reports_cli.command("refresh")
def refresh() -> None:
    """Compute the growth figures again from the inspections (the worker does it each night)."""
    click.echo(json.dumps({"growth_computed_at": reports.refresh_growth()}))
