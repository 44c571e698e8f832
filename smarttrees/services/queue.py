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
