"""Backups of the app's database and its inspection photos; a restore, checked against them.

A backup is one folder: `database.dump` (pg_dump's custom format), `photos/` (a copy of the
photo directory) and `manifest.json`: when, the Alembic revision, every table's rows and
checksum, the sha256 of the dump and of every photo. The dump and the table figures are read
in one snapshot, so they describe the same moment while the app goes on writing; the photos
are copied after it, so every photo the dumped inspections name is there.
"""

import hashlib
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, make_url, text

from smarttrees.errors import Conflict, NotFound
from smarttrees.services.admin.database_facts import (
    BackupFailed,
    alembic_revision,
    engine_for,
    libpq_target,
    pg_program,
    run_program,
    table_facts,
    user_tables,
)

MANIFEST, DUMP, PHOTOS = "manifest.json", "database.dump", "photos"
FORMAT = 1

# Everything of the app's in a database, for a forced restore: every schema but the system's
# (PostGIS goes with `public` and comes back with the dump).
DROP_SCHEMAS = r"""
DO $$ DECLARE name text;
BEGIN
  FOR name IN SELECT nspname FROM pg_namespace
               WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname !~ '^pg_'
  LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', name);
  END LOOP;
  CREATE SCHEMA public;
END $$"""


@dataclass(frozen=True)
class Check:
    """One thing a backup holds (`expected`) against what a database or folder holds."""

    kind: str  # "revision", "table" or "photo"
    name: str
    expected: str
    found: str

    @property
    def same(self) -> bool:
        return self.expected == self.found


def create_backup(*, database_url: str, photo_dir: Path, backup_dir: Path) -> Path:
    """Back up the database and the photos into a new folder under backup_dir; its path."""
    engine = engine_for(database_url)
    try:
        with engine.connect() as connection:
            connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            with connection.begin():
                snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
                taken_at = connection.scalar(text("SELECT now()")).astimezone(UTC)
                folder = _new_folder(backup_dir, make_url(database_url).database, taken_at)
                _dump(connection, database_url, snapshot, folder / DUMP)
                manifest = _manifest(connection, taken_at)
    finally:
        engine.dispose()
    manifest["dump_sha256"] = sha256_of(folder / DUMP)
    manifest["photos"] = _copy_photos(photo_dir, folder / PHOTOS)
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    done = folder.with_name(folder.name.removeprefix(".").removesuffix(".partial"))
    folder.rename(done)  # only a finished backup carries a plain name
    return done


def restore_backup(
    backup: Path, *, database_url: str, photo_dir: Path, force: bool = False
) -> list[Check]:
    """Restore a backup into the database at database_url (created when missing) and its
    photos into photo_dir; refuse to replace anything unless forced; the checks after it."""
    manifest = read_manifest(backup)
    if sha256_of(backup / DUMP) != manifest["dump_sha256"]:
        raise BackupFailed(f"{backup / DUMP} is damaged: its sha256 is not the manifest's.")
    _ensure_database(database_url)
    clashes = _photo_clashes(manifest["photos"], backup / PHOTOS, photo_dir)
    engine = engine_for(database_url)
    try:
        with engine.begin() as connection:
            if _refuse_unless_forced(connection, database_url, clashes, force=force):
                connection.execute(text("SET LOCAL lock_timeout = '10s'"))  # the app running?
                connection.execute(text(DROP_SCHEMAS))
        with engine.connect() as connection:
            _restore_dump(connection, database_url, backup / DUMP)
    finally:
        engine.dispose()
    for relative in manifest["photos"]:
        target = photo_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(backup / PHOTOS / relative, target)
    return verify_backup(backup, database_url=database_url, photo_dir=photo_dir)


def verify_backup(backup: Path, *, database_url: str, photo_dir: Path) -> list[Check]:
    """Compare a database and a photo directory with what the backup holds, item by item."""
    manifest = read_manifest(backup)
    engine = engine_for(database_url)
    try:
        with engine.connect() as connection, connection.begin():
            revision = alembic_revision(connection)
            tables = {name: _described(**vars(f)) for name, f in table_facts(connection).items()}
    finally:
        engine.dispose()
    expected = {name: _described(**facts) for name, facts in manifest["tables"].items()}
    checks = [Check("revision", "alembic", manifest["alembic_revision"] or "-", revision or "-")]
    checks += [
        Check("table", name, expected.get(name, "missing"), tables.get(name, "missing"))
        for name in sorted(expected.keys() | tables.keys())
    ]
    checks += [
        Check("photo", relative, digest, _digest_or_missing(photo_dir / relative))
        for relative, digest in manifest["photos"].items()
    ]
    return checks


def read_manifest(backup: Path) -> dict:
    """The manifest of a backup folder."""
    path = backup / MANIFEST
    if not path.is_file():
        raise NotFound(f"{backup} is not a backup: it has no {MANIFEST}.")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupFailed(f"{path} is of a format this version does not read.")
    return manifest


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _new_folder(backup_dir: Path, database: str, taken_at: datetime) -> Path:
    """A hidden folder to write into, named for the database and the snapshot's moment."""
    name = f"{database}-{taken_at:%Y%m%dT%H%M%SZ}"
    if (backup_dir / name).exists():
        raise Conflict(f"{backup_dir / name} exists already: try again in a second.")
    folder = backup_dir / f".{name}.partial"
    shutil.rmtree(folder, ignore_errors=True)  # left by a backup that was interrupted
    folder.mkdir(parents=True)
    return folder


def _dump(connection: Connection, database_url: str, snapshot: str, target: Path) -> None:
    """pg_dump in the connection's snapshot, so it holds what the manifest describes."""
    program = pg_program("pg_dump", connection)
    dsn, env = libpq_target(database_url)
    run_program(
        [program, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", dsn], env
    )


def _manifest(connection: Connection, taken_at: datetime) -> dict:
    return {
        "format": FORMAT,
        "created_at": taken_at.isoformat(),
        "server_version": connection.scalar(text("SHOW server_version")),
        "alembic_revision": alembic_revision(connection),
        "tables": {
            name: {"rows": facts.rows, "md5": facts.md5}
            for name, facts in table_facts(connection).items()
        },
    }


def _copy_photos(source: Path, target: Path) -> dict[str, str]:
    """Copy every photo; the sha256 of each copy, by its path relative to the directory."""
    photos = {}
    if not source.is_dir():
        return photos  # no photo taken yet
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = path.relative_to(source).as_posix()
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / relative)
        photos[relative] = sha256_of(target / relative)
    return photos


def _photo_clashes(photos: dict[str, str], source: Path, photo_dir: Path) -> list[str]:
    """Photos of the backup that would replace a different file of the same name."""
    for relative, digest in photos.items():
        if sha256_of(source / relative) != digest:
            raise BackupFailed(f"The backup's photo {relative} is damaged.")
    return [
        relative
        for relative, digest in photos.items()
        if (photo_dir / relative).exists() and sha256_of(photo_dir / relative) != digest
    ]


def _refuse_unless_forced(
    connection: Connection, database_url: str, clashes: list[str], *, force: bool
) -> int:
    """How many tables the target holds, when it may be replaced; a refusal otherwise."""
    tables = user_tables(connection)
    if force or not (tables or clashes):
        return tables
    raise Conflict(
        "Not restored: the database %(name)s holds %(tables)s tables and %(photos)s photos "
        "would be replaced. Restore into an empty database, or say that they are to be "
        "replaced (make restore FORCE=1; flask backup restore --force).",
        params={
            "name": make_url(database_url).database,
            "tables": tables,
            "photos": len(clashes),
        },
        details={"photos": clashes[:20]} if clashes else None,
    )


def _ensure_database(database_url: str) -> None:
    """Create the target database when its server has none of that name."""
    url = make_url(database_url)
    engine = engine_for(url.set(database="postgres"))
    try:
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            exists = "SELECT 1 FROM pg_database WHERE datname = :name"
            if not connection.scalar(text(exists), {"name": url.database}):
                quoted = connection.scalar(text("SELECT format('%I', :n)"), {"n": url.database})
                connection.execute(text(f"CREATE DATABASE {quoted} TEMPLATE template0"))
    finally:
        engine.dispose()


def _restore_dump(connection: Connection, database_url: str, dump: Path) -> None:
    """pg_restore all or nothing, the objects owned by whoever restores. The comment on the
    PostGIS extension is left out: only the extension's owner may write it, and a server's
    administrator often created the extension for the app's user."""
    program = pg_program("pg_restore", connection)
    dsn, env = libpq_target(database_url)
    listing = subprocess.run([program, "--list", str(dump)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise BackupFailed(f"pg_restore cannot read {dump}: {listing.stderr.strip()}")
    kept = [line for line in listing.stdout.splitlines() if " COMMENT - EXTENSION " not in line]
    with tempfile.NamedTemporaryFile("w", suffix=".list") as chosen:
        chosen.write("\n".join(kept) + "\n")
        chosen.flush()
        run_program(
            [program, "--no-owner", "--no-privileges", "--single-transaction",
             "--exit-on-error", f"--use-list={chosen.name}", f"--dbname={dsn}", str(dump)],
            env,
        )  # fmt: skip


def _described(*, rows: int, md5: str) -> str:
    return f"{rows} rows, md5 {md5}"


def _digest_or_missing(path: Path) -> str:
    return sha256_of(path) if path.is_file() else "missing"
