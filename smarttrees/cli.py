"""flask commands, grouped by noun: reference, demo, users, jobs, labels, trees, stands."""

import json
import time
import traceback
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from smarttrees.config import ROOT
from smarttrees.errors import DomainError
from smarttrees.labels.options import label_fonts, print_options
from smarttrees.labels.sheets import LAYOUTS
from smarttrees.models import Role
from smarttrees.services import admin, imports, labels


class DomainGroup(AppGroup):
    """Commands whose failures end in a one-line message and exit status 1: a domain error's
    own message, or for anything unexpected its kind, with the traceback kept in a log file."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DomainError as error:
            details = f" {json.dumps(error.details, ensure_ascii=False)}" if error.details else ""
            raise click.ClickException(f"{error.message}{details}") from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            log = ROOT / "var" / "log" / "cli.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as out:
                out.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} {ctx.command_path}\n")
                out.write(traceback.format_exc())
            raise click.ClickException(
                f"stopped on an unexpected error ({type(error).__name__}: "
                f"{str(error).splitlines()[0][:200] if str(error) else '-'}); "
                f"the details are in {log}"
            ) from None


reference_cli = DomainGroup("reference", help="Reference data: communes, species.")
demo_cli = DomainGroup("demo", help="The demo inventory.")
users_cli = DomainGroup("users", help="Accounts and API tokens.")
jobs_cli = DomainGroup("jobs", help="The background job queue.")
labels_cli = DomainGroup("labels", help="Printable labels with QR codes.")
trees_cli = DomainGroup("trees", help="The tree inventory: bulk imports.")
stands_cli = DomainGroup("stands", help="Plantation stands: imports of polygon files.")

DEMO_LOGIN = {"email": "admin@smarttrees.local", "password": "smarttrees-demo"}
DEMO_TEAM = (
    ("manager@smarttrees.local", "Quản lý (demo)", Role.MANAGER),
    ("field@smarttrees.local", "Kiểm lâm (demo)", Role.FIELD),
    ("viewer@smarttrees.local", "Người xem (demo)", Role.VIEWER),
)


@reference_cli.command("load")
def reference_load() -> None:
    """Load Thái Nguyên's communes and the species list (safe to run again)."""
    counts = admin.load_reference(Path(current_app.config["REFERENCE_DIR"]))
    click.echo(json.dumps(counts))


@demo_cli.command("load")
@click.option("--trees", default=5000, show_default=True, help="How many demo trees.")
@click.option("--seed", default=20250701, show_default=True)
def demo_load(trees: int, seed: int) -> None:
    """Bring the demo inventory up to --trees trees, with demo accounts; idempotent."""
    started = time.perf_counter()
    result = admin.load_demo(trees=trees, seed=seed)
    elapsed = time.perf_counter() - started
    admin.ensure_user(name="Quản trị (demo)", role=Role.ADMIN, **DEMO_LOGIN)
    for email, name, role in DEMO_TEAM:
        admin.ensure_user(email=email, name=name, role=role, password=DEMO_LOGIN["password"])
    if result["created"]:
        rate = result["created"] / elapsed
        total = result["created"] + result["existing"]
        click.echo(
            f"demo: {result['created']:,} trees in {elapsed:.1f} s ({rate:,.0f} trees/s); "
            f"{total:,} demo trees in all"
        )
    else:
        click.echo(
            f"demo: {result['existing']:,} demo trees already loaded (asked for {trees:,}); "
            "nothing changed (a demo is topped up, never shrunk)"
        )
    click.echo(f"demo login: {DEMO_LOGIN['email']} / {DEMO_LOGIN['password']}")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default="viewer", show_default=True
)
@click.password_option(help="Asked for when not given.")
def users_create(email: str, name: str, role: str, password: str) -> None:
    """Create an account."""
    user = admin.create_user(email=email, name=name, password=password, role=Role(role))
    click.echo(f"created {user.email} ({user.role.value})")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
def users_token(email: str, name: str) -> None:
    """Issue an API token for a user; it is printed once."""
    user = admin.find_user(email)
    click.echo(admin.issue_token(user, name=name))


@jobs_cli.command("worker")
@click.option("--once", is_flag=True, help="Run the waiting jobs, then stop.")
def jobs_worker(once: bool) -> None:
    """Run the job worker."""
    from smarttrees import jobs

    jobs.use_app(current_app._get_current_object())
    queue = jobs.queue_app(current_app.config["DATABASE_URL"])
    with queue.open():
        queue.run_worker(wait=not once, install_signal_handlers=not once)


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
    started = time.perf_counter()
    with open(output, "wb") as out:
        count = labels.write_labels(
            selection,
            out,
            base_url=current_app.config["BASE_URL"],
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
    with open(output, "wb") as out:
        first, last = labels.print_reserved_codes(
            count,
            out,
            base_url=current_app.config["BASE_URL"],
            layout=layout,
            fonts=label_fonts(current_app.config),
            code128=code128,
        )
    click.echo(f"reserved {count:,} codes, {first} to {last}, printed in {output}")


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


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


def register(app: Flask) -> None:
    groups = (reference_cli, demo_cli, users_cli, jobs_cli, labels_cli, trees_cli, stands_cli)
    for group in groups:
        app.cli.add_command(group)
