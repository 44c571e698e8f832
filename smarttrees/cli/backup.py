"""flask backup: a backup of the database and the photos, restored and checked."""

from pathlib import Path

import click
from flask import current_app
from sqlalchemy import make_url

from smarttrees.cli.groups import DomainGroup
from smarttrees.config import ROOT
from smarttrees.services.admin import backups
from smarttrees.services.admin.backups import Check

backup_cli = DomainGroup("backup", help="Backups of the database and the photos.")

BACKUP_ARGUMENT = click.argument(
    "backup", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
DATABASE_OPTION = click.option(
    "--database-url",
    envvar="TARGET_DATABASE_URL",
    help="The database to restore into or check (or TARGET_DATABASE_URL). Default: the app's.",
)
PHOTO_DIR_OPTION = click.option(
    "--photo-dir", type=click.Path(file_okay=False, path_type=Path), help="Default: the app's."
)


@backup_cli.command("create")
@click.option(
    "--dir",
    "backup_dir",
    envvar="BACKUP_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    default=ROOT / "var" / "backups",
    show_default=True,
    help="Where backups go (or BACKUP_DIR).",
)
def backup_create(backup_dir: Path) -> None:
    """Back up the app's database (pg_dump, custom format) and its photos, with a manifest."""
    folder = backups.create_backup(
        database_url=current_app.config["DATABASE_URL"],
        photo_dir=Path(current_app.config["PHOTO_DIR"]),
        backup_dir=backup_dir,
    )
    manifest = backups.read_manifest(folder)
    rows = sum(table["rows"] for table in manifest["tables"].values())
    click.echo(
        f"backup of {make_url(current_app.config['DATABASE_URL']).database} "
        f"at {manifest['created_at']} (revision {manifest['alembic_revision']}): "
        f"{len(manifest['tables'])} tables, {rows:,} rows, {len(manifest['photos']):,} photos"
    )
    click.echo(f"written to {folder}")


@backup_cli.command("restore")
@BACKUP_ARGUMENT
@DATABASE_OPTION
@PHOTO_DIR_OPTION
@click.option("--force", is_flag=True, help="Replace a database or photos that exist.")
def backup_restore(backup: Path, database_url: str | None, photo_dir: Path | None, force):
    """Restore BACKUP into a database (created when missing) and the photo directory, then
    check every table and photo against its manifest; exit 1 on any difference."""
    url = database_url or current_app.config["DATABASE_URL"]
    checks = backups.restore_backup(
        backup, database_url=url, photo_dir=_photo_dir(photo_dir), force=force
    )
    click.echo(f"restored {backup} into {make_url(url).database}")
    _report(checks)


@backup_cli.command("verify")
@BACKUP_ARGUMENT
@DATABASE_OPTION
@PHOTO_DIR_OPTION
def backup_verify(backup: Path, database_url: str | None, photo_dir: Path | None) -> None:
    """Check a database and the photo directory against BACKUP's manifest; exit 1 on any
    difference."""
    url = database_url or current_app.config["DATABASE_URL"]
    _report(backups.verify_backup(backup, database_url=url, photo_dir=_photo_dir(photo_dir)))


def _photo_dir(chosen: Path | None) -> Path:
    return chosen or Path(current_app.config["PHOTO_DIR"])


def _report(checks: list[Check]) -> None:
    """Every table and the revision side by side; photos counted, each differing one named."""
    shown = [check for check in checks if check.kind != "photo" or not check.same]
    name_width = max(len(check.name) for check in shown)
    backup_width = max(len(check.expected) for check in shown)
    click.echo(f"  {'':<{name_width}}  {'in the backup':<{backup_width}}  now")
    for check in shown:
        mark = "  " if check.same else "≠ "
        click.echo(
            f"{mark}{check.name:<{name_width}}  {check.expected:<{backup_width}}  {check.found}"
        )
    photos = [check for check in checks if check.kind == "photo"]
    same_photos = sum(check.same for check in photos)
    click.echo(f"  photos: {same_photos:,} of {len(photos):,} the same")
    differing = [check for check in checks if not check.same]
    if differing:
        raise click.ClickException(
            f"{len(differing)} difference(s) from the backup (marked ≠ above)"
        )
    click.echo(f"every table ({len(checks) - len(photos) - 1}) and photo matches the backup")
