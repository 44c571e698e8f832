"""The import pipeline: open → stage → check → write, each step run once, each taking what the
one before returned.

The web checks a file in one job and writes it in another, after the review: the check keeps
its checked rows (`import_rows`, an unlogged table in the batch's own schema `import_<id>`), and
the write takes them as they are, without reading the file or checking it again. The CLI checks
and writes in one transaction, with temporary tables.
"""

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, text
from sqlalchemy.exc import OperationalError

from smarttrees.extensions import db
from smarttrees.importers.verdict import commit_verdict, file_verdict
from smarttrees.models import ImportBatch, ImportStatus, User
from smarttrees.services.imports import checks, staging, stands, writing
from smarttrees.services.imports.opening import encoding_unconfirmed, open_file
from smarttrees.services.inventory.catalog import province_bounds


def import_now(batch: ImportBatch, *, write: bool, actor: User | None) -> dict:
    """Open, stage and check the batch's file and, with `write`, write its trees: one
    transaction, committed at the end (the CLI's import)."""
    drop_kept_rows(batch.id)  # rows an earlier check kept are not this run's
    with tempfile.TemporaryDirectory(prefix="smarttrees-import-") as work:
        summary = _check(batch, Path(work), keep=False, to_write=write)
        if write and summary["ready"]:
            summary.update(_write(batch, summary, actor))
        return _finish(batch, summary, written=write)


def check_and_keep(batch: ImportBatch) -> dict:
    """Open, stage and check the batch's file, and keep the checked rows for the write that
    follows the review (the web's check job)."""
    with tempfile.TemporaryDirectory(prefix="smarttrees-import-") as work:
        db.session.execute(text(f"DROP SCHEMA IF EXISTS {kept_schema(batch.id)} CASCADE"))
        db.session.execute(text(f"CREATE SCHEMA {kept_schema(batch.id)}"))
        with kept_rows(batch.id):
            summary = _check(batch, Path(work), keep=True, to_write=False)
        return _finish(batch, summary, written=False)


def write_kept(batch: ImportBatch, *, actor: User | None) -> dict:
    """Write the rows the last check kept, as the review left them (the web's commit job)."""
    summary = dict(batch.summary or {})
    if summary.get("encoding_guessed"):
        raise encoding_unconfirmed(summary)
    with kept_rows(batch.id):
        kept = _rows_were_kept(batch.id, summary)
        if kept and batch.kind == "trees":
            summary.update(checks.as_reviewed(summary["rows_read"], batch.source))
        if kept and summary.get("ready"):
            summary.update(_write(batch, summary, actor))
    drop_kept_rows(batch.id)
    if not kept:
        # A database restarted after a crash empties unlogged tables: start again from the file.
        return import_now(batch, write=True, actor=actor)
    return _finish(batch, summary, written=True)


def kept_schema(batch_id: int) -> str:
    return f"import_{int(batch_id)}"


@contextmanager
def kept_rows(batch_id: int) -> Iterator[None]:
    """Statements inside find (and make) `import_rows` in the batch's own schema; temporary
    tables still come first."""
    path = db.session.scalar(text("SELECT current_setting('search_path')"))
    set_path = text("SELECT set_config('search_path', :path, true)")
    db.session.execute(set_path, {"path": f"{kept_schema(batch_id)}, {path}"})
    yield
    db.session.execute(set_path, {"path": path})


def drop_kept_rows(batch_id: int) -> None:
    db.session.execute(text(f"DROP SCHEMA IF EXISTS {kept_schema(batch_id)} CASCADE"))


def _rows_were_kept(batch_id: int, summary: dict) -> bool:
    table = db.session.scalar(
        text("SELECT to_regclass(:name)"), {"name": f"{kept_schema(batch_id)}.import_rows"}
    )
    if table is None or not summary:
        return False
    return not summary.get("ready") or db.session.scalar(
        text("SELECT EXISTS (SELECT 1 FROM import_rows)")
    )


def _check(batch: ImportBatch, work: Path, *, keep: bool, to_write: bool) -> dict:
    opened = open_file(batch, work, to_write=to_write)
    batch.crs, batch.mapping, batch.units = opened.crs, opened.mapping, opened.units
    batch.status = ImportStatus.VALIDATING
    batch.rows_total = opened.rows_total
    if batch.kind == "stands":
        staged = stands.stage(opened, batch, progress_of(batch.id), keep=keep)
        return stands.check(opened, staged, batch)
    staged = staging.stage(opened, batch, progress_of(batch.id), keep=keep)
    return checks.check(opened, staged, batch)


def _write(batch: ImportBatch, summary: dict, actor: User | None) -> dict[str, int]:
    progress_of(batch.id)(summary["rows_read"], "writing")
    write = stands.write if batch.kind == "stands" else writing.write
    return write(batch, ready=summary["ready"], actor=actor)


def _finish(batch: ImportBatch, summary: dict, *, written: bool) -> dict:
    summary = {"created": 0, "updated": 0, "unchanged": 0, **summary, "batch_id": batch.id}
    verdict = commit_verdict(summary) if written else file_verdict(summary, province_bounds())
    summary["verdict"] = verdict.as_dict() if verdict else None
    batch.rows_total = batch.rows_done = summary["rows_read"]
    batch.summary, batch.step = summary, None
    batch.status = ImportStatus.DONE if written else ImportStatus.REVIEW
    batch.finished_at = func.now()
    db.session.commit()
    return summary


def progress_of(batch_id: int) -> Callable[..., None]:
    """Report rows done and the step (reading, checking, writing) outside the import's
    transaction, so a page can show them meanwhile; best effort, it never waits on a lock."""

    def report(done: int, step: str = "reading") -> None:
        with db.engine.connect() as connection:
            try:
                connection.execute(text("SET LOCAL lock_timeout = '200ms'"))
                connection.execute(
                    text("UPDATE import_batches SET rows_done = :d, step = :s WHERE id = :id"),
                    {"d": done, "s": step, "id": batch_id},
                )
                connection.commit()
            except OperationalError:  # the import's own transaction holds the row: skip
                connection.rollback()

    return report
