"""Import batches as the web pages, the jobs and the CLI use them: upload (with its check job
queued in the same transaction), check, write, the problems found. The steps are in pipeline.

Re-importing the same file, or next month's version of it, updates the trees it created and
duplicates none.
"""

import codecs
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select, text
from sqlalchemy.orm import joinedload

from smarttrees.errors import Conflict, DomainError, NotFound, StorageFull, ValidationFailed
from smarttrees.extensions import db
from smarttrees.importers.csvfile import ONE_BYTE_ENCODINGS
from smarttrees.measures import UNITS
from smarttrees.models import ImportBatch, ImportRowError, ImportStatus, User
from smarttrees.services import queue
from smarttrees.services.imports import pipeline
from smarttrees.services.imports.opening import FORMATS, UnreadableFile

QUEUE = "imports"
KINDS = ("trees", "stands")
HEADER_ROW_MAX = 1000


def _new_batch(path: Path, *, actor: User | None, **settings) -> ImportBatch:
    """A batch for a saved file; `settings` are its columns (source, crs, layer, mapping, …)."""
    batch = ImportBatch(
        filename=path.name,
        stored_path=str(path),
        file_format=path.suffix.lower().lstrip(".")[:20],
        status=ImportStatus.UPLOADED,
        created_by_id=actor.id if actor else None,
        **settings,
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
    header_row: int | None = None,
    category: str = "scattered",
    kind: str = "trees",
    commit: bool = False,
    actor: User | None = None,
) -> dict:
    """Check a survey file and, with commit, write its trees; returns the summary.

    Without `crs`, a file that states its coordinate system is read in it, others as WGS 84;
    without `mapping`, the columns are proposed from their headings and values; without
    `header_row`, a sheet's header is found below its titles.
    """
    check_units(units)
    if encoding:
        check_encoding(encoding)
    if header_row is not None and not 1 <= header_row <= HEADER_ROW_MAX:
        raise ValidationFailed(
            "The header row is a row number of the file's first rows.",
            details={"header_row": f"1 to {HEADER_ROW_MAX}"},
        )
    check_kind(kind)
    batch = _new_batch(
        path,
        actor=actor,
        kind=kind,
        source=source,
        crs=crs,
        layer=layer,
        header_row=header_row,
        encoding=encoding,
        category=category,
        mapping=mapping,
        species_choices=species,
        units=units,
    )
    return pipeline.import_now(batch, write=commit, actor=actor)


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationFailed("Choose what the file holds.", details={"kind": list(KINDS)})


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
    kind: str = "trees",
) -> ImportBatch:
    """Save an uploaded survey file under a name of the app's making and open a batch for it."""
    check_kind(kind)
    name = SAFE_NAME.sub("_", Path(filename or "survey").name).strip("._") or "survey"
    if not Path(name).suffix:
        raise UnreadableFile(
            f"The file has no extension: it should be one of {FORMATS}.",
            details={"file": filename},
        )
    folder = upload_dir / uuid.uuid4().hex
    path = _save_upload(stream, folder / name)
    try:
        if path.stat().st_size == 0:
            raise UnreadableFile("The file is empty.", details={"file": filename})
        batch = _new_batch(
            path,
            actor=actor,
            kind=kind,
            source=source or Path(name).stem,
            crs=crs,
            layer=layer,
            category=category,
        )
        queue_check(batch.id)
        db.session.commit()
    except BaseException:  # no batch: no file kept for it either
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return batch


def _save_upload(stream: BinaryIO, path: Path) -> Path:
    """The upload written whole in a folder of its own, or nothing left and StorageFull."""
    try:
        path.parent.mkdir(parents=True)
        with path.open("wb") as out:
            shutil.copyfileobj(stream, out)
            out.flush()
            os.fsync(out.fileno())
    except OSError as error:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise StorageFull(
            "The server could not store the file (its disk may be full): nothing was kept. "
            "Tell the administrator, then upload it again.",
            details={"file": path.name},
        ) from error
    return path


def queue_check(batch_id: int) -> None:
    """Queue the batch's check in the caller's transaction."""
    queue.enqueue("check_import", queue=QUEUE, batch_id=batch_id)


def get_batch(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound("No import has this number.", details={"import": batch_id})
    return batch


def run_check(batch_id: int) -> dict | None:
    """Check an uploaded batch and keep its checked rows for the write (the check job)."""
    return _or_failed(batch_id, pipeline.check_and_keep)


def run_write(batch_id: int, *, actor: User | None = None) -> dict | None:
    """Write a reviewed batch's trees from the rows its check kept (the commit job)."""
    return _or_failed(batch_id, lambda batch: pipeline.write_kept(batch, actor=actor))


def _or_failed(batch_id: int, step) -> dict | None:
    """Run a job's step; a file that cannot be imported, or any other failure, ends with the
    batch failed and the reason kept (a job never leaves a batch checking forever)."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:  # discarded while its job waited: nothing to do
        return None
    try:
        return step(batch)
    except DomainError as error:
        _failed(batch_id, error.message, {"code": error.code, "details": error.details})
        return None
    except Exception:
        _failed(batch_id, "The import stopped on an unexpected error.", {"code": "internal"})
        raise


def _failed(batch_id: int, message: str, error: dict) -> None:
    db.session.rollback()
    pipeline.drop_kept_rows(batch_id)
    batch = get_batch(batch_id)
    batch.status, batch.failure, batch.step = ImportStatus.FAILED, message, None
    batch.summary = {"error": error}
    db.session.commit()


UNDO_INTERRUPTED = (
    "The undo was interrupted several times (the job worker stopped): nothing was undone. "
    "Undo it again."
)


def interrupted(batch_id: int) -> None:
    """An import whose job worker died again and again: failed, with what to do (its check or
    write was one transaction, so nothing of it was written)."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is not None and batch.status == ImportStatus.UNDOING:  # still written: it stays so
        batch.status, batch.failure = ImportStatus.DONE, UNDO_INTERRUPTED
        db.session.commit()
    elif batch is not None and batch.status != ImportStatus.DONE:
        _failed(
            batch_id,
            "The job worker stopped in the middle of this import several times (killed, or "
            "the server restarted): nothing was written. Check the file again or discard it.",
            {"code": "interrupted", "details": {}},
        )


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


def request_write(batch_id: int, *, actor: User | None) -> bool:
    """Queue the write of a batch that waits for review, in the transaction that marks it
    (a second click queues nothing); False when the batch cannot be written now."""
    batch = db.session.get(ImportBatch, batch_id, with_for_update=True)
    if batch is None:
        raise NotFound("No import has this number.", details={"import": batch_id})
    if batch.status != ImportStatus.REVIEW:
        db.session.rollback()
        return False
    batch.status = ImportStatus.COMMITTING
    queue.enqueue(
        "commit_import", queue=QUEUE, batch_id=batch_id, actor_id=actor.id if actor else None
    )
    db.session.commit()
    return True


JOB_WAITING_SQL = """
SELECT EXISTS (SELECT 1 FROM procrastinate_jobs
                WHERE status IN ('todo', 'doing') AND (args ->> 'batch_id')::int = :batch)"""


def retry(batch_id: int) -> None:
    """Check a failed batch's file again (after the cause was put right)."""
    batch = get_batch(batch_id)
    if batch.status != ImportStatus.FAILED:
        raise Conflict("Only an import that failed can be checked again.")
    batch.status, batch.failure, batch.rows_done = ImportStatus.UPLOADED, None, 0
    queue_check(batch.id)
    db.session.commit()


def discard(batch_id: int, *, upload_dir: Path) -> None:
    """Forget an import that wrote nothing: the batch, its problems, its kept rows and the file
    uploaded for it (a file the CLI was given stays where it is). A batch whose job still waits
    or runs is refused; a written one is kept, as its trees are."""
    batch = get_batch(batch_id)
    if batch.status == ImportStatus.DONE:
        raise Conflict("This import wrote its trees: it is kept with them.")
    if batch.status in (ImportStatus.UNDOING, ImportStatus.UNDONE):
        raise Conflict("This import was undone: it is kept as a record of what it did.")
    if db.session.scalar(text(JOB_WAITING_SQL), {"batch": batch_id}):
        raise Conflict("This import is being checked or written: wait for it to finish.")
    stored = Path(batch.stored_path) if batch.stored_path else None
    pipeline.drop_kept_rows(batch_id)
    db.session.delete(batch)
    db.session.commit()
    if stored is not None and stored.parent.parent == upload_dir:
        shutil.rmtree(stored.parent, ignore_errors=True)  # the upload's own folder


BATCHES_SHOWN = 50


def list_batches(*, before: int | None = None) -> list[ImportBatch]:
    """Past imports, newest first, a page at a time (`before`: the last id already shown)."""
    query = (
        select(ImportBatch)
        .options(joinedload(ImportBatch.created_by))
        .order_by(ImportBatch.id.desc())
        .limit(BATCHES_SHOWN)
    )
    if before:
        query = query.where(ImportBatch.id < before)
    return list(db.session.scalars(query))
