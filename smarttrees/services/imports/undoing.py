"""Undo a written import: the trees (or stands) it created are removed and the ones it updated
get back the values they held, kept when it wrote them. Refused when anything touched those
records since (a later import, an edit, an inspection): undoing would lose that work."""

from sqlalchemy import func, insert, text
from sqlalchemy.exc import IntegrityError

from smarttrees.errors import Conflict
from smarttrees.extensions import db
from smarttrees.models import AuditLog, ImportBatch, ImportStatus, User
from smarttrees.services import queue
from smarttrees.services.imports import stands, writing
from smarttrees.services.imports.batches import QUEUE, get_batch

SAMPLE = 5  # records named when an undo is refused

# Trees of the batch that changed after it was written, or that a later import took over. The
# write stamped its trees with its transaction's time, which is also the batch's finished_at:
# any other stamp is a later change (comparing moments would race with open transactions).
TREES_TOUCHED_SQL = """
SELECT t.code FROM trees AS t
 WHERE (t.import_batch_id = :batch AND t.updated_at <> :written)
    OR t.id IN (SELECT tree_id FROM import_replaced_trees WHERE batch_id = :batch)
       AND t.import_batch_id IS DISTINCT FROM :batch
 ORDER BY t.code"""
STANDS_TOUCHED_SQL = """
SELECT coalesce(s.name, concat_ws('/', s.tieu_khu, s.khoanh, s.lo), s.id::text) FROM stands AS s
 WHERE s.id IN (SELECT stand_id FROM import_replaced_stands WHERE batch_id = :batch)
   AND s.import_batch_id IS DISTINCT FROM :batch
 ORDER BY 1"""

TREE_REVERT_SQL = f"""
UPDATE trees AS t
   SET ({", ".join(writing.KEPT)}) = ({", ".join(f"k.{column}" for column in writing.KEPT)})
  FROM import_replaced_trees AS k
 WHERE k.batch_id = :batch AND k.tree_id = t.id"""
TREE_REMOVE_SQL = """
DELETE FROM trees AS t
 WHERE t.import_batch_id = :batch
   AND NOT EXISTS (SELECT 1 FROM import_replaced_trees AS k
                    WHERE k.batch_id = :batch AND k.tree_id = t.id)"""

# Stands: trees go back to the stand they stood in first; trees left in a stand about to be
# removed stand in none; then stands are put back and the created ones removed.
TREE_STANDS_REVERT_SQL = """
UPDATE trees AS t SET stand_id = k.stand_id
  FROM import_replaced_tree_stands AS k
 WHERE k.batch_id = :batch AND k.tree_id = t.id"""
CREATED_STANDS = """
SELECT s.id FROM stands AS s
 WHERE s.import_batch_id = :batch
   AND NOT EXISTS (SELECT 1 FROM import_replaced_stands AS k
                    WHERE k.batch_id = :batch AND k.stand_id = s.id)"""
TREES_OUT_OF_REMOVED_SQL = f"UPDATE trees SET stand_id = NULL WHERE stand_id IN ({CREATED_STANDS})"
STAND_REVERT_SQL = f"""
UPDATE stands AS s
   SET ({", ".join(stands.KEPT)}) = ({", ".join(f"k.{column}" for column in stands.KEPT)})
  FROM import_replaced_stands AS k
 WHERE k.batch_id = :batch AND k.stand_id = s.id"""
STAND_REMOVE_SQL = f"DELETE FROM stands WHERE id IN ({CREATED_STANDS})"


def request_undo(batch_id: int, *, actor: User | None) -> None:
    """Check that a written import can be undone, and queue the undo (a big one takes a while)."""
    batch = db.session.get(ImportBatch, batch_id, with_for_update=True) or get_batch(batch_id)
    if batch.status != ImportStatus.DONE:
        raise Conflict("Only an import that wrote its records can be undone.")
    _refuse_if_touched(batch)
    batch.status, batch.failure = ImportStatus.UNDOING, None
    queue.enqueue(
        "undo_import", queue=QUEUE, batch_id=batch_id, actor_id=actor.id if actor else None
    )
    db.session.commit()


def run_undo(batch_id: int, *, actor: User | None) -> dict[str, int]:
    """Undo the batch in one transaction; on any refusal it stays written, with the reason."""
    batch = db.session.get(ImportBatch, batch_id, with_for_update=True)
    if batch is None or batch.status != ImportStatus.UNDOING:
        db.session.rollback()
        return {}
    try:
        _refuse_if_touched(batch)
        undone = _undo_stands(batch.id) if batch.kind == "stands" else _undo_trees(batch.id)
    except (Conflict, IntegrityError) as error:
        db.session.rollback()
        _stay_written(batch_id, error)
        return {}
    _record(batch, undone, actor)
    db.session.commit()
    return undone


def _refuse_if_touched(batch: ImportBatch) -> None:
    sql = STANDS_TOUCHED_SQL if batch.kind == "stands" else TREES_TOUCHED_SQL
    touched = db.session.scalars(text(sql), {"batch": batch.id, "written": batch.finished_at}).all()
    if touched:
        raise Conflict(
            "This import cannot be undone: records it wrote changed since (a later import, an "
            "edit or an inspection), and undoing it would lose that work.",
            details={"changed": len(touched), "examples": touched[:SAMPLE]},
        )


def _undo_trees(batch_id: int) -> dict[str, int]:
    params = {"batch": batch_id}
    reverted = db.session.execute(text(TREE_REVERT_SQL), params).rowcount
    removed = db.session.execute(text(TREE_REMOVE_SQL), params).rowcount
    db.session.execute(text("DELETE FROM import_replaced_trees WHERE batch_id = :batch"), params)
    return {"removed": removed, "reverted": reverted}


def _undo_stands(batch_id: int) -> dict[str, int]:
    params = {"batch": batch_id}
    db.session.execute(text(TREE_STANDS_REVERT_SQL), params)
    db.session.execute(text(TREES_OUT_OF_REMOVED_SQL), params)
    reverted = db.session.execute(text(STAND_REVERT_SQL), params).rowcount
    removed = db.session.execute(text(STAND_REMOVE_SQL), params).rowcount
    for table in ("import_replaced_stands", "import_replaced_tree_stands"):
        db.session.execute(text(f"DELETE FROM {table} WHERE batch_id = :batch"), params)
    return {"removed": removed, "reverted": reverted}


def _record(batch: ImportBatch, undone: dict[str, int], actor: User | None) -> None:
    """The batch says what its undo did, and the audit log who did it."""
    batch.status = ImportStatus.UNDONE
    batch.summary = {**(batch.summary or {}), "undone": undone}
    batch.finished_at = func.now()
    db.session.execute(
        insert(AuditLog),
        {
            "actor_id": actor.id if actor else None,
            "action": "update",
            "entity": "import_batches",
            "entity_id": str(batch.id),
            "before": {"status": ImportStatus.DONE.value},
            "after": {"status": ImportStatus.UNDONE.value, **undone},
        },
    )


def _stay_written(batch_id: int, error: Exception) -> None:
    batch = db.session.get(ImportBatch, batch_id)
    batch.status = ImportStatus.DONE
    batch.failure = (
        error.message
        if isinstance(error, Conflict)
        else "This import cannot be undone: other records now depend on what it wrote."
    )
    db.session.commit()
