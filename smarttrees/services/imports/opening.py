"""Step 1 of an import, open: the saved file read as a table (CSV in the encoding found or
chosen, XLSX, Kobo JSON, or a GIS file through GDAL), its coordinate system and the mapping
(the batch's, else proposed from the column names), checked before a row is staged."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from smarttrees.errors import Conflict, DomainError, ValidationFailed
from smarttrees.importers import archive, kobo, vector, xlsx
from smarttrees.importers.csvfile import NotATable, detect_encoding, head_of, preview, read_csv
from smarttrees.importers.encodings import LEGACY
from smarttrees.importers.mapping import has_coordinates, propose, with_geometry
from smarttrees.importers.points import Coordinates
from smarttrees.models import ImportBatch

FORMATS = "CSV, Excel (.xlsx), GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, GPX or Kobo/ODK JSON"
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")


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
    crs: str
    coordinates: Coordinates
    encoding: dict
    rows_total: int | None

    @property
    def spatial(self) -> bool:
        """A GIS file: its geometry gives the points."""
        return vector.X in self.columns

    @property
    def shown_columns(self) -> list[str]:
        """The file's own columns, as the mapping screen lists them."""
        return [c for c in self.columns if c not in (vector.X, vector.Y)]


def open_file(batch: ImportBatch, work: Path, *, to_write: bool) -> Opened:
    """Open the batch's file; refuses a file that cannot be imported, and (`to_write`) one whose
    old Vietnamese encoding was guessed and not yet confirmed."""
    path = Path(batch.stored_path)
    encoding = _encoding(path, batch)
    if to_write and encoding.get("encoding_guessed"):
        raise encoding_unconfirmed(encoding)
    # A text file is read in the encoding found (or chosen) above: it is not guessed twice.
    columns, rows, file_crs, mapping = _table_and_mapping(path, batch, encoding, work)
    _check_mapping(mapping, columns)
    crs = batch.crs or file_crs or "EPSG:4326"
    return Opened(
        columns=columns,
        rows=_with_edits(rows, batch.edits),
        mapping=mapping,
        crs=crs,
        coordinates=coordinates_for(crs),
        encoding=encoding,
        rows_total=_count_lines(path),
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


def _table(path: Path, encoding: str | None, layer: str | None, work: Path, crs_declared: bool):
    """Columns, rows, the file's coordinate system (None: not stated), whether it is a GIS file."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return (*read_csv(path, encoding), None, False)
    if suffix in (".xlsx", ".xlsm"):
        return (*xlsx.read_xlsx(path, layer), None, False)
    if suffix == ".json" and not kobo.looks_like_geojson(path):
        return (*kobo.read_submissions(path), None, False)
    if suffix == ".zip":
        path = archive.unpack_shapefile(path, work, layer)
        layer = None
    elif suffix == ".kmz":
        path = archive.unpack_kmz(path, work)
    if path.suffix.lower() in (".kml", ".gpx"):
        archive.check_xml(path)
    if path.suffix.lower() == ".shp":
        archive.check_shapefile(path, crs_declared)
    if path.suffix.lower() not in vector.SUFFIXES:
        raise NotATable(f"This file type cannot be imported: use {FORMATS}.")
    return (*vector.read_vector(path, layer), True)


def _table_and_mapping(path: Path, batch: ImportBatch, encoding: dict, work: Path):
    """Columns, rows, the file's coordinate system (None: not stated) and the mapping (the
    batch's, else proposed from the column names)."""
    try:
        columns, rows, crs, spatial = _table(
            path, encoding.get("encoding"), batch.layer, work, crs_declared=bool(batch.crs)
        )
    except (NotATable, UnicodeError) as error:
        raise UnreadableFile(str(error), details={"file": path.name}) from error
    if not spatial:
        return columns, rows, crs, batch.mapping or propose(columns)
    chosen = batch.mapping or propose([c for c in columns if c not in (vector.X, vector.Y)])
    return columns, rows, crs, with_geometry(chosen, vector.X, vector.Y)


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
