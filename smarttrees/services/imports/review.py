"""Reviewing an import before it is written: settle the mapping (columns, species names, units,
coordinate system) and check again; fix a row's cells in the browser and re-check that row.

A fixed row takes its place among the rows the check kept, so the write takes exactly what the
review shows; the fixed cells are also kept with the batch and put in place of the file's values
whenever the file is checked again.
"""

from sqlalchemy import delete, insert, select, text

from smarttrees.errors import Conflict, ValidationFailed
from smarttrees.extensions import db
from smarttrees.importers.errors import ERROR, Problem
from smarttrees.importers.mapping import has_coordinates, targets_for
from smarttrees.importers.points import PointReader
from smarttrees.models import ImportRowError, ImportRowValues, ImportStatus, User
from smarttrees.services.imports import batches, checks, mappings, staging
from smarttrees.services.imports.opening import coordinates_for
from smarttrees.services.imports.pipeline import kept_rows, kept_schema
from smarttrees.services.imports.species_match import SpeciesMatcher

SETTLED = (ImportStatus.REVIEW, ImportStatus.FAILED)


def settle(
    batch_id: int,
    *,
    mapping: dict[str, str],
    species: dict[str, int | None],
    units: dict[str, str],
    crs: str | None,
    encoding: str | None = None,
    save_as: str | None = None,
    actor: User | None = None,
) -> None:
    """Take the mapping chosen on the review page and queue the file to be checked again."""
    batch = batches.get_batch(batch_id)
    if batch.status not in SETTLED:
        raise Conflict("This import is being checked or written: wait for it to finish.")
    columns = (batch.summary or {}).get("columns") or []
    mapping = {k: v for k, v in mapping.items() if v and k in targets_for(batch.kind)}
    unknown = sorted(set(mapping.values()) - set(columns))
    if unknown:
        raise ValidationFailed("The file has no such column.", details={"mapping": unknown})
    if not has_coordinates(mapping) and not (batch.summary or {}).get("spatial"):  # trees
        raise ValidationFailed(
            "Map longitude and latitude, X and Y, one 'lat lon' column or a WKT column.",
            details={"mapping": "coordinates"},
        )
    batches.check_units(units)
    if crs:
        coordinates_for(crs)  # refuses an unknown coordinate system now, not in the job
    batch.mapping, batch.species_choices, batch.units = mapping, species, units
    batch.crs = crs or batch.crs
    if encoding:
        batches.check_encoding(encoding)
        batch.encoding = encoding
    batch.status, batch.rows_done, batch.failure = ImportStatus.UPLOADED, 0, None
    if save_as:
        mappings.save_mapping(save_as, batch, actor)
    batches.queue_check(batch.id)
    db.session.commit()


def apply_saved(batch_id: int, name: str) -> None:
    """Put a saved mapping on the batch (the columns the file has) and check again."""
    saved = mappings.saved_mapping(name)
    columns = set((batches.get_batch(batch_id).summary or {}).get("columns") or [])
    settle(
        batch_id,
        mapping={k: v for k, v in saved["columns"].items() if v in columns},
        species=saved["species"],
        units=saved["units"],
        crs=saved["crs"],
    )


def row_values(batch_id: int, row_numbers: list[int]) -> dict[int, dict]:
    """The file's values (with fixes) of rows in error, for the review's edit forms."""
    rows = db.session.execute(
        select(ImportRowValues.row_number, ImportRowValues.values).where(
            ImportRowValues.batch_id == batch_id, ImportRowValues.row_number.in_(row_numbers)
        )
    )
    return {number: values for number, values in rows}


def fix_row(batch_id: int, row_number: int, cells: dict[str, str]) -> list[Problem]:
    """Keep the cells fixed by hand and check the row again; returns its remaining problems."""
    batch = batches.get_batch(batch_id)
    if batch.status != ImportStatus.REVIEW:
        raise Conflict("Rows can be fixed while the import waits for review.")
    if batch.kind == "stands":
        raise Conflict("A stand's polygon is fixed in its file: correct it and upload again.")
    values = row_values(batch_id, [row_number]).get(row_number)
    if values is None:
        raise ValidationFailed("This row has no error to fix.", details={"row": row_number})
    cells = {k: v.strip() for k, v in cells.items() if k in values}
    values = {**values, **cells}
    batch.edits = {**(batch.edits or {}), str(row_number): {**_edits(batch, row_number), **cells}}
    problems = _check_row(batch, row_number, values)
    _replace_problems(batch, row_number, problems)
    db.session.execute(
        ImportRowValues.__table__.update()
        .where(ImportRowValues.batch_id == batch_id, ImportRowValues.row_number == row_number)
        .values(values=values)
    )
    db.session.commit()
    return problems


def _edits(batch, row_number: int) -> dict:
    return (batch.edits or {}).get(str(row_number), {})


def _check_row(batch, row_number: int, values: dict) -> list[Problem]:
    """The row's problems as the whole-file check finds them (an id another row has and a
    point another tree stands on among them; trees standing near are not asked again): the
    row goes through the same staging SQL, alone, then takes its place among the kept rows."""
    columns = list(values)
    coordinates = coordinates_for(batch.crs or "EPSG:4326")
    with kept_rows(batch.id):
        reader = PointReader(batch.mapping, coordinates)
        staging.stage_raw([(row_number, values)], columns, reader)
        matcher = SpeciesMatcher(batch.species_choices)
        problems = staging.convert(columns, batch.mapping, coordinates, matcher, batch.units)
        problems += checks.outside_problems(batch.mapping)
        kept = _replace_kept_row(batch.id, row_number)
        db.session.execute(text("DROP TABLE import_raw, import_rows, commune_parts"))
        if kept:
            problems += checks.fixed_row_problems(row_number, batch.mapping)
            checks.mark_rows(problems)
    return problems


def _replace_kept_row(batch_id: int, row_number: int) -> bool:
    """Put the row as checked now (the temporary import_rows) in place of the kept one."""
    kept = f"{kept_schema(batch_id)}.import_rows"
    if db.session.scalar(text("SELECT to_regclass(:name)"), {"name": kept}) is None:
        return False  # nothing kept (a database restarted): the write reads the file again
    row = {"row": row_number}
    db.session.execute(text(f"DELETE FROM {kept} WHERE row_number = :row"), row)
    db.session.execute(text(f"INSERT INTO {kept} SELECT * FROM pg_temp.import_rows"))
    return True


def _replace_problems(batch, row_number: int, problems: list[Problem]) -> None:
    """Swap the row's stored problems and bring the batch's counts along."""
    table = ImportRowError.__table__
    old = db.session.scalars(
        select(ImportRowError).where(
            ImportRowError.batch_id == batch.id, ImportRowError.row_number == row_number
        )
    ).all()
    summary = dict(batch.summary)
    by_code = dict(summary["errors_by_code"])
    for error in old:
        by_code[error.code] -= 1
    for problem in problems:
        by_code[problem.code] = by_code.get(problem.code, 0) + 1
    was_error = any(e.severity == ERROR for e in old)
    is_error = any(p.kind.severity == ERROR for p in problems)
    summary["errors"] += is_error - was_error
    summary["ready"] -= is_error - was_error
    summary["warnings"] += (not is_error and bool(problems)) - (
        not was_error and any(e.severity != ERROR for e in old)
    )
    summary["errors_by_code"] = {k: v for k, v in sorted(by_code.items()) if v}
    batch.summary = summary
    db.session.execute(
        delete(table).where(table.c.batch_id == batch.id, table.c.row_number == row_number)
    )
    if problems:
        db.session.execute(insert(table), checks.problem_rows(batch.id, problems))
