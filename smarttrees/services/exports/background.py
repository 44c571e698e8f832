"""Exports too large to download at once: started (the job queued in the same transaction), run
by the job worker with its progress kept for the page's bar, ended done with the file or
failed with the reason, and their files removed after EXPORT_KEEP_DAYS."""

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from smarttrees.errors import DomainError
from smarttrees.extensions import db
from smarttrees.services import queue
from smarttrees.services.exports import files, selection, state
from smarttrees.services.exports.state import Export, ExportStatus
from smarttrees.services.inventory import TreeQuery


def N_(message: str) -> str:  # a message kept untranslated (the page translates it), extracted
    return message


QUEUE = "exports"
UNEXPECTED = N_("The export stopped on an unexpected error.")
NOT_WRITTEN = N_("The file could not be written on the server: its disk may be full.")
JOB_WAITING = ("todo", "doing")  # procrastinate's words for a job not ended yet


@dataclass(frozen=True)
class Size:
    trees: int
    in_background: bool


def size(query: TreeQuery, *, at_once: int) -> Size:
    """How many trees `query` selects, and whether their file is made in the background: more
    than `at_once` of them, or the whole province."""
    trees = selection.count(query)
    return Size(trees, trees > at_once or selection.whole_province(query))


def start(
    query: TreeQuery, fmt: str, crs: int | None, *, actor_id: int | None, export_dir: Path
) -> Export:
    """Queue the export of `query` as `fmt`; its page follows it from here."""
    crs = files.check_format(fmt, crs)
    export = Export(
        id=state.new_id(),
        format=fmt,
        crs=crs,
        filters=selection.as_filters(query),
        filename=files.filename(fmt, crs),
        created_by=actor_id,
    )
    export.job_id = queue.enqueue("export_trees", queue=QUEUE, export_id=export.id)
    state.save(export, export_dir)
    db.session.commit()
    return export


def get(export_id: str, *, export_dir: Path, user_id: int, sees_all: bool) -> Export:
    """An export, for the user who started it (or one who `sees_all`); one whose job ended
    without ending it (a worker killed mid-way) is said to have failed."""
    export = state.load(export_dir, export_id)
    if export.created_by != user_id and not sees_all:
        raise state.not_found(export_id)
    if export.running and export.job_id is not None:
        job = db.session.scalar(
            text("SELECT status::text FROM procrastinate_jobs WHERE id = :id"),
            {"id": export.job_id},
        )
        if job not in JOB_WAITING:
            export = state.load(export_dir, export_id)  # it may have ended just now
            if export.running:
                _fail(export, export_dir, UNEXPECTED)
    return export


def file_of(export: Export, export_dir: Path) -> Path:
    """The finished file of an export."""
    path = state.folder_of(export_dir, export.id) / export.filename
    if export.status != ExportStatus.DONE or not path.exists():
        raise state.not_found(export.id)
    return path


def run(export_id: str, *, export_dir: Path) -> None:
    """The job: write the file, reporting progress; end done, or failed with the reason."""
    export = state.load(export_dir, export_id)
    if export.status != ExportStatus.QUEUED:
        return  # run already (a job retried): nothing to do twice
    export.status = ExportStatus.RUNNING
    query = selection.as_query(export.filters)
    export.rows_total = selection.count(query)
    state.save(export, export_dir)
    path = state.folder_of(export_dir, export.id) / export.filename
    try:
        written = files.write_selection(
            query, export.format, export.crs, path, report=_reporter(export, export_dir)
        )
    except DomainError as error:
        _fail(export, export_dir, error.message)
        return
    except OSError:
        _fail(export, export_dir, NOT_WRITTEN)
        return
    except Exception:
        _fail(export, export_dir, UNEXPECTED)
        raise
    finally:
        db.session.rollback()  # the read's transaction ends here
    export.status, export.step = ExportStatus.DONE, None
    export.rows_total = export.rows_done = written
    export.finished_at = state.now()
    state.save(export, export_dir)


def _reporter(export: Export, export_dir: Path) -> files.Report:
    def report(done: int, step: str) -> None:
        export.rows_done, export.step = done, step
        state.save(export, export_dir)

    return report


def _fail(export: Export, export_dir: Path, reason: str) -> None:
    """End failed with `reason`, leaving nothing half-written beside the state."""
    folder = state.folder_of(export_dir, export.id)
    for path in folder.iterdir() if folder.is_dir() else ():
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.name != state.STATE:
            path.unlink(missing_ok=True)
    export.status, export.step, export.failure = ExportStatus.FAILED, None, reason
    export.finished_at = state.now()
    state.save(export, export_dir)


def prune(export_dir: Path, *, keep_days: int) -> int:
    """Remove the files of exports finished more than `keep_days` ago (their state stays, so
    their page says the file was removed); returns how many."""
    limit = (datetime.now(UTC) - timedelta(days=keep_days)).isoformat(timespec="seconds")
    removed = 0
    for export_id in state.all_ids(export_dir):
        export = state.load(export_dir, export_id)
        if export.status == ExportStatus.DONE and (export.finished_at or "") < limit:
            (state.folder_of(export_dir, export_id) / export.filename).unlink(missing_ok=True)
            export.status = ExportStatus.EXPIRED
            state.save(export, export_dir)
            removed += 1
    return removed
