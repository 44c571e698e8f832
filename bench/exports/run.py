"""The province's GeoPackage export against ogr2ogr reading the same table, in the same run.
After `make demo-full` (or with DATABASE_URL naming a database that holds the full demo):
make bench-export

Each side runs three times in a child process of its own. Ours is the background job's own
body (exports.run: count, read a batch at a time, stage, copy into the GeoPackage, progress
saved per batch) without the queue around it; ogr2ogr runs the same SELECT (the same columns,
joins and order) into a GeoPackage. Prints each run, the medians, their ratio (goal: within
1.5x) and the peak resident memory of each side's process (ours: goal under 300 MB), read
from the kernel's accounting of the child (wait4's ru_maxrss).
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

RUNS = 3
GOAL_RATIO, GOAL_MB = 1.5, 300
SQL = """SELECT t.code, COALESCE(s.scientific_name, t.species_raw) AS species,
  s.vi_name AS species_vi, t.category::text AS category, t.dbh_cm::float8 AS dbh_cm,
  t.height_m::float8 AS height_m, t.crown_m::float8 AS crown_m, t.condition::text AS condition,
  t.planted_on, c.name AS commune, t.notes, t.geom
FROM trees t LEFT JOIN species s ON s.id = t.species_id
LEFT JOIN admin_units c ON c.id = t.commune_id ORDER BY t.id"""


def database_url() -> str:
    from smarttrees.config import local_database_url

    return os.environ.get("DATABASE_URL") or local_database_url()


def ogr_connection(url: str) -> tuple[str, dict]:
    """GDAL's PG: string for the URL (its password in the environment, not on the command)."""
    parts = urlsplit(url)
    words = {
        "host": parts.hostname,
        "port": parts.port,
        "user": parts.username,
        "dbname": parts.path.lstrip("/"),
    }
    env = dict(os.environ, PGPASSWORD=parts.password or "")
    return "PG:" + " ".join(f"{k}={v}" for k, v in words.items() if v), env


def measured(command: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Seconds, peak resident MB and standard output of a child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{command[0]} failed: {output}")
    return seconds, usage.ru_maxrss / 1024, output


def ours(folder: Path) -> tuple[float, float, dict]:
    seconds, peak, output = measured([sys.executable, __file__, "--ours", str(folder)])
    return seconds, peak, json.loads(output.strip().splitlines()[-1])


def ogr2ogr(folder: Path, url: str) -> tuple[float, float]:
    target = folder / "ogr2ogr.gpkg"
    target.unlink(missing_ok=True)
    source, env = ogr_connection(url)
    command = ["ogr2ogr", "-f", "GPKG", str(target), source, "-sql", SQL, "-nln", "trees"]
    seconds, peak, _ = measured(command, env)
    return seconds, peak


def run_ours(folder: Path) -> None:
    """The child: the export job's body for the whole province, as GeoPackage."""
    from smarttrees import create_app
    from smarttrees.services import exports
    from smarttrees.services.exports import state

    export_dir = folder / "exports"
    app = create_app()
    with app.app_context():
        export = state.Export(
            id=state.new_id(),
            format="gpkg",
            crs=4326,
            filters={},
            filename="trees.gpkg",
            created_by=None,
        )
        state.save(export, export_dir)
        started = time.perf_counter()
        exports.run(export.id, export_dir=export_dir)
        seconds = time.perf_counter() - started
        done = state.load(export_dir, export.id)
    path = export_dir / export.id / export.filename
    print(json.dumps({"seconds": seconds, "status": done.status.value, "path": str(path)}))


def features(path: Path) -> int:
    import pyogrio

    return pyogrio.read_info(path, force_feature_count=True)["features"]


def bench(folder: Path, url: str) -> None:
    rows = []
    for run in range(1, RUNS + 1):
        process, peak, result = ours(folder)
        assert result["status"] == "done", result
        theirs, their_peak = ogr2ogr(folder, url)
        mine, their_file = Path(result["path"]), folder / "ogr2ogr.gpkg"
        count = features(mine)
        assert count == features(their_file), "the two files hold different counts"
        print(
            f"run {run}: ours {result['seconds']:.2f} s (process {process:.2f} s, "
            f"peak {peak:.0f} MB, {mine.stat().st_size / 2**20:.0f} MB file) · ogr2ogr "
            f"{theirs:.2f} s (peak {their_peak:.0f} MB, {their_file.stat().st_size / 2**20:.0f} "
            f"MB file) · {count:,} trees",
            flush=True,
        )
        rows.append((result["seconds"], process, peak, theirs, their_peak))
        mine.unlink()
    job, process, peak, theirs, their_peak = (statistics.median(c) for c in zip(*rows, strict=True))
    worst = max(r[2] for r in rows)
    print(
        f"median of {RUNS}: ours {job:.2f} s (whole process {process:.2f} s), ogr2ogr "
        f"{theirs:.2f} s; ratio {job / theirs:.2f}x (process {process / theirs:.2f}x; goal "
        f"within {GOAL_RATIO}x); peak memory of the export {worst:.0f} MB (goal under "
        f"{GOAL_MB} MB; ogr2ogr {their_peak:.0f} MB)"
    )


def main() -> None:
    if sys.argv[1:2] == ["--ours"]:
        run_ours(Path(sys.argv[2]))
        return
    url = database_url()
    print(f"database: {urlsplit(url).path.lstrip('/')}; province GeoPackage, {RUNS} runs each")
    with tempfile.TemporaryDirectory(prefix="smarttrees-bench-export-") as folder:
        bench(Path(folder), url)


if __name__ == "__main__":
    main()
