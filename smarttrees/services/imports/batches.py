"""Survey imports as the web pages and the CLI use them: upload, check, settle the mapping,
fix rows, commit. The pipeline itself is in import_run.

Re-importing the same file, or next month's version of it, updates the trees it created and
duplicates none.
"""

import codecs
import re
import shutil
import uuid
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select

from smarttrees.errors import DomainError, NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.importers.csvfile import ONE_BYTE_ENCODINGS
from smarttrees.measures import UNITS
from smarttrees.models import ImportBatch, ImportRowError, ImportStatus, SavedMapping, User
from smarttrees.services.imports.pipeline import FORMATS, UnreadableFile, run
from smarttrees.vietnamese import nfc

__all__ = ["UnreadableFile"]


def _new_batch(
    path: Path,
    *,
    source: str,
    crs: str | None,
    layer: str | None,
    encoding: str | None,
    category: str,
    actor: User | None,
    mapping: dict | None = None,
    species: dict | None = None,
    units: dict | None = None,
) -> ImportBatch:
    batch = ImportBatch(
        mapping=mapping,
        species_choices=species,
        units=units,
        source=source,
        filename=path.name,
        stored_path=str(path),
        file_format=path.suffix.lower().lstrip(".")[:20],
        layer=layer,
        crs=crs,
        encoding=encoding,
        category=category,
        status=ImportStatus.UPLOADED,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def import_file(
    path: Path,
    *,
    source: str,
    crs: str | None = None,
    mapping: dict | None = None,
    species: dict[str, int | None] | None = None,
    units: dict[str, str] | None = None,
    encoding: str | None = None,
    layer: str | None = None,
    category: str = "scattered",
    commit: bool = False,
    actor: User | None = None,
) -> dict:
    """Check a survey file and, with commit, write its trees; returns the summary.

    Without `crs`, a file that states its coordinate system is read in it, others as WGS 84;
    without `mapping`, the columns are mapped by their names.
    """
    check_units(units)
    if encoding:
        check_encoding(encoding)
    batch = _new_batch(
        path,
        source=source,
        crs=crs,
        layer=layer,
        encoding=encoding,
        category=category,
        actor=actor,
        mapping=mapping,
        species=species,
        units=units,
    )
    return run(batch, commit=commit, actor=actor)


def check_units(units: dict | None) -> None:
    wrong = {k: v for k, v in (units or {}).items() if v not in UNITS.get(k, {})}
    if wrong:
        choices = {k: sorted(UNITS.get(k, {})) for k in wrong}
        raise ValidationFailed("Unknown unit.", details={"units": wrong, "choices": choices})


def check_encoding(encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError as error:
        raise ValidationFailed(
            "Unknown text encoding.",
            details={"encoding": encoding, "choices": ["utf-8", *ONE_BYTE_ENCODINGS]},
        ) from error


SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def upload(
    stream: BinaryIO,
    filename: str,
    *,
    upload_dir: Path,
    source: str,
    crs: str | None,
    layer: str | None,
    category: str,
    actor: User | None,
) -> ImportBatch:
    """Save an uploaded survey file under a name of the app's making and open a batch for it."""
    name = SAFE_NAME.sub("_", Path(filename or "survey").name).strip("._") or "survey"
    if not Path(name).suffix:
        raise UnreadableFile(
            f"The file has no extension: it should be one of {FORMATS}.",
            details={"file": filename},
        )
    folder = upload_dir / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / name
    with path.open("wb") as out:
        shutil.copyfileobj(stream, out)
    if path.stat().st_size == 0:
        raise UnreadableFile("The file is empty.", details={"file": filename})
    batch = _new_batch(
        path,
        source=source or Path(name).stem,
        crs=crs,
        layer=layer,
        encoding=None,
        category=category,
        actor=actor,
    )
    db.session.commit()
    return batch


def get_batch(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound("No import has this number.", details={"import": batch_id})
    return batch


def run_batch(batch_id: int, *, commit: bool, actor: User | None = None) -> dict | None:
    """Check (or commit) an uploaded batch; a file that cannot be imported marks it failed."""
    batch = get_batch(batch_id)
    try:
        return run(batch, commit=commit, actor=actor)
    except DomainError as error:
        db.session.rollback()
        batch = get_batch(batch_id)
        batch.status, batch.failure = ImportStatus.FAILED, error.message
        batch.summary = {"error": {"code": error.code, "details": error.details}}
        db.session.commit()
        return None


def row_errors(
    batch_id: int, *, severity: str | None = None, rows: int | None = None, after: int = 0
) -> list[ImportRowError]:
    """The batch's problems in file order (for the review page and the error report): every
    problem of the first `rows` rows with one after row number `after` (a page of the review)."""
    where = [ImportRowError.batch_id == batch_id, ImportRowError.row_number > after]
    if severity:
        where.append(ImportRowError.severity == severity)
    stmt = select(ImportRowError).where(*where)
    if rows:
        page = select(ImportRowError.row_number).where(*where).distinct()
        page = page.order_by(ImportRowError.row_number).limit(rows)
        stmt = stmt.where(ImportRowError.row_number.in_(page.scalar_subquery()))
    stmt = stmt.order_by(ImportRowError.row_number, ImportRowError.code)
    return list(db.session.scalars(stmt))


def mark_committing(batch_id: int) -> None:
    """The batch waits for its commit job (so a second click does not queue another)."""
    batch = get_batch(batch_id)
    batch.status = ImportStatus.COMMITTING
    db.session.commit()


# ---- mappings kept by name ----


def saved_mapping(name: str) -> dict:
    """A saved mapping as the pipeline takes it: columns, species, units and crs."""
    saved = db.session.scalar(select(SavedMapping).where(SavedMapping.name == nfc(name)))
    if saved is None:
        known = db.session.scalars(select(SavedMapping.name).order_by(SavedMapping.name)).all()
        raise NotFound("No mapping has this name.", details={"mapping": name, "saved": known})
    return {
        "columns": saved.columns,
        "species": saved.species,
        "units": saved.units,
        "crs": saved.crs,
    }


def saved_mappings() -> list[SavedMapping]:
    return list(db.session.scalars(select(SavedMapping).order_by(SavedMapping.name)))


def save_mapping(name: str, batch: ImportBatch, actor: User | None) -> SavedMapping:
    """Keep the batch's mapping under a name (a second save under the name replaces it)."""
    name = nfc(name)
    if not name:
        raise ValidationFailed("Give the mapping a name.", details={"mapping_name": "required"})
    saved = db.session.scalar(select(SavedMapping).where(SavedMapping.name == name))
    saved = saved or SavedMapping(name=name, created_by_id=actor.id if actor else None)
    saved.columns, saved.species = batch.mapping or {}, batch.species_choices or {}
    saved.units, saved.crs = batch.units or {}, batch.crs
    db.session.add(saved)
    return saved
