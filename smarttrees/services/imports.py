"""Import a survey file: read → map columns → check rows → stage with COPY → validate in SQL →
commit as an upsert by (source, external id), all in one transaction.

Row problems come from the importers' catalogue and are stored with the batch. Re-importing the
same file, or next month's version of it, updates the trees it created and duplicates none.
"""

from pathlib import Path

from sqlalchemy import func, text

from smarttrees.errors import DomainError, ValidationFailed
from smarttrees.extensions import db
from smarttrees.importers import vector
from smarttrees.importers.convert import Coordinates
from smarttrees.importers.csvfile import NotATable, read_csv
from smarttrees.importers.errors import ERROR, Problem
from smarttrees.importers.mapping import has_coordinates, propose, with_geometry
from smarttrees.models import ImportBatch, ImportRowError, ImportStatus, User
from smarttrees.services import staging
from smarttrees.services.species_match import SpeciesMatcher


class UnreadableFile(DomainError):
    status = 422
    code = "file_unreadable"


def _open(path: Path, encoding: str | None, layer: str | None, mapping: dict | None):
    """Columns, rows, the file's coordinate system (None: not stated) and the mapping."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            columns, rows = read_csv(path, encoding)
            return columns, rows, None, mapping or propose(columns)
        if suffix in vector.SUFFIXES:
            columns, rows, crs = vector.read_vector(path, layer)
            chosen = mapping or propose([c for c in columns if c not in (vector.X, vector.Y)])
            return columns, rows, crs, with_geometry(chosen, vector.X, vector.Y)
    except (NotATable, UnicodeError) as error:
        raise UnreadableFile(str(error), details={"file": path.name}) from error
    raise UnreadableFile(
        "This file type cannot be imported yet: use CSV, GeoJSON, GeoPackage, KML or GPX.",
        details={"file": path.name},
    )


# ---- the use case ----


def _record(batch: ImportBatch, problems: list[Problem]) -> None:
    rows = [
        {
            "batch_id": batch.id,
            "row_number": p.row,
            "code": p.code,
            "severity": p.kind.severity,
            "columns": list(p.columns),
            "value": p.value,
            "message": p.kind.message,
        }
        for p in sorted(problems, key=lambda p: (p.row, p.code))
    ]
    if rows:
        db.session.execute(ImportRowError.__table__.insert(), rows)


def _summary(read: int, problems: list[Problem], error_rows: set[int], source: str) -> dict:
    by_code: dict[str, int] = {}
    for problem in problems:
        by_code[problem.code] = by_code.get(problem.code, 0) + 1
    warning_rows = {p.row for p in problems if p.kind.severity != ERROR} - error_rows
    return {
        "rows_read": read,
        "ready": read - len(error_rows),
        "warnings": len(warning_rows),
        "errors": len(error_rows),
        "errors_by_code": dict(sorted(by_code.items())),
        "already_imported": staging.already_imported(source),
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


def _check(rows, mapping: dict, coordinates: Coordinates, matcher: SpeciesMatcher):
    """Stage every row and find its problems: (rows read, problems, rows with errors)."""
    staging.stage_table()
    problems: list[Problem] = []
    read = staging.stage(rows, mapping, coordinates, matcher, problems)
    db.session.execute(text(staging.FILL_IDS_SQL))
    staging.problems_in_sql(problems, mapping)
    return read, problems, staging.mark_errors(problems)


def _coordinates(crs: str) -> Coordinates:
    try:
        return Coordinates(crs)
    except Exception as error:  # pyproj's CRSError and friends
        raise ValidationFailed("Unknown coordinate system.", details={"crs": crs}) from error


def import_file(
    path: Path,
    *,
    source: str,
    crs: str | None = None,
    mapping: dict | None = None,
    species: dict[str, int] | None = None,
    encoding: str | None = None,
    layer: str | None = None,
    category: str = "scattered",
    commit: bool = False,
    actor: User | None = None,
) -> dict:
    """Check a survey file and, with commit, write its trees; returns the summary.

    Without `crs`, a file that states its coordinate system is read in it, others as WGS 84.
    """
    columns, rows, file_crs, mapping = _open(path, encoding, layer, mapping)
    _check_mapping(mapping, columns)
    crs = crs or file_crs or "EPSG:4326"
    coordinates = _coordinates(crs)
    batch = ImportBatch(
        source=source,
        filename=path.name,
        file_format=path.suffix.lower().lstrip(".")[:20],
        layer=layer,
        crs=crs,
        mapping=mapping,
        encoding=encoding,
        status=ImportStatus.VALIDATING,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(batch)
    db.session.flush()
    read, problems, error_rows = _check(rows, mapping, coordinates, SpeciesMatcher(species))
    summary = _summary(read, problems, error_rows, source)
    _record(batch, problems)
    summary.update(created=0, updated=0, batch_id=batch.id)
    if commit and summary["ready"]:
        summary["created"], summary["updated"] = staging.commit_rows(
            batch, category=category, actor=actor
        )
    batch.rows_total = batch.rows_done = read
    batch.summary = summary
    batch.status = ImportStatus.DONE if commit else ImportStatus.REVIEW
    batch.finished_at = func.now()
    db.session.commit()
    return summary
