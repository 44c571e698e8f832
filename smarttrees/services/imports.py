"""Import a survey file: read → map columns → check rows → stage with COPY → validate in SQL →
commit as an upsert by (source, external id), all in one transaction.

Row problems come from the importers' catalogue and are stored with the batch. Re-importing the
same file, or next month's version of it, updates the trees it created and duplicates none.
"""

import re
import shutil
import uuid
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select, text

from smarttrees.errors import DomainError, NotFound, ValidationFailed
from smarttrees.extensions import db
from smarttrees.importers import vector
from smarttrees.importers.convert import Coordinates
from smarttrees.importers.csvfile import NotATable, read_csv
from smarttrees.importers.errors import ERROR, Problem
from smarttrees.importers.mapping import has_coordinates, propose, with_geometry
from smarttrees.models import ImportBatch, ImportRowError, ImportStatus, User
from smarttrees.services import staging
from smarttrees.services.species_match import SpeciesMatcher


class UnreadableFile(DomainError):
    status = 422
    code = "file_unreadable"


def _open(path: Path, encoding: str | None, layer: str | None, mapping: dict | None):
    """Columns, rows, the file's coordinate system (None: not stated) and the mapping."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            columns, rows = read_csv(path, encoding)
            return columns, rows, None, mapping or propose(columns)
        if suffix in vector.SUFFIXES:
            columns, rows, crs = vector.read_vector(path, layer)
            chosen = mapping or propose([c for c in columns if c not in (vector.X, vector.Y)])
            return columns, rows, crs, with_geometry(chosen, vector.X, vector.Y)
    except (NotATable, UnicodeError) as error:
        raise UnreadableFile(str(error), details={"file": path.name}) from error
    raise UnreadableFile(
        "This file type cannot be imported yet: use CSV, GeoJSON, GeoPackage, KML or GPX.",
        details={"file": path.name},
    )


# ---- the use case ----


def _record(batch: ImportBatch, problems: list[Problem]) -> None:
    rows = [
        {
            "batch_id": batch.id,
            "row_number": p.row,
            "code": p.code,
            "severity": p.kind.severity,
            "columns": list(p.columns),
            "value": p.value,
            "message": p.kind.message,
        }
        for p in sorted(problems, key=lambda p: (p.row, p.code))
    ]
    if rows:
        db.session.execute(ImportRowError.__table__.insert(), rows)


def _summary(read: int, problems: list[Problem], error_rows: set[int], source: str) -> dict:
    by_code: dict[str, int] = {}
    for problem in problems:
        by_code[problem.code] = by_code.get(problem.code, 0) + 1
    warning_rows = {p.row for p in problems if p.kind.severity != ERROR} - error_rows
    return {
        "rows_read": read,
        "ready": read - len(error_rows),
        "warnings": len(warning_rows),
        "errors": len(error_rows),
        "errors_by_code": dict(sorted(by_code.items())),
        "already_imported": staging.already_imported(source),
    }


def _check_mapping(mapping: dict, columns: list[str]) -> None:
    if not has_coordinates(mapping):
        raise UnreadableFile(
            "No coordinate columns were found: map longitude and latitude, X and Y, or WKT.",
            code="no_coordinates",
            details={"columns": columns},
        )
    unknown = sorted(set(mapping.values()) - set(columns))
    if unknown:
        raise ValidationFailed(
            "The mapping names columns the file does not have.",
            details={"mapping": unknown, "columns": columns},
        )


def _check(rows, mapping: dict, coordinates: Coordinates, matcher: SpeciesMatcher, progress):
    """Stage every row and find its problems: (rows read, problems, rows with errors)."""
    staging.stage_table()
    problems: list[Problem] = []
    read = staging.stage(rows, mapping, coordinates, matcher, problems, progress)
    db.session.execute(text(staging.FILL_IDS_SQL))
    staging.problems_in_sql(problems, mapping)
    return read, problems, staging.mark_errors(problems)


def _coordinates(crs: str) -> Coordinates:
    try:
        return Coordinates(crs)
    except Exception as error:  # pyproj's CRSError and friends
        raise ValidationFailed("Unknown coordinate system.", details={"crs": crs}) from error


def _new_batch(
    path: Path,
    *,
    source: str,
    crs: str | None,
    layer: str | None,
    encoding: str | None,
    category: str,
    actor: User | None,
) -> ImportBatch:
    batch = ImportBatch(
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


def _run(
    batch: ImportBatch,
    *,
    mapping: dict | None,
    species: dict | None,
    commit: bool,
    actor: User | None,
) -> dict:
    """The pipeline for a batch whose file is saved; one transaction, committed at the end."""
    path = Path(batch.stored_path)
    columns, rows, file_crs, mapping = _open(path, batch.encoding, batch.layer, mapping)
    _check_mapping(mapping, columns)
    batch.crs = batch.crs or file_crs or "EPSG:4326"
    coordinates = _coordinates(batch.crs)
    batch.mapping, batch.status = mapping, ImportStatus.VALIDATING
    batch.rows_total = _count_lines(path)
    read, problems, error_rows = _check(
        rows, mapping, coordinates, SpeciesMatcher(species), progress=_progress(batch.id)
    )
    summary = _summary(read, problems, error_rows, batch.source)
    db.session.execute(text("DELETE FROM import_row_errors WHERE batch_id = :id"), {"id": batch.id})
    _record(batch, problems)
    summary.update(created=0, updated=0, batch_id=batch.id)
    if commit and summary["ready"]:
        summary["created"], summary["updated"] = staging.commit_rows(
            batch, category=batch.category or "scattered", actor=actor
        )
    batch.rows_total = batch.rows_done = read
    batch.summary = summary
    batch.status = ImportStatus.DONE if commit else ImportStatus.REVIEW
    batch.finished_at = func.now()
    db.session.commit()
    return summary


def _count_lines(path: Path) -> int | None:
    """About how many rows a text file holds, for the progress bar (None for other files)."""
    if path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        return None
    with path.open("rb") as handle:
        return max(
            0, sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(2**20), b"")) - 1
        )


def _progress(batch_id: int):
    """Report rows done outside the import's transaction, so a page can show them meanwhile."""

    def report(done: int) -> None:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(
                text("UPDATE import_batches SET rows_done = :done WHERE id = :id"),
                {"done": done, "id": batch_id},
            )

    return report


def import_file(
    path: Path,
    *,
    source: str,
    crs: str | None = None,
    mapping: dict | None = None,
    species: dict[str, int] | None = None,
    encoding: str | None = None,
    layer: str | None = None,
    category: str = "scattered",
    commit: bool = False,
    actor: User | None = None,
) -> dict:
    """Check a survey file and, with commit, write its trees; returns the summary.

    Without `crs`, a file that states its coordinate system is read in it, others as WGS 84.
    """
    batch = _new_batch(
        path, source=source, crs=crs, layer=layer, encoding=encoding, category=category, actor=actor
    )
    return _run(batch, mapping=mapping, species=species, commit=commit, actor=actor)


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
            "The file has no extension: is it a CSV, GeoJSON, GeoPackage, KML or GPX file?",
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
        return _run(
            batch,
            mapping=batch.mapping if commit else None,
            species=None,
            commit=commit,
            actor=actor,
        )
    except DomainError as error:
        db.session.rollback()
        batch = get_batch(batch_id)
        batch.status, batch.failure = ImportStatus.FAILED, error.message
        batch.summary = {"error": {"code": error.code, "details": error.details}}
        db.session.commit()
        return None


def row_errors(batch_id: int, *, limit: int | None = None) -> list[ImportRowError]:
    """The batch's problems in file order (for the review page and the error report)."""
    stmt = (
        select(ImportRowError)
        .where(ImportRowError.batch_id == batch_id)
        .order_by(ImportRowError.row_number, ImportRowError.code)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def mark_committing(batch_id: int) -> None:
    """The batch waits for its commit job (so a second click does not queue another)."""
    batch = get_batch(batch_id)
    batch.status = ImportStatus.COMMITTING
    db.session.commit()
