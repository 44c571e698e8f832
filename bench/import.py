"""Importing a province: 1,130,000 survey rows through the same code path as `flask trees
import --commit` (read, check, stage with COPY, validate in SQL, spatial assignment, upsert,
map tallies), against ogr2ogr loading the same CSV into a plain table with PG_USE_COPY.

Run: make bench-import (needs gdal-bin for ogr2ogr; the project's database must be migrated
and hold the reference data). The benchmark's trees are removed afterwards.
"""

import csv
import os
import random
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from smarttrees import create_app
from smarttrees.extensions import db
from smarttrees.services import imports

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "1130000"))
SOURCE = "bench-import"
SPECIES = (
    "Keo tai tượng",
    "Keo lai",
    "Bach dan uro",
    "Acacia mangium",
    "Sấu",
    "Xà cừ",
    "Bằng lăng nước",
    "Thông mã vĩ",
    "Lim xanh",
    "Mỡ",
)


def write_survey(path: Path, rows: int) -> None:
    """Rows spread over the province's extent (some fall outside it: real errors)."""
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "longitude", "latitude", "species", "dbh", "height", "planted"])
        for i in range(rows):
            writer.writerow(
                [
                    f"S{i}",
                    f"{rng.uniform(105.45, 106.2):.6f}",
                    f"{rng.uniform(21.35, 22.6):.6f}",
                    rng.choice(SPECIES),
                    f"{rng.uniform(3, 60):.1f}".replace(".", ","),
                    f"{rng.uniform(2, 30):.1f}",
                    f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/2015",
                ]
            )


def ogr2ogr(path: Path, database_url: str) -> float | None:
    if not shutil.which("ogr2ogr"):
        return None
    started = time.perf_counter()
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "PostgreSQL",
            f"PG:{database_url}",
            str(path),
            "-nln",
            "bench_ogr",
            "-overwrite",
            "-oo",
            "X_POSSIBLE_NAMES=longitude",
            "-oo",
            "Y_POSSIBLE_NAMES=latitude",
            "-a_srs",
            "EPSG:4326",
            "-lco",
            "SPATIAL_INDEX=GIST",
            "--config",
            "PG_USE_COPY",
            "YES",
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    app = create_app()
    with tempfile.TemporaryDirectory() as folder, app.app_context():
        path = Path(folder) / "survey.csv"
        started = time.perf_counter()
        write_survey(path, ROWS)
        print(
            f"{ROWS:,} rows, {path.stat().st_size / 2**20:.0f} MB CSV written in "
            f"{time.perf_counter() - started:.1f} s"
        )
        small = Path(folder) / "small.csv"
        write_survey(small, 10_000)
        ready = []
        for _ in range(3):
            started = time.perf_counter()
            imports.import_file(small, source=SOURCE)
            ready.append(time.perf_counter() - started)
        print(f"10,000-row file checked, ready for review: median {statistics.median(ready):.2f} s")
        started = time.perf_counter()
        checked = imports.import_file(path, source=SOURCE)
        print(
            f"{ROWS:,} rows checked (no commit): {time.perf_counter() - started:.1f} s, "
            f"{checked['ready']:,} ready"
        )
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        summary = imports.import_file(path, source=SOURCE, commit=True)
        ours = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"SmartTrees import: {ours:.1f} s ({summary['created']:,} created, "
            f"{summary['errors']:,} rows with errors: {summary['errors_by_code']}); "
            f"peak memory {peak:.0f} MB (was {before:.0f} MB)"
        )
        reference = ogr2ogr(path, app.config["DATABASE_URL"])
        if reference is None:
            print("ogr2ogr not installed (apt-get install gdal-bin): no reference")
        else:
            print(
                f"ogr2ogr -f PostgreSQL (PG_USE_COPY, GiST index): {reference:.1f} s; "
                f"ours / ogr2ogr = {ours / reference:.2f}"
            )
        db.session.execute(text("DROP TABLE IF EXISTS bench_ogr"))
        db.session.execute(text("DELETE FROM trees WHERE source = :s"), {"s": SOURCE})
        db.session.commit()


if __name__ == "__main__":
    main()
