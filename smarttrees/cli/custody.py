"""flask custody: the EUDR due-diligence file of a shipment of batches."""

import json
from pathlib import Path

import click

from smarttrees.cli.groups import DomainGroup
from smarttrees.geo.eudr import to_text
from smarttrees.services.custody import eudr

custody_cli = DomainGroup("custody", help="Seedling lots, forest products and their trace.")


@custody_cli.command("eudr")
@click.option("--batch", "batches", multiple=True, required=True, help="A batch code; repeat.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True)
@click.option(
    "--repair",
    is_flag=True,
    help="Fix holes, crossings and collapsing corners, and list each change.",
)
@click.option(
    "--points-up-to",
    type=click.FloatRange(0, 4),
    default=None,
    help="Write stands of this many hectares or less as points with their area.",
)
def eudr_file(batches, output, repair, points_up_to) -> None:
    """Write the geolocation file (one FeatureCollection per producer: FILE, or FILE-1, FILE-2 …
    for several) and print the statement's facts, violations and repairs as JSON. Nothing is
    written while a rule is broken: the violations say by stand what to do."""
    found = eudr.statement(batches, repair=repair, points_up_to_ha=points_up_to)
    geolocation = found.geolocation
    summary = {
        "producers": len(geolocation.collections),
        "stands": len(found.stands),
        "size_bytes": geolocation.size_bytes,
        "facts": found.facts,
        "violations": eudr.violations_json(geolocation),
        "repairs": eudr.repairs_json(geolocation),
        "files": [],
    }
    if geolocation.ok:
        summary["files"] = _write(geolocation.collections, Path(output))
    click.echo(json.dumps(summary, ensure_ascii=False, indent=1))
    if not geolocation.ok:
        raise click.ClickException("the file was not written: see the violations above")


def _write(collections: dict[str, dict], output: Path) -> list[dict]:
    written = []
    output.parent.mkdir(parents=True, exist_ok=True)
    for index, (producer, collection) in enumerate(sorted(collections.items()), start=1):
        path = output
        if len(collections) > 1:
            path = output.with_name(f"{output.stem}-{index}{output.suffix or '.geojson'}")
        path.write_text(to_text(collection), encoding="utf-8")
        written.append({"producer": producer, "file": str(path)})
    return written
