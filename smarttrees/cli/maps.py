"""flask basemap: a vector basemap made from the province's own layers."""

import json
from pathlib import Path

import click
from flask import current_app

from smarttrees.cli.groups import DomainGroup
from smarttrees.maps.basemap_layers import layer_file
from smarttrees.services.maps.basemap import build_basemap

basemap_cli = DomainGroup("basemap", help="The basemap the map draws under the trees.")


@basemap_cli.command("build")
@click.argument("layers", nargs=-1)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Default: the served one.")
@click.option("--min-zoom", type=click.IntRange(0, 16), default=6, show_default=True)
@click.option("--max-zoom", type=click.IntRange(0, 16), default=13, show_default=True)
@click.option("--attribution", default="", help="Who made the layers, shown on the map.")
@click.option("--if-missing", is_flag=True, help="Do nothing when the file exists.")
def basemap_build(layers, output, min_zoom, max_zoom, attribution, if_missing) -> None:
    """Build a PMTiles basemap of LAYERS (files of roads, water, places, boundaries or
    landuse: `roads=duong.shp`, or a file whose name says its kind; `file.gpkg:layer` for one
    layer of a GeoPackage) and the communes of the reference data."""
    out = Path(output or current_app.config["BASEMAP_FILE"])
    if if_missing and out.exists():
        click.echo(f"{out} exists: nothing built", err=True)
        return
    if min_zoom > max_zoom:
        raise click.UsageError("--min-zoom is above --max-zoom.")
    chosen = [layer_file(argument) for argument in layers]
    summary = build_basemap(
        chosen,
        out,
        min_zoom=min_zoom,
        max_zoom=max_zoom,
        attribution=attribution,
        progress=lambda step: click.echo(step, err=True),
    )
    click.echo(json.dumps(summary, ensure_ascii=False))
