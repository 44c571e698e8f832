"""A plain CSV file goes straight into PostgreSQL's COPY: the same rows, row numbers, problems
and trees as the row by row reader gives; a file that is not as plain as its header promised
(a value over two lines, a total line, a line too long) is read row by row instead."""

import csv
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from smarttrees.extensions import db
from smarttrees.models import ImportBatch, ImportRowError, Tree
from smarttrees.services.imports import csv_copy, staging
from tests.helpers.factories import commune_named, point_in
from tests.helpers.surveys import SF, run

HEADER = ["id", "longitude", "latitude", "species", "dbh", "planted", "notes"]


@pytest.fixture
def copies(monkeypatch):
    """What each COPY of a plain file gave: its row count, or None when it was refused."""
    seen: list[int | None] = []
    original = csv_copy.copy_plain_csv

    def spy(*args, **kwargs):
        seen.append(original(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(staging, "copy_plain_csv", spy)
    return seen


def _survey(tmp_path: Path, rows: list[list[str]], name: str = "survey.csv") -> Path:
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _mixed_rows() -> list[list[str]]:
    """Good trees and every kind of mistake a survey has, an empty line among them."""
    lon, lat = point_in(commune_named("Gia Sàng"))
    rows = []
    for n in range(40):
        rows.append([f"T{n}", f"{lon + n * 1e-4:.7f}", f"{lat:.7f}", "Keo lai", "12,5", "", ""])
    rows[3][4] = "abc"  # DBH not a number
    rows[5][5] = "31/02/2020"  # no such day
    rows[7][1:3] = ["105.85", "21.03"]  # Hà Nội, outside the province
    rows[9][0] = "T8"  # an id given twice
    rows[11][3] = "Cây lạ"  # a species nobody knows
    rows[13] = ["", "", "", "", "", "", ""]  # an empty line
    rows[15][4] = "07-12"  # a size class
    rows[17][6] = "gốc bị sâu"
    return rows


def _outcome(summary: dict) -> tuple:
    batch = db.session.get(ImportBatch, summary["batch_id"])
    problems = db.session.execute(
        select(ImportRowError.row_number, ImportRowError.code, ImportRowError.value)
        .where(ImportRowError.batch_id == batch.id)
        .order_by(ImportRowError.row_number, ImportRowError.code)
    ).all()
    counts = {k: summary[k] for k in ("rows_read", "ready", "errors", "warnings", "created")}
    return counts, [tuple(p) for p in problems]


def test_a_plain_file_is_copied_and_gives_what_the_row_reader_gives(
    app, runner, tmp_path, copies, monkeypatch
):
    path = _survey(tmp_path, _mixed_rows())
    code, copied, output = run(runner, path, "--source", "survey", "--commit")
    assert code == 0, output
    assert copies == [39]  # 40 lines, the empty one passed over
    outcome, trees = _outcome(copied), _trees("survey")
    db.session.execute(delete(Tree).where(Tree.source == "survey"))
    db.session.commit()
    monkeypatch.setattr(staging, "copy_plain_csv", lambda *args, **kwargs: None)
    code, read, output = run(runner, path, "--source", "survey", "--commit")
    assert code == 0, output
    assert _outcome(read) == outcome
    assert _trees("survey") == trees
    counts, problems = outcome
    assert counts["created"] == 36  # 39 rows but the point abroad and the two rows of T8
    assert (9, "outside_service_area") in {(row, code) for row, code, _ in problems}
    assert (5, "number_invalid", "abc") in problems  # line 5 of the file: the header is line 1
    assert trees["T15"][1:] == (9.5, {"dbh": "07-12"}, None)
    assert trees["T17"][1:] == (12.5, None, "gốc bị sâu")


def _trees(source: str) -> dict[str, tuple]:
    """Each tree's species, DBH, values kept as written, and notes, by its id in the file."""
    trees = db.session.scalars(select(Tree).filter_by(source=source))
    return {t.external_id: (t.species_raw, t.dbh_cm, t.surveyed, t.notes) for t in trees}


def test_a_value_over_two_lines_is_read_row_by_row_with_its_line_numbers(
    app, runner, tmp_path, copies
):
    rows = _mixed_rows()
    rows[1][6] = "first line\nsecond line"
    path = _survey(tmp_path, rows)
    code, summary, output = run(runner, path, "--source", "multi")
    assert code == 0, output
    assert copies == [None]
    _, problems = _outcome(summary)
    # The bad DBH of T3 starts on line 6 now: T1's note took two lines.
    assert (6, "number_invalid", "abc") in problems


def test_a_total_line_ends_the_data_as_in_an_office_sheet(app, runner, tmp_path, copies):
    rows = [*_mixed_rows(), ["Tổng cộng", "", "", "", "1234", "", ""]]
    path = _survey(tmp_path, rows)
    code, summary, output = run(runner, path, "--source", "total")
    assert code == 0, output
    assert copies == [None]
    assert summary["decisions"]["footer_rows"] == [42]
    assert summary["rows_read"] == 39


def test_a_line_with_a_value_too_many_is_read_row_by_row(app, runner, tmp_path, copies):
    path = _survey(tmp_path, _mixed_rows())
    with path.open("a", encoding="utf-8") as out:
        out.write("T99,105.8,21.6,Keo lai,12,5,,gốc\n")  # a decimal comma, unquoted
    code, summary, output = run(runner, path, "--source", "long")
    assert code == 0, output
    assert copies == [None]
    _, problems = _outcome(summary)
    assert (42, "row_too_many_values", "gốc") in problems


def test_a_real_open_data_file_gives_the_same_through_either_path(
    app, runner, tmp_path, copies, monkeypatch
):
    monkeypatch.setenv("SMARTTREES_SERVICE_AREA", "none")
    code, copied, output = run(runner, SF, "--source", "sf")
    assert code == 0, output
    assert copies and copies[0] is not None
    monkeypatch.setattr(staging, "copy_plain_csv", lambda *args, **kwargs: None)
    code, read, output = run(runner, SF, "--source", "sf")
    assert code == 0, output
    assert _outcome(copied) == _outcome(read)
