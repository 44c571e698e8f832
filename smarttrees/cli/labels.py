"""flask labels: PDF sheets of labels, and rolls of fresh tree codes."""

import time

import click
from flask import current_app
from flask_babel import gettext

from smarttrees.cli.groups import DomainGroup
from smarttrees.labels.addresses import label_base_url
from smarttrees.labels.options import label_fonts, print_options
from smarttrees.labels.sheets import LAYOUTS
from smarttrees.services import labels

labels_cli = DomainGroup("labels", help="Printable labels with QR codes.")


@labels_cli.command("sheet")
@click.option("--codes", help="Tree codes, comma-separated.")
@click.option("--import-batch", type=int, help="Every tree of an import.")
@click.option("--commune", help="Every tree of a commune (national code).")
@click.option("--lots", help="Seedling lot codes, comma-separated.")
@click.option("--layout", type=click.Choice(sorted(LAYOUTS)), default="a4-3x8", show_default=True)
@click.option("--code128", is_flag=True, help="Add a Code 128 barcode for laser scanners.")
@click.option("--margins", help="Left,top sheet margins in mm, e.g. 4.5,6.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True)
def labels_sheet(codes, import_batch, commune, lots, layout, code128, margins, output) -> None:
    """Write a PDF of labels for trees or seedling lots."""
    chosen = [
        name
        for name, value in (
            ("--codes", codes),
            ("--import-batch", import_batch),
            ("--commune", commune),
            ("--lots", lots),
        )
        if value
    ]
    if len(chosen) != 1:
        raise click.UsageError("Give exactly one of --codes, --import-batch, --commune, --lots.")
    selection = labels.Selection(
        codes=_split(codes), import_batch_id=import_batch, commune_code=commune, lots=_split(lots)
    )
    options = print_options(
        layout=layout, default_layout="a4-3x8", code128=code128, margins=margins
    )
    base = _base_url()
    started = time.perf_counter()
    with open(output, "wb") as out:
        count = labels.write_labels(
            selection,
            out,
            base_url=base,
            note=gettext("QR codes lead to %(url)s", url="{url}"),
            layout=options.layout,
            fonts=label_fonts(current_app.config),
            code128=options.code128,
            limit=current_app.config["LABEL_LIMIT"],
            margins=options.margins,
        )
    elapsed = time.perf_counter() - started
    click.echo(f"{count:,} labels in {output} ({elapsed:.1f} s, {count / elapsed:,.0f} labels/s)")


@labels_cli.command("reserve")
@click.option("--count", type=click.IntRange(1, 20_000), required=True)
@click.option(
    "--layout", type=click.Choice(sorted(LAYOUTS)), default="tag-50x30", show_default=True
)
@click.option("--code128", is_flag=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True)
def labels_reserve(count, layout, code128, output) -> None:
    """Reserve a block of tree codes and print them as a roll of tags, to assign in the field."""
    base = _base_url()
    with open(output, "wb") as out:
        first, last = labels.print_reserved_codes(
            count,
            out,
            base_url=base,
            note=gettext("QR codes lead to %(url)s", url="{url}"),
            layout=layout,
            fonts=label_fonts(current_app.config),
            code128=code128,
        )
    click.echo(f"reserved {count:,} codes, {first} to {last}, printed in {output}")


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def _base_url() -> str:
    """The configured address; outside production, the development server's, said aloud."""
    config = current_app.config
    base = label_base_url(config["BASE_URL"], used=None, production=config["PRODUCTION"])
    if not config["BASE_URL"]:
        click.echo(
            f"note: the codes lead to {base} (SMARTTREES_BASE_URL is not set): phones in the "
            "field cannot open it",
            err=True,
        )
    return base
