"""Importing a province: 1,130,000 survey rows through the same code path as `flask trees
import --commit` (read, check, stage with COPY, validate in SQL, spatial assignment, upsert,
map tallies), against ogr2ogr loading the same CSV into a plain table with PG_USE_COPY.
The rows are laid out as the province's trees are: plantations on planting grids, the rest
scattered through the communes (BENCH_IMPORT_SCATTER=1: every row at a random spot of the
province's extent, a quarter outside it, ten species mixed: the map tallies' worst case).

Run: make bench-import (needs gdal-bin for ogr2ogr; the project's database must be migrated
and hold the reference data). The benchmark's trees are removed afterwards.
"""

import csv
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from geoalchemy2.shape import to_shape
from shapely.geometry import Point
from sqlalchemy import select, text

from smarttrees import create_app
from smarttrees.extensions import db
from smarttrees.geo.sampling import planting_grid, points_inside, square_around
from smarttrees.models import AdminLevel, AdminUnit
from smarttrees.services import imports
from smarttrees.services.imports import batches, checks, pipeline, staging, writing
from smarttrees.services.inventory.trees import reserve_tree_codes

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "1130000"))
SCATTER = os.environ.get("BENCH_IMPORT_SCATTER") == "1"
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


PLANTATION_SPECIES = ("Keo tai tượng", "Keo lai", "Bach dan uro", "Acacia mangium", "Mỡ")
STAND_TREES = 3000
DENSITY_PER_HA = 1600


def _communes() -> list:
    units = db.session.scalars(
        select(AdminUnit).where(AdminUnit.level != AdminLevel.PROVINCE).order_by(AdminUnit.code)
    )
    return [to_shape(unit.geom) for unit in units]


def _points(rows: int, communes: list, rng) -> list[tuple[np.ndarray, list[str]]]:
    """A province as surveyed: 60 % plantation trees on planting grids in stands of one
    species (about 1,600 a hectare), the rest scattered across the communes, any species."""
    planted = int(rows * 0.6)
    parts = []
    for start in range(0, planted, STAND_TREES):
        count = min(STAND_TREES, planted - start)
        commune = communes[rng.integers(len(communes))]
        center = Point(*points_inside(commune, 1, rng)[0])
        area = count / DENSITY_PER_HA * 10_000 * 1.1
        square = square_around(center, area_m2=area, angle_deg=float(rng.uniform(0, 90)))
        species = str(rng.choice(PLANTATION_SPECIES))
        grid = planting_grid(square, count, rng)
        parts.append((grid, [species] * len(grid)))
    scattered = rows - sum(len(points) for points, _ in parts)
    shares = np.array_split(np.arange(scattered), len(communes))
    for commune, count in zip(communes, shares, strict=True):
        points = points_inside(commune, len(count), rng)
        parts.append((points, [str(s) for s in rng.choice(SPECIES, len(points))]))
    return parts


def _scatter(rows: int, rng) -> list[tuple[np.ndarray, list[str]]]:
    points = np.column_stack([rng.uniform(105.45, 106.2, rows), rng.uniform(21.35, 22.6, rows)])
    return [(points, [str(s) for s in rng.choice(SPECIES, rows)])]


def write_survey(path: Path, rows: int, communes: list) -> None:
    """The survey as a team writes it: decimal commas, day-first dates; one row in a hundred
    has a real mistake (a DBH that is not a number, no such day, a point 50 km off, an id
    given twice), so the checks have work to do."""
    rng = np.random.default_rng(7)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "longitude", "latitude", "species", "dbh", "height", "planted"])
        number = 0
        layout = _scatter(rows, rng) if SCATTER else _points(rows, communes, rng)
        for points, species in layout:
            dbh = rng.uniform(3, 60, len(points))
            height = rng.uniform(2, 30, len(points))
            for (lon, lat), name, d, h in zip(points, species, dbh, height, strict=True):
                row = [f"S{number}", f"{lon:.7f}", f"{lat:.7f}", name, f"{d:.1f}".replace(".", ",")]
                row += [f"{h:.1f}", f"{number % 28 + 1}/{number % 12 + 1}/2015"]
                _mistake(row, number)
                writer.writerow(row)
                number += 1


def _mistake(row: list, number: int) -> None:
    kind = number % 400
    if kind == 99:
        row[4] = "abc"
    elif kind == 199:
        row[6] = "31/02/2015"
    elif kind == 299:
        row[1] = f"{float(row[1]) + 0.5:.7f}"  # into the next province
    elif kind == 399:
        row[0] = f"S{number - 1}"


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


def _small(folder: str, communes: list) -> float:
    """Median seconds for a 10,000-row file to be checked, ready for review (of 3)."""
    small = Path(folder) / "small.csv"
    write_survey(small, 10_000, communes)
    ready = []
    for _ in range(3):
        started = time.perf_counter()
        imports.import_file(small, source=SOURCE)
        ready.append(time.perf_counter() - started)
    return statistics.median(ready)


class StepClock:
    """Seconds spent in each step of the pipeline (open, stage, check, write), by wrapping the
    functions the pipeline calls."""

    STEPS = (
        (pipeline, "open_file", "open"),
        (staging, "stage", "stage"),
        (checks, "check", "check"),
        (writing, "write", "write"),
    )

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        for module, name, step in self.STEPS:
            setattr(module, name, self._timed(getattr(module, name), step))

    def _timed(self, function, step):
        def run(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[step] = self.seconds.get(step, 0) + time.perf_counter() - started

        return run

    def shares(self, total: float) -> str:
        parts = [f"{step} {s:.1f} s ({s / total:.0%})" for step, s in self.seconds.items()]
        return ", ".join(parts)


def resident_mb() -> float:
    """The memory the process holds now (VmRSS), not its peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cli_commit(path: Path) -> float:
    """The CLI's path, check and write in one transaction, timed step by step; its seconds."""
    print(f"  memory held before the import: {resident_mb():.0f} MB")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    clock = StepClock()
    started = time.perf_counter()
    summary = imports.import_file(path, source=SOURCE, commit=True)
    ours = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"SmartTrees import: {ours:.1f} s ({summary['created']:,} created, "
        f"{summary['errors']:,} rows with errors: {summary['errors_by_code']}); "
        f"peak memory {peak:.0f} MB (was {before:.0f} MB), {resident_mb():.0f} MB held after it"
    )
    print(f"  steps: {clock.shares(ours)}")
    return ours


def _web_path(path: Path) -> tuple[float, float]:
    """The browser's path: the check job keeps its rows, the commit job writes them."""
    batch = batches._new_batch(path, actor=None, source=SOURCE + "-web", category="scattered")
    db.session.commit()
    started = time.perf_counter()
    pipeline.check_and_keep(batch)
    checked = time.perf_counter() - started
    started = time.perf_counter()
    summary = pipeline.write_kept(db.session.get(type(batch), batch.id), actor=None)
    written = time.perf_counter() - started
    print(f"  web path: {summary['created']:,} created")
    return checked, written


def main() -> None:
    app = create_app()
    with tempfile.TemporaryDirectory() as folder, app.app_context():
        path = Path(folder) / "survey.csv"
        started = time.perf_counter()
        communes = _communes()
        write_survey(path, ROWS, communes)
        print(
            f"{ROWS:,} rows, {path.stat().st_size / 2**20:.0f} MB CSV written in "
            f"{time.perf_counter() - started:.1f} s"
        )
        print(f"10,000-row file checked, ready for review: median {_small(folder, communes):.2f} s")
        started = time.perf_counter()
        checked = imports.import_file(path, source=SOURCE)
        print(
            f"{ROWS:,} rows checked (no commit): {time.perf_counter() - started:.1f} s, "
            f"{checked['ready']:,} ready"
        )
        ours = _cli_commit(path)
        checked, written = _web_path(path)
        print(
            f"The browser's path: checked and kept {checked:.1f} s, the kept rows written "
            f"{written:.1f} s (the commit no longer reads the file or checks it again)"
        )
        started = time.perf_counter()
        again = imports.import_file(path, source=SOURCE, commit=True)
        print(
            f"The same file again: {time.perf_counter() - started:.1f} s "
            f"({again['updated']:,} updated, {again['created']:,} created)"
        )
        db.session.execute(text("DELETE FROM trees WHERE source LIKE :s"), {"s": SOURCE + "%"})
        db.session.commit()
        _references(path, app.config["DATABASE_URL"], ours)


def _references(path: Path, database_url: str, ours: float) -> None:
    """ogr2ogr's plain load of the file, and the least any importer into `trees` pays: the
    rows ogr2ogr loaded inserted into trees as they are (no checks, no places)."""
    reference = ogr2ogr(path, database_url)
    if reference is None:
        print("ogr2ogr not installed (apt-get install gdal-bin): no reference")
        return
    print(
        f"ogr2ogr -f PostgreSQL (PG_USE_COPY, GiST index): {reference:.1f} s; "
        f"ours / ogr2ogr = {ours / reference:.2f}"
    )
    floor = _bare_insert()
    print(
        f"The same rows inserted into trees as they are (its {_count_indexes()} indexes, "
        f"keys, triggers and map tallies; no checks, no places): {floor:.1f} s = "
        f"{floor / reference:.2f}× ogr2ogr; ours / that floor = {ours / floor:.2f}"
    )
    db.session.execute(text("DROP TABLE bench_ogr"))
    db.session.commit()


BARE_INSERT_SQL = """
INSERT INTO trees (code, category, species_id, dbh_cm, height_m, geom, source, external_id,
                   import_batch_id)
SELECT tree_code(:first + o.ogc_fid), 'scattered', :species,
       CASE WHEN o.dbh ~ '^[0-9]{1,3}(,[0-9])?$' THEN replace(o.dbh, ',', '.')::numeric END,
       CASE WHEN o.height ~ '^[0-9]{1,2}(\\.[0-9])?$' THEN o.height::numeric END,
       o.wkb_geometry, :source, o.id || ':' || o.ogc_fid, :batch
  FROM bench_ogr AS o"""


def _bare_insert() -> float:
    """Seconds to insert ogr2ogr's rows into trees, taken back afterwards."""
    _vacuum_trees()
    rows = db.session.scalar(text("SELECT max(ogc_fid) FROM bench_ogr"))
    params = {
        "first": reserve_tree_codes(rows + 1),
        "species": db.session.scalar(text("SELECT min(id) FROM species")),
        "source": SOURCE + "-floor",
        "batch": db.session.scalar(text("SELECT max(id) FROM import_batches")),
    }
    db.session.commit()
    db.session.execute(text("SET LOCAL smarttrees.bulk_places = 'on'"))
    started = time.perf_counter()
    db.session.execute(text(BARE_INSERT_SQL), params)
    seconds = time.perf_counter() - started
    db.session.rollback()
    _vacuum_trees()
    return seconds


def _vacuum_trees() -> None:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM trees"))


def _count_indexes() -> int:
    return db.session.scalar(text("SELECT count(*) FROM pg_indexes WHERE tablename = 'trees'"))


if __name__ == "__main__":
    main()
