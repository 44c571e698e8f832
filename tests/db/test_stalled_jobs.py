"""A job whose worker died (killed, out of memory, the machine restarted) is not left running
for ever: it runs again, and after dying too often it fails, its import saying why."""

from sqlalchemy import func, select, text

from smarttrees import jobs
from smarttrees.extensions import db
from smarttrees.models import ImportBatch, ImportStatus, Role, Tree
from tests.helpers.imports import run_jobs, upload
from tests.helpers.web import csrf_from, sign_in

DEAD_WORKER = """
WITH dead AS (
  INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - interval '5 minutes')
  RETURNING id)
UPDATE procrastinate_jobs SET status = 'doing', worker_id = (SELECT id FROM dead),
       attempts = :attempts
 WHERE task_name = 'smarttrees:commit_import'"""


def _committing(client, runner) -> ImportBatch:
    """An import whose commit job was taken by a worker that then died."""
    sign_in(client, Role.MANAGER)
    upload(client, b"id,longitude,latitude\nA,105.81,21.59\nB,105.83,21.60\n", "ks.csv")
    run_jobs(runner)
    batch = db.session.scalar(select(ImportBatch))
    token = csrf_from(client, f"/imports/{batch.id}")
    client.post(f"/imports/{batch.id}/commit", data={"csrf_token": token})
    return batch


def test_a_commit_whose_worker_died_runs_again_and_writes_its_trees_once(client, runner):
    batch = _committing(client, runner)
    db.session.execute(text(DEAD_WORKER), {"attempts": 0})
    db.session.commit()
    [recovered] = jobs.recover_stalled_jobs()
    assert recovered == {"task": "commit_import", "args": recovered["args"], "failed": False}
    run_jobs(runner)
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.DONE
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 2
    assert jobs.recover_stalled_jobs() == []  # nothing left behind


def test_a_commit_whose_worker_died_too_often_fails_with_the_reason(client, runner):
    batch = _committing(client, runner)
    db.session.execute(text(DEAD_WORKER), {"attempts": 2})
    db.session.commit()
    [recovered] = jobs.recover_stalled_jobs()
    assert recovered["failed"]
    failed = db.session.get(ImportBatch, batch.id)
    assert failed.status == ImportStatus.FAILED and "stopped" in failed.failure
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "Tiến trình chạy nền đã dừng" in page  # the user is told, in Vietnamese
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 0


def test_a_job_whose_worker_still_beats_is_left_alone(client, runner):
    _committing(client, runner)
    db.session.execute(
        text(DEAD_WORKER.replace("now() - interval '5 minutes'", "now()")), {"attempts": 0}
    )
    db.session.commit()
    assert jobs.recover_stalled_jobs() == []
