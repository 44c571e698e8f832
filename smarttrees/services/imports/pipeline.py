"""The import pipeline: read → map columns → check rows → stage with COPY → validate in SQL →
(commit as an upsert by (source, external id)), all in one transaction.

Row problems come from the importers' catalogue and are stored with the batch, with the file's
values of each row in error so that it can be fixed in the browser.
"""

import tempfile
from pathlib import Path

from sqlalchemy import func, text
from sqlalchemy.exc import OperationalError

from smarttrees.errors import Conflict, DomainError, ValidationFailed
from smarttrees.extensions import db
from smarttrees.importers import archive, kobo, vector, xlsx
from smarttrees.importers.csvfile import (
    EXTRA,
    NotATable,
    detect_encoding,
    head_of,
    preview,
    read_csv,
)
from smarttrees.importers.encodings import LEGACY
from smarttrees.importers.errors import ERROR, Problem
from smarttrees.importers.mapping import has_coordinates, propose, with_geometry
from smarttrees.importers.points import Coordinates
from smarttrees.models import ImportBatch, ImportRowError, ImportRowValues, ImportStatus, User
from smarttrees.services.imports import checks, staging
from smarttrees.services.imports.species_match import SpeciesMatcher


class UnreadableFile(DomainError):
    status = 422
    code = "file_unreadable"


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


FORMATS = "CSV, Excel (.xlsx), GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, GPX or Kobo/ODK JSON"
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")


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


def _open(path: Path, batch: ImportBatch, encoding: str | None, work: Path):
    """Columns, rows, the file's coordinate system (None: not stated) and the mapping (the
    batch's, else proposed from the column names)."""
    mapping = batch.mapping
    try:
        columns, rows, crs, spatial = _table(
            path, encoding, batch.layer, work, crs_declared=bool(batch.crs)
        )
    except (NotATable, UnicodeError) as error:
        raise UnreadableFile(str(error), details={"file": path.name}) from error
    if not spatial:
        return columns, rows, crs, mapping or propose(columns)
    chosen = mapping or propose([c for c in columns if c not in (vector.X, vector.Y)])
    return columns, rows, crs, with_geometry(chosen, vector.X, vector.Y)


def record_problems(batch_id: int, problems: list[Problem]) -> list[dict]:
    """Problems as rows of import_row_errors, in file order."""
    return [
        {
            "batch_id": batch_id,
            "row_number": p.row,
            "code": p.code,
            "severity": p.kind.severity,
            "columns": list(p.columns),
            "value": p.value,
            "message": p.kind.message,
        }
        for p in sorted(problems, key=lambda p: (p.row, p.code))
    ]


def _record(batch: ImportBatch, problems: list[Problem]) -> None:
    for table in (ImportRowError.__table__, ImportRowValues.__table__):
        db.session.execute(table.delete().where(table.c.batch_id == batch.id))
    if problems:
        checks.copy_rows(
            "import_row_errors",
            ("batch_id", "row_number", "code", "severity", "columns", "value", "message"),
            (
                (
                    r["batch_id"],
                    r["row_number"],
                    r["code"],
                    r["severity"],
                    _pg_array(r["columns"]),
                    r["value"],
                    r["message"],
                )
                for r in record_problems(batch.id, problems)
            ),
        )


def _pg_array(items: list[str]) -> str:
    """A text[] literal for COPY."""
    return (
        "{" + ",".join('"' + i.replace("\\", "\\\\").replace('"', '\\"') + '"' for i in items) + "}"
    )


def _summary(read: int, problems: list[Problem], marked, source: str) -> dict:
    error_rows, repeated_rows = marked
    by_code: dict[str, int] = {}
    for problem in problems:
        by_code[problem.code] = by_code.get(problem.code, 0) + 1
    warning_rows = {p.row for p in problems if p.kind.severity != ERROR} - error_rows
    return {
        "rows_read": read,
        "ready": read - len(error_rows) - len(repeated_rows),
        "warnings": len(warning_rows),
        "errors": len(error_rows),
        "errors_by_code": dict(sorted(by_code.items())),
        "already_imported": checks.already_imported(source),
    }


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


def _check(rows, columns, batch: ImportBatch, coordinates: Coordinates, matcher, progress):
    """Stage every row and find its problems: (rows read, problems, (error rows, repeated rows))."""
    edited = _with_edits(rows, batch.edits)
    read = staging.stage_raw(edited, columns, batch.mapping, coordinates, progress)
    progress(read, "checking")
    problems = staging.convert(columns, batch.mapping, coordinates, matcher, batch.units)
    checks.problems_in_sql(problems, batch.mapping, batch.source)
    return read, problems, checks.mark_rows(problems)


def _with_edits(rows, edits: dict | None):
    """The file's rows with the cells fixed by hand in the review put in."""
    if not edits:
        return rows
    return ((n, {**row, **edits[str(n)]} if str(n) in edits else row) for n, row in rows)


def coordinates_for(crs: str) -> Coordinates:
    try:
        return Coordinates(crs)
    except Exception as error:  # pyproj's CRSError and friends
        raise ValidationFailed("Unknown coordinate system.", details={"crs": crs}) from error


KEPT_ROWS = 10_000


def _keep_error_rows(batch: ImportBatch, columns: list[str], error_rows: set[int]) -> None:
    """The file's values of the rows in error (the first KEPT_ROWS), to fix them by hand."""
    wanted = sorted(error_rows)[:KEPT_ROWS]
    if not wanted:
        return
    cells = ", ".join(f"coalesce({name}, '')" for name in staging.raw_names(columns).values())
    db.session.execute(
        text(f"""
        INSERT INTO import_row_values (batch_id, row_number, values)
        SELECT :batch, row_number,
               jsonb_object(CAST(:names AS text[]), ARRAY[{cells}, coalesce(extra, '')])
          FROM import_raw WHERE row_number = ANY(:rows)"""),
        # The values beyond the header stay with the row: fixing a cell does not hide them.
        {"batch": batch.id, "names": [*columns, EXTRA], "rows": wanted},
    )


def run(batch: ImportBatch, *, commit: bool, actor: User | None) -> dict:
    """The pipeline for a batch whose file is saved; one transaction, committed at the end."""
    with tempfile.TemporaryDirectory(prefix="smarttrees-import-") as work:
        return _run_in(batch, Path(work), commit=commit, actor=actor)


def _run_in(batch: ImportBatch, work: Path, *, commit: bool, actor: User | None) -> dict:
    path = Path(batch.stored_path)
    encoding = _encoding(path, batch)
    if commit and encoding.get("encoding_guessed"):
        raise Conflict(
            "This file looks written in an old Vietnamese encoding: check its first lines "
            "and choose the encoding (--encoding tcvn3, vni or cp1258) before importing.",
            code="encoding_unconfirmed",
            details={"encoding": encoding["encoding"], "preview": encoding["encoding_preview"]},
        )
    # A text file is read in the encoding found (or chosen) above: it is not guessed twice.
    columns, rows, file_crs, mapping = _open(path, batch, encoding.get("encoding"), work)
    _check_mapping(mapping, columns)
    batch.crs = batch.crs or file_crs or "EPSG:4326"
    coordinates = coordinates_for(batch.crs)
    batch.mapping, batch.status = mapping, ImportStatus.VALIDATING
    batch.rows_total = _count_lines(path)
    matcher = SpeciesMatcher(batch.species_choices)
    progress = _progress(batch.id)
    read, problems, marked = _check(rows, columns, batch, coordinates, matcher, progress)
    summary = _summary(read, problems, marked, batch.source)
    summary.update(
        species=matcher.names(),
        preview=checks.preview(read),
        already_sample=checks.already_imported_sample(batch.source),
        columns=[c for c in columns if c not in (vector.X, vector.Y)],
        spatial=vector.X in columns,
        **encoding,
    )
    _record(batch, problems)
    _keep_error_rows(batch, columns, marked[0])
    summary.update(created=0, updated=0, unchanged=0, batch_id=batch.id)
    if commit and summary["ready"]:
        progress(read, "writing")
        summary["created"], summary["updated"] = checks.commit_rows(
            batch, category=batch.category or "scattered", actor=actor
        )
        summary["unchanged"] = summary["ready"] - summary["created"] - summary["updated"]
    batch.rows_total = batch.rows_done = read
    batch.summary, batch.step = summary, None
    batch.status = ImportStatus.DONE if commit else ImportStatus.REVIEW
    batch.finished_at = func.now()
    db.session.commit()
    return summary


def _count_lines(path: Path) -> int | None:
    """About how many rows a text file holds, for the progress bar (None for other files)."""
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return None
    with path.open("rb") as handle:
        return max(
            0, sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(2**20), b"")) - 1
        )


def _progress(batch_id: int):
    """Report rows done and the step (reading, checking, writing) outside the import's
    transaction, so a page can show them meanwhile; best effort, it never waits on a lock."""

    def report(done: int, step: str = "reading") -> None:
        with db.engine.connect() as connection:
            try:
                connection.execute(text("SET LOCAL lock_timeout = '200ms'"))
                connection.execute(
                    text("UPDATE import_batches SET rows_done = :d, step = :s WHERE id = :id"),
                    {"d": done, "s": step, "id": batch_id},
                )
                connection.commit()
            except OperationalError:  # the import's own transaction holds the row: skip
                connection.rollback()

    return report
