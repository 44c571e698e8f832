"""Step 1 of an import, open: the saved file read as a table (CSV in the encoding found or
chosen, XLSX, Kobo JSON, or a GIS file through GDAL), its coordinate system and the mapping
(the batch's, else proposed from the column names), checked before a row is staged."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from smarttrees.errors import Conflict, DomainError, ValidationFailed
from smarttrees.importers import archive, kobo, vector, xlsx
from smarttrees.importers.csvfile import (
    NotATable,
    PlainCsv,
    detect_encoding,
    head_of,
    preview,
    read_csv,
)
from smarttrees.importers.encodings import LEGACY
from smarttrees.importers.layout import Layout
from smarttrees.importers.mapping import has_coordinates, with_geometry
from smarttrees.importers.points import Coordinates
from smarttrees.importers.proposal import SAMPLE_ROWS, propose_mapping, propose_stand_mapping
from smarttrees.models import ImportBatch

FORMATS = "CSV, Excel (.xlsx), GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, GPX or Kobo/ODK JSON"
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
GEOMETRY_COLUMNS = (vector.X, vector.Y, vector.SHAPE)  # made by the reader, not the file's
STANDS_NEED_POLYGONS = (
    "Stands come from polygon files: a zipped Shapefile, a GeoPackage, GeoJSON or KML."
)


class UnreadableFile(DomainError):
    status = 422
    code = "file_unreadable"


@dataclass
class Opened:
    """A file ready to be staged: its columns, its rows (with the cells fixed in the review put
    in), the mapping, the coordinate system, and how a text file's characters were read."""

    columns: list[str]
    rows: Iterator[tuple[int, dict]]
    mapping: dict[str, str]
    units: dict[str, str]
    crs: str
    coordinates: Coordinates
    encoding: dict
    rows_total: int | None
    layout: Layout | None = None
    reasons: dict[str, str] = field(default_factory=dict)
    plain: PlainCsv | None = None  # a CSV file COPY may read as it is

    @property
    def spatial(self) -> bool:
        """A GIS file: its geometry gives the points (or a stand's polygon)."""
        return vector.X in self.columns or vector.SHAPE in self.columns

    def decisions(self) -> dict:
        """What was decided about the file without the user: where its table is, which column
        is which and why, the units (read once the rows have been, so a footer is known)."""
        return {
            **(self.layout.describe() if self.layout else {}),
            "columns": {k: v for k, v in self.mapping.items() if v not in GEOMETRY_COLUMNS},
            "units": self.units,
            "reasons": self.reasons,
        }

    @property
    def shown_columns(self) -> list[str]:
        """The file's own columns, as the mapping screen lists them."""
        return [c for c in self.columns if c not in GEOMETRY_COLUMNS]


def open_file(batch: ImportBatch, work: Path, *, to_write: bool) -> Opened:
    """Open the batch's file; refuses a file that cannot be imported, and (`to_write`) one whose
    old Vietnamese encoding was guessed and not yet confirmed."""
    path = Path(batch.stored_path)
    encoding = _encoding(path, batch)
    if to_write and encoding.get("encoding_guessed"):
        raise encoding_unconfirmed(encoding)
    # A text file is read in the encoding found (or chosen) above: it is not guessed twice.
    table = _table(path, batch, encoding.get("encoding"), work)
    mapping, units, reasons, rows = _mapping(table, batch)
    if batch.kind != "stands":  # a stand's polygon is its feature's own geometry
        _check_mapping(mapping, table.columns)
    crs = batch.crs or table.crs or "EPSG:4326"
    return Opened(
        columns=table.columns,
        rows=_with_edits(rows, batch.edits),
        mapping=mapping,
        units=units,
        crs=crs,
        coordinates=coordinates_for(crs),
        encoding=encoding,
        rows_total=_count_lines(path),
        layout=table.layout,
        reasons=reasons,
        plain=None if batch.edits else table.plain,
    )


def encoding_unconfirmed(encoding: dict) -> Conflict:
    return Conflict(
        "This file looks written in an old Vietnamese encoding: check its first lines "
        "and choose the encoding (--encoding tcvn3, vni or cp1258) before importing.",
        code="encoding_unconfirmed",
        details={"encoding": encoding["encoding"], "preview": encoding["encoding_preview"]},
    )


def coordinates_for(crs: str) -> Coordinates:
    try:
        return Coordinates(crs)
    except Exception as error:  # pyproj's CRSError and friends
        raise ValidationFailed("Unknown coordinate system.", details={"crs": crs}) from error


def _encoding(path: Path, batch: ImportBatch) -> dict:
    """How a text file's characters were read; for a file that is not UTF, what each one-byte
    Vietnamese encoding makes of its first lines. A guessed TCVN3 or VNI must be confirmed."""
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return {}
    used = batch.encoding or detect_encoding(head_of(path))
    if used.lower().startswith("utf"):
        return {"encoding": used}
    guessed = batch.encoding is None and used in LEGACY
    return {"encoding": used, "encoding_guessed": guessed, "encoding_preview": preview(path)}


@dataclass
class Table:
    columns: list[str]
    rows: Iterator[tuple[int, dict]]
    crs: str | None = None  # as the file states it
    spatial: bool = False  # a GIS file: its geometry gives the points
    layout: Layout | None = None  # where a sheet's header and data are
    plain: PlainCsv | None = None


def _table(path: Path, batch: ImportBatch, encoding: str | None, work: Path) -> Table:
    try:
        table = _read(path, batch, encoding, work)
    except (NotATable, UnicodeError) as error:
        raise UnreadableFile(str(error), details={"file": path.name}) from error
    if batch.kind == "stands" and not table.spatial:
        raise UnreadableFile(STANDS_NEED_POLYGONS, details={"file": path.name})
    return table


def _read(path: Path, batch: ImportBatch, encoding: str | None, work: Path) -> Table:
    suffix, layer = path.suffix.lower(), batch.layer
    if batch.kind == "stands" and suffix in (*TEXT_SUFFIXES, ".xlsx", ".xlsm"):
        raise NotATable(STANDS_NEED_POLYGONS)
    if suffix in TEXT_SUFFIXES:
        columns, rows, layout, plain = read_csv(path, encoding, batch.header_row)
        return Table(columns, rows, layout=layout, plain=plain)
    if suffix in (".xlsx", ".xlsm"):
        columns, rows, layout = xlsx.read_xlsx(path, layer, batch.header_row)
        return Table(columns, rows, layout=layout)
    if suffix == ".json" and not kobo.looks_like_geojson(path):
        return Table(*kobo.read_submissions(path))
    if suffix == ".zip":
        path = archive.unpack_shapefile(path, work, layer)
        layer = None
    elif suffix == ".kmz":
        path = archive.unpack_kmz(path, work)
    if path.suffix.lower() in (".kml", ".gpx"):
        archive.check_xml(path)
    if path.suffix.lower() == ".shp":
        archive.check_shapefile(path, bool(batch.crs))
    if path.suffix.lower() not in vector.SUFFIXES:
        raise NotATable(f"This file type cannot be imported: use {FORMATS}.")
    return Table(*vector.read_vector(path, layer, shapes=batch.kind == "stands"), spatial=True)


def _mapping(table: Table, batch: ImportBatch):
    """The mapping, the units and why (the batch's, else proposed from the headings and the
    first rows' values), and the rows, the sample put back in front."""
    sample = list(islice(table.rows, SAMPLE_ROWS))
    rows = chain(sample, table.rows)
    if batch.mapping:
        mapping, units, reasons = batch.mapping, dict(batch.units or {}), {}
    else:
        shown = [c for c in table.columns if c not in GEOMETRY_COLUMNS]
        rows_seen = [row for _, row in sample]
        if batch.kind == "stands":
            proposal = propose_stand_mapping(shown, rows_seen)
        else:
            proposal = propose_mapping(shown, rows_seen, spatial=table.spatial)
        mapping, reasons = proposal.mapping, proposal.reasons
        units = {**proposal.units, **(batch.units or {})}
    if table.spatial and batch.kind != "stands":
        mapping = with_geometry(mapping, vector.X, vector.Y)
    return mapping, units, reasons, rows


def _check_mapping(mapping: dict, columns: list[str]) -> None:
    if not has_coordinates(mapping):
        raise UnreadableFile(
            "No coordinate columns were found: map longitude and latitude, X and Y, or WKT.",
            code="no_coordinates",
            details={"columns": columns},
        )
    unknown = sorted(set(mapping.values()) - set(columns))
    if unknown:
        raise ValidationFailed(
            "The mapping names columns the file does not have.",
            details={"mapping": unknown, "columns": columns},
        )


def _with_edits(rows, edits: dict | None):
    """The file's rows with the cells fixed by hand in the review put in."""
    if not edits:
        return rows
    return ((n, {**row, **edits[str(n)]} if str(n) in edits else row) for n, row in rows)


def _count_lines(path: Path) -> int | None:
    """About how many rows a text file holds, for the progress bar (None for other files)."""
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return None
    with path.open("rb") as handle:
        return max(
            0, sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(2**20), b"")) - 1
        )
