"""Background jobs queued in the caller's own transaction: a job exists exactly when the change
that needs it is committed (a crash between the two can no longer leave a batch that no job will
ever check). The jobs live in procrastinate's table; `flask jobs worker` runs them."""

import json

from sqlalchemy import text

from smarttrees.extensions import db

NAMESPACE = "smarttrees"  # the namespace jobs.py registers its tasks under

DEFER_SQL = """
SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[
  ROW(:queue, :task, 0, NULL, NULL, CAST(:args AS jsonb), NULL)::procrastinate_job_to_defer_v1
]))"""


def enqueue(task: str, *, queue: str, **args) -> int:
    """Queue `task` with keyword `args` in the current transaction; returns the job id."""
    return db.session.scalar(
        text(DEFER_SQL),
        {"queue": queue, "task": f"{NAMESPACE}:{task}", "args": json.dumps(args)},
    )


# A job whose worker stopped sending its heartbeat (killed, out of memory, the machine
# restarted) stays 'doing' for ever unless someone notices: each job holds one transaction,
# so nothing of it was written, and it can run again. One that stalls again and again fails.
STALLED_SQL = """
SELECT j.id, j.task_name, j.args, j.attempts FROM procrastinate_jobs AS j
  LEFT JOIN procrastinate_workers AS w ON w.id = j.worker_id
 WHERE j.status = 'doing'
   AND (w.id IS NULL OR w.last_heartbeat < now() - make_interval(secs => :after))
 ORDER BY j.id FOR UPDATE OF j SKIP LOCKED"""
STALLED_AFTER_S = 30  # workers beat every few seconds
MOST_ATTEMPTS = 3


def recover_stalled(*, after_s: float = STALLED_AFTER_S) -> list[dict]:
    """Run again the jobs whose worker died; fail those that died too often. Returns each
    job dealt with: its task (without namespace), its arguments and whether it failed."""
    recovered = []
    for job in db.session.execute(text(STALLED_SQL), {"after": after_s}).mappings().all():
        failed = job["attempts"] + 1 >= MOST_ATTEMPTS
        if failed:
            db.session.execute(
                text("SELECT procrastinate_finish_job_v1(:id, 'failed', false)"), {"id": job["id"]}
            )
        else:
            db.session.execute(
                text("SELECT procrastinate_retry_job_v2(:id, now(), NULL, NULL, NULL)"),
                {"id": job["id"]},
            )
        task = job["task_name"].removeprefix(f"{NAMESPACE}:")
        recovered.append({"task": task, "args": job["args"], "failed": failed})
    db.session.commit()
    return recovered
