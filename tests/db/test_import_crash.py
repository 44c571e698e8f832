"""An import killed in the middle of its commit leaves the database as it was, and the same
command run again imports the file: the real `flask trees import` process, killed with
SIGKILL while PostgreSQL is writing its trees."""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from smarttrees.config import ROOT
from smarttrees.extensions import db
from tests.helpers.factories import commune_named, point_in

ROWS = 40_000
SOURCE = "killed-survey"


def _survey(path: Path) -> None:
    lon, lat = point_in(commune_named("Gia Sàng"))
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "longitude", "latitude", "species", "dbh"])
        for i in range(ROWS):
            dx, dy = (i % 200) * 2e-5, (i // 200) * 2e-5  # a planting grid of about 2 m
            writer.writerow([f"K{i}", f"{lon + dx:.7f}", f"{lat + dy:.7f}", "Keo lai", "12,5"])


def _import(path: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": db.engine.url.render_as_string(hide_password=False)}
    env["DATABASE_URL"] = env["DATABASE_URL"].replace("postgresql+psycopg2", "postgresql")
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "trees", "import", str(path)]
    command += ["--commit", "--source", SOURCE]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)


def _writing_trees() -> int | None:
    """The backend that runs the import's INSERT into trees, if one does now."""
    return db.session.scalar(
        text("""SELECT pid FROM pg_stat_activity
                 WHERE state = 'active' AND query LIKE '%INSERT INTO trees%'
                   AND pid <> pg_backend_pid()""")
    )


def _wait(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        db.session.rollback()
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _state() -> tuple:
    db.session.rollback()
    return db.session.execute(
        text("""SELECT (SELECT count(*) FROM trees),
                       (SELECT coalesce(sum(trees), 0) FROM tree_cells),
                       (SELECT coalesce(sum(trees), 0) FROM commune_tallies),
                       (SELECT count(*) FROM import_batches),
                       (SELECT last_value FROM tree_code_seq)""")
    ).one()[:4]


def test_a_commit_killed_midway_leaves_nothing_and_runs_again(app, tmp_path):
    path = tmp_path / "survey.csv"
    _survey(path)
    before = _state()
    process = _import(path)
    _wait(lambda: _writing_trees() is not None or process.poll() is not None)
    assert process.poll() is None, "the import ended before it was seen writing"
    backend = _writing_trees()
    process.send_signal(signal.SIGKILL)
    process.wait()
    # PostgreSQL finds its client gone and rolls the transaction back.
    _wait(
        lambda: (
            db.session.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": backend}
            )
            == 0
        )
    )
    assert _state() == before  # no tree, tally, count or batch half-written
    again = _import(path)
    output, _ = again.communicate(timeout=600)
    assert again.returncode == 0, output
    assert f'"created": {ROWS}' in output
    db.session.rollback()
    assert (
        db.session.scalar(text("SELECT count(*) FROM trees WHERE source = :s"), {"s": SOURCE})
        == ROWS
    )
