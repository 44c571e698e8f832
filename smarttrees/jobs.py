"""Background jobs on a PostgreSQL-backed queue (procrastinate): no extra server to run.

Jobs survive a web restart because they live in the database; `flask jobs worker` runs them.
"""

from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path

import procrastinate

tasks = procrastinate.Blueprint()


@cache
def queue_app(database_url: str) -> procrastinate.App:
    """The queue client for one database, with every SmartTrees task registered (one per
    process: registering a blueprint's tasks twice would rename them)."""
    connector = procrastinate.PsycopgConnector(conninfo=database_url)
    app = procrastinate.App(connector=connector)
    app.add_tasks_from(tasks, namespace="smarttrees")
    return app


_worker_app = {}


def use_app(app) -> None:
    """Run tasks in this Flask app (the worker command passes its own, with its config)."""
    _worker_app["app"] = app


def _flask_app():
    if "app" not in _worker_app:
        raise RuntimeError("Tasks run in `flask jobs worker`, which gives them its app.")
    return _worker_app["app"]


def in_app_context(function: Callable) -> Callable:
    """Run a task inside a Flask application context, so services reach the database."""

    @wraps(function)
    def run(*args, **kwargs):
        with _flask_app().app_context():
            return function(*args, **kwargs)

    return run


@tasks.task(name="analyze_inventory", queue="maintenance")
@in_app_context
def analyze_inventory() -> None:
    """Refresh the planner's statistics after large changes."""
    from smarttrees.services import admin

    admin.analyze()


@tasks.task(name="check_import", queue="imports")
@in_app_context
def check_import(batch_id: int) -> None:
    """Read and check an uploaded survey file; its batch then waits for review."""
    from smarttrees.services import imports

    imports.run_check(batch_id)


@tasks.task(name="commit_import", queue="imports")
@in_app_context
def commit_import(batch_id: int, actor_id: int | None = None) -> None:
    """Write a reviewed batch's trees, in one transaction."""
    from smarttrees.services import admin, imports

    imports.run_write(batch_id, actor=admin.get_user(actor_id) if actor_id else None)


@tasks.task(name="undo_import", queue="imports")
@in_app_context
def undo_import(batch_id: int, actor_id: int | None = None) -> None:
    """Undo a written import, in one transaction."""
    from smarttrees.services import admin, imports

    imports.run_undo(batch_id, actor=admin.get_user(actor_id) if actor_id else None)


@tasks.task(name="export_trees", queue="exports")
@in_app_context
def export_trees(export_id: str) -> None:
    """Write a large export's file, then remove the files of old ones."""
    from smarttrees.services import exports

    config = _flask_app().config
    export_dir = Path(config["EXPORT_DIR"])
    exports.run(export_id, export_dir=export_dir)
    exports.prune(export_dir, keep_days=config["EXPORT_KEEP_DAYS"])


@tasks.periodic(cron="30 2 * * *")
@tasks.task(name="refresh_growth", queue="maintenance")
@in_app_context
def refresh_growth(timestamp: int | None = None) -> None:
    """Each night: the growth figures from the day's inspections."""
    from smarttrees.services import reports

    reports.refresh_growth()


def recover_stalled_jobs() -> list[dict]:
    """Jobs left 'doing' by a worker that died run again; an import that died too often ends
    failed with the reason (the worker does this when it starts and every minute)."""
    from smarttrees.services import imports, queue

    recovered = queue.recover_stalled()
    for job in recovered:
        if job["failed"] and job["task"] in ("check_import", "commit_import", "undo_import"):
            imports.interrupted(job["args"]["batch_id"])
    return recovered


@tasks.periodic(cron="* * * * *")
@tasks.task(name="recover_stalled_jobs", queue="maintenance")
@in_app_context
def recover_stalled_jobs_each_minute(timestamp: int | None = None) -> None:
    recover_stalled_jobs()
