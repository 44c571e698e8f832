"""flask trees import, flask stands import: survey files and forest-status maps, checked and
(with --commit) written; each prints one JSON summary."""

import json
from pathlib import Path

import click

from smarttrees.cli.groups import DomainGroup
from smarttrees.services import imports

trees_cli = DomainGroup("trees", help="The tree inventory: bulk imports.")
stands_cli = DomainGroup("stands", help="Plantation stands: imports of polygon files.")


@trees_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--crs",
    help="Coordinate system of the file, e.g. 9213 (VN-2000 TM-3 106°30'); "
    "default: the one the file states, else WGS 84.",
)
@click.option(
    "--layer",
    help="The layer of a GeoPackage or KML file (default: the first with geometries; "
    "GPX: the waypoints).",
)
@click.option(
    "--header-row",
    type=click.IntRange(1, 1000),
    help="The row of a sheet or CSV that holds the column names (default: found below any "
    "letterhead and title rows; a two-row header is joined).",
)
@click.option(
    "--mapping",
    "mapping_name",
    help="A mapping saved in the app, by name, or a JSON file: "
    '{"columns": {"lon": "...", ...}, "species": {"name": id}, "units": {"dbh": "mm"}}.',
)
@click.option(
    "--encoding",
    help="Text encoding, when it is not detected: cp1258, or the old Vietnamese tcvn3 or vni "
    "(guessed from the bytes, but never imported until confirmed with this option).",
)
@click.option(
    "--source",
    help="Where the file comes from; with each row's id, the key that "
    "makes a re-import update instead of duplicate. Default: the file name.",
)
@click.option(
    "--category",
    type=click.Choice(["urban", "scattered", "plantation"]),
    default="scattered",
    show_default=True,
)
@click.option("--commit", is_flag=True, help="Write the trees (otherwise only check the file).")
def trees_import(
    file, crs, layer, header_row, mapping_name, encoding, source, category, commit
) -> None:
    """Check a survey file (and with --commit write its trees); prints a JSON summary."""
    _import_and_print(
        file,
        kind="trees",
        crs=crs,
        mapping_name=mapping_name,
        source=source,
        commit=commit,
        layer=layer,
        header_row=header_row,
        encoding=encoding,
        category=category,
    )


@stands_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--crs", help="Coordinate system, when the file does not state it (e.g. 9213).")
@click.option("--layer", help="The layer of a GeoPackage or KML file.")
@click.option("--mapping", "mapping_name", help="A saved mapping by name, or a JSON file.")
@click.option("--source", help="Where the file comes from (a re-import updates its stands).")
@click.option("--commit", is_flag=True, help="Write the stands (otherwise only check the file).")
def stands_import(file, crs, layer, mapping_name, source, commit) -> None:
    """Check a polygon file of plantation stands (and with --commit write them, and put the
    trees standing in them in them); prints a JSON summary."""
    _import_and_print(
        file,
        kind="stands",
        crs=crs,
        mapping_name=mapping_name,
        source=source,
        commit=commit,
        layer=layer,
    )


def _import_and_print(file, *, kind, crs, mapping_name, source, commit, **options) -> None:
    chosen = _mapping(mapping_name)
    crs = crs or chosen.get("crs")
    if crs and ":" not in crs:
        crs = f"EPSG:{crs}"
    summary = imports.import_file(
        file,
        kind=kind,
        source=source or file.stem,
        crs=crs,
        mapping=chosen.get("columns"),
        species=chosen.get("species"),
        units=chosen.get("units"),
        commit=commit,
        **options,
    )
    printed = {k: summary[k] for k in (*SUMMARY_KEYS, *STAND_KEYS) if k in summary}
    if "encoding" in summary:  # a text file: how its characters were read
        printed.update(
            encoding=summary["encoding"], encoding_guessed=summary.get("encoding_guessed", False)
        )
    click.echo(json.dumps(printed, ensure_ascii=False))
    if summary["ready"] == 0:
        raise click.ClickException("No row of this file can be imported: see errors_by_code.")


STAND_KEYS = ("trees_assigned", "trees_left_out")
SUMMARY_KEYS = (
    "rows_read",
    "ready",
    "warnings",
    "errors",
    "errors_by_code",
    "already_imported",
    "created",
    "updated",
    "unchanged",
    "batch_id",
    "decisions",
)


def _mapping(name: str | None) -> dict:
    """A saved mapping by name, or a mapping in a JSON file."""
    if not name:
        return {}
    if name.lower().endswith(".json") and Path(name).is_file():
        return json.loads(Path(name).read_text(encoding="utf-8"))
    return imports.saved_mapping(name)
