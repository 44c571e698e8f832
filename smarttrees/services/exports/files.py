"""A selection of trees written as a file: the format and coordinate system checked, the
file's name, the rows read a batch at a time and handed to the format's writer."""

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from smarttrees.errors import NotFound, ValidationFailed
from smarttrees.exporters import FORMATS, open_writer
from smarttrees.services.exports import selection
from smarttrees.services.inventory import TreeQuery

Report = Callable[[int, str], None]  # (rows written, step: "reading" or "finishing")


def check_format(fmt: str, crs: int | None) -> int:
    """The coordinate system to write `fmt` in (WGS 84 unless VN-2000 TM-3 is asked for and
    the format can hold it); an unknown format is not found."""
    if fmt not in FORMATS:
        raise NotFound("No export has this format.", details={"format": fmt})
    crs = crs or 4326
    if crs not in FORMATS[fmt].crs:
        raise ValidationFailed(
            "This format cannot be written in this coordinate system.",
            details={"crs": "4326 or 9213 (GeoPackage, Shapefile)"},
        )
    return crs


def filename(fmt: str, crs: int) -> str:
    """trees.gpkg, trees_vn2000.shp.zip, …"""
    return ("trees" if crs == 4326 else "trees_vn2000") + FORMATS[fmt].suffix


def write_selection(
    query: TreeQuery, fmt: str, crs: int, path: Path, *, report: Report | None = None
) -> int:
    """Write the trees `query` selects to `path` as `fmt`; returns how many were written."""
    writer = open_writer(fmt, path, crs=crs)
    done = 0
    for rows in selection.batches(query, crs):
        writer.add(rows)
        done += len(rows)
        if report:
            report(done, "reading")
    if report:
        report(done, "finishing")
    writer.finish()
    return done


def write_now(query: TreeQuery, fmt: str, crs: int) -> Path:
    """A small selection written at once into a folder of its own (`discard` removes it)."""
    folder = Path(tempfile.mkdtemp(prefix="smarttrees-export-"))
    path = folder / filename(fmt, crs)
    try:
        write_selection(query, fmt, crs, path)
    except BaseException:
        discard(path)
        raise
    return path


def discard(path: Path) -> None:
    """Remove a file `write_now` made, with its folder."""
    shutil.rmtree(path.parent, ignore_errors=True)
