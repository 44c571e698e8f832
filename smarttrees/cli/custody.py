"""flask custody: the EUDR due-diligence file of a shipment of batches."""

import json
from pathlib import Path

import click

from smarttrees.cli.groups import DomainGroup
from smarttrees.geo.eudr import to_text
from smarttrees.services.custody import deforestation, eudr

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
        "evidence": eudr.evidence_json(found),
        "batches_without_stand": found.unplaced,
        "files": [],
    }
    if found.ok:
        summary["files"] = _write(geolocation.collections, Path(output))
    click.echo(json.dumps(summary, ensure_ascii=False, indent=1))
    if not found.ok:
        raise click.ClickException(
            "the file was not written: see the violations and flagged stands above"
        )


@custody_cli.command("baseline")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--source", required=True, help="What the layer is, e.g. 'Hiện trạng rừng 2020'.")
@click.option("--class-column", help="The column that says natural or planted forest.")
@click.option(
    "--default-class",
    type=click.Choice(["natural", "planted", "forest"]),
    default="natural",
    show_default=True,
    help="The class of every polygon when no column says it.",
)
@click.option("--crs", "epsg", type=click.IntRange(1024, 999999), help="EPSG code, if unnamed.")
def baseline(path, source, class_column, default_class, epsg) -> None:
    """Load the forest of 31 December 2020 (polygons) against which stands are judged;
    it replaces the one loaded before."""
    count = deforestation.load_baseline(
        Path(path), source=source, class_column=class_column,
        default_class=default_class, epsg=epsg,
    )  # fmt: skip
    click.echo(json.dumps({"polygons": count, "source": source}, ensure_ascii=False))


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
