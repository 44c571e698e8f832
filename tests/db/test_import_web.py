"""Imports in the browser's flow: upload, check in the background, review, report, commit."""

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from smarttrees.extensions import db
from smarttrees.models import ImportBatch, ImportRowError, ImportStatus, Role, Tree
from tests.helpers.imports import run_jobs, upload
from tests.helpers.surveys import vn2000_survey
from tests.helpers.web import csrf_from, sign_in

pytestmark = pytest.mark.external


def test_upload_check_review_and_commit(client, runner, upload_dir, tmp_path):
    sign_in(client, Role.MANAGER)
    path, _ = vn2000_survey(tmp_path)
    response = upload(
        client,
        path.read_bytes(),
        "khảo sát.csv",
        crs="EPSG:9213",
        source="ks-web",
        category="urban",
    )
    assert response.status_code == 302
    batch = db.session.scalar(select(ImportBatch))
    assert batch.status == ImportStatus.UPLOADED and batch.filename == "kh_o_s_t.csv"
    run_jobs(runner)
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.REVIEW
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "species_ambiguous" in page and "outside_service_area" in page
    report = client.get(f"/imports/{batch.id}/errors.csv").get_data(as_text=True)
    assert report.splitlines()[0].lstrip("\ufeff") == "row,code,severity,columns,value,message"
    assert len(report.splitlines()) == 1 + 11  # one line per problem
    token = csrf_from(client, f"/imports/{batch.id}")
    assert client.post(f"/imports/{batch.id}/commit", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()  # the request changed the batch in its own session
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.COMMITTING
    run_jobs(runner)
    done = db.session.get(ImportBatch, batch.id)
    assert done.status == ImportStatus.DONE and done.summary["created"] == 5
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 5
    status = client.get(f"/api/v1/imports/{batch.id}").get_json()
    assert status["status"] == "done" and status["rows_done"] == 8


def test_a_file_that_cannot_be_imported_fails_with_its_reason(client, runner, upload_dir):
    sign_in(client, Role.MANAGER)
    upload(client, b"id,species\n1,Sau\n", "no_coordinates.csv")
    run_jobs(runner)
    batch = db.session.scalar(select(ImportBatch))
    assert batch.status == ImportStatus.FAILED
    assert "coordinate" in client.get(f"/imports/{batch.id}").get_data(as_text=True)


def test_an_empty_upload_is_refused(client, upload_dir):
    sign_in(client, Role.MANAGER)
    response = upload(client, b"", "empty.csv")
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_imports_need_a_manager(client, upload_dir):
    sign_in(client, Role.FIELD)
    assert client.get("/imports/new").status_code == 403


def test_a_mapping_saved_in_the_review_is_reused_by_name(client, runner, upload_dir, tmp_path):
    """Settle the columns, a species name and a unit once; the next file uses them by name."""
    sign_in(client, Role.MANAGER)
    path, _ = vn2000_survey(tmp_path)
    upload(client, path.read_bytes(), "khao_sat.csv", crs="EPSG:9213", source="ks-map")
    run_jobs(runner)
    batch = db.session.scalar(select(ImportBatch))
    species = {item["name"]: item for item in batch.summary["species"]}
    assert species["Bo de"]["verdict"] == "ambiguous" and len(species["Bo de"]["candidates"]) == 2
    form = {f"col_{target}": column for target, column in batch.mapping.items()}
    names = {f"species_name_{i}": name for i, name in enumerate(species, 1)}
    choice = {f"species_{i}": "none" for i, name in enumerate(species, 1) if name == "Bo de"}
    token = csrf_from(client, f"/imports/{batch.id}")
    response = client.post(
        f"/imports/{batch.id}/mapping",
        data={
            "csrf_token": token,
            **form,
            **names,
            **choice,
            "unit_dbh": "mm",
            "save_as": "Phiếu Phú Lương",
        },
    )
    assert response.status_code == 302
    run_jobs(runner)
    db.session.expire_all()
    checked = db.session.get(ImportBatch, batch.id)
    assert "species_ambiguous" not in checked.summary["errors_by_code"]
    assert checked.summary["ready"] == 5 and checked.units == {"dbh": "mm"}
    code = runner.invoke(
        args=[
            "trees",
            "import",
            str(path),
            "--mapping",
            "Phiếu Phú Lương",
            "--commit",
            "--source",
            "ks-map",
        ]
    )
    assert code.exit_code == 0, code.output
    bo_de = db.session.scalar(select(Tree).where(Tree.external_id == "TN-3"))
    assert bo_de.species_id is None and bo_de.species_raw == "Bo de"  # unidentified, name kept
    assert float(bo_de.dbh_cm) == 2.0  # 20 mm, the unit of the saved mapping
    unknown = runner.invoke(args=["trees", "import", str(path), "--mapping", "nope"])
    assert unknown.exit_code == 1 and "Phiếu Phú Lương" in unknown.output


def checked_survey(client, runner, tmp_path) -> ImportBatch:
    """The VN-2000 survey uploaded by a manager and checked by the job worker."""
    sign_in(client, Role.MANAGER)
    path, _ = vn2000_survey(tmp_path)
    upload(client, path.read_bytes(), "khao_sat.csv", crs="EPSG:9213")
    run_jobs(runner)
    return db.session.scalar(select(ImportBatch))


def test_the_error_report_opens_in_excel_with_every_problem(client, runner, upload_dir, tmp_path):
    import openpyxl

    batch = checked_survey(client, runner, tmp_path)
    response = client.get(f"/imports/{batch.id}/errors.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("row", "code", "severity", "columns", "value", "message")
    assert len(rows) == 1 + 11
    assert {r[1] for r in rows[1:]} == {
        "same_point",
        "species_ambiguous",
        "number_invalid",
        "date_invalid",
        "outside_service_area",
        "external_id_duplicate",
    }
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])  # in file order


def test_an_upload_over_the_limit_is_refused_with_413_and_the_limit(app, client, upload_dir):
    sign_in(client, Role.MANAGER)
    previous = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 2**20
    try:
        response = upload(client, b"lon,lat\n" + b"105.8,21.6\n" * 200_000, "big.csv")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = previous
    assert response.status_code == 413
    assert "<b>limit_mb</b>: 1<" in response.get_data(as_text=True)
    assert db.session.scalar(select(ImportBatch)) is None


def test_a_fixed_row_is_checked_again_and_counted(client, runner, upload_dir, tmp_path):
    batch = checked_survey(client, runner, tmp_path)
    token = csrf_from(client, f"/imports/{batch.id}")
    still_wrong = client.post(
        f"/imports/{batch.id}/rows/6", data={"csrf_token": token, "cell:Ngày trồng": "30/02/2020"}
    )
    assert still_wrong.status_code == 302
    db.session.expire_all()
    assert _codes_of_row(6) == ["date_invalid", "same_point"]
    client.post(
        f"/imports/{batch.id}/rows/6", data={"csrf_token": token, "cell:Ngày trồng": "28/02/2020"}
    )
    db.session.expire_all()
    fixed = db.session.get(ImportBatch, batch.id)
    assert _codes_of_row(6) == ["same_point"]  # the date is read; the point is still shared
    assert (fixed.summary["errors"], fixed.summary["ready"]) == (3, 5)
    assert "date_invalid" not in fixed.summary["errors_by_code"]
    assert fixed.edits == {"6": {"Ngày trồng": "28/02/2020"}}
    client.post(f"/imports/{batch.id}/commit", data={"csrf_token": token})
    run_jobs(runner)
    tree = db.session.scalar(select(Tree).where(Tree.external_id == "TN-5"))
    assert tree.planted_on.isoformat() == "2020-02-28"


def _codes_of_row(row: int) -> list[str]:
    return db.session.scalars(
        select(ImportRowError.code)
        .where(ImportRowError.row_number == row)
        .order_by(ImportRowError.code)
    ).all()


def test_the_review_pages_through_every_row_with_a_problem(client, runner, upload_dir):
    sign_in(client, Role.MANAGER)
    lines = ["id,longitude,latitude,species,dbh"]
    lines += [f"P{i},105.8{i:04d},21.6,Keo lai,{'x' if i % 2 else '12'}" for i in range(1, 501)]
    upload(client, "\n".join(lines).encode(), "many_problems.csv")
    run_jobs(runner)
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.summary["warnings"], batch.summary["ready"]) == (250, 500)
    seen, after = [], None
    while True:
        page = client.get(
            f"/imports/{batch.id}?group=warnings" + (f"&after={after}" if after else "")
        )
        html = page.get_data(as_text=True)
        seen += [int(n) for n in re.findall(r'id="row-(\d+)"', html)]
        found = re.search(r'id="next-problems" href="[^"]*after=(\d+)', html)
        if not found:
            break
        after = int(found.group(1))
    # Every odd id has a DBH "x"; the file's rows start at line 2.
    assert seen == [i + 1 for i in range(1, 501) if i % 2]


def test_a_legacy_encoding_is_confirmed_on_the_review_page(client, runner, upload_dir):
    from tests.helpers.legacy_surveys import NAMES

    sign_in(client, Role.MANAGER)
    name = NAMES["tcvn3"]["Keo tai tượng"]
    content = b"id,longitude,latitude,species\r\nT1,105.8,21.6," + name + b"\r\n"
    content += b"T2,105.8,21.61," + NAMES["tcvn3"]["Xà cừ"] + b"\r\n"
    upload(client, content, "cu.csv")
    run_jobs(runner)
    batch = db.session.scalar(select(ImportBatch))
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert 'id="confirm-encoding"' in page and 'id="commit-import"' not in page
    assert "Keo tai tượng" in page and "Keo tai t\u00adîng" in page  # TCVN3 and cp1258 lines
    form = {"csrf_token": csrf_from(client, f"/imports/{batch.id}"), "encoding": "tcvn3"}
    form.update(col_external_id="id", col_lon="longitude", col_lat="latitude")
    form["col_species"] = "species"
    assert client.post(f"/imports/{batch.id}/mapping", data=form).status_code == 302
    run_jobs(runner)
    db.session.refresh(batch)
    assert batch.encoding == "tcvn3" and batch.summary["encoding_guessed"] is False
    assert {s["name"] for s in batch.summary["species"]} == {"Keo tai tượng", "Xà cừ"}
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert 'id="commit-import"' in page


def test_the_progress_bar_hears_the_step_and_never_waits_on_the_import(
    app, client, runner, upload_dir, tmp_path
):
    import time

    from sqlalchemy import create_engine, text

    from smarttrees.services.imports.pipeline import progress_of

    batch = checked_survey(client, runner, tmp_path)
    report = progress_of(batch.id)
    report(5, "checking")
    status = client.get(f"/api/v1/imports/{batch.id}").get_json()
    assert (status["rows_done"], status["step"]) == (5, "checking")
    # While another transaction holds the batch row, a report gives up at once.
    other = create_engine(db.engine.url).connect()
    other.execute(text("SELECT 1 FROM import_batches WHERE id = :id FOR UPDATE"), {"id": batch.id})
    started = time.monotonic()
    report(9, "writing")
    assert time.monotonic() - started < 5
    other.rollback()
    other.close()
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch.id).step == "checking"


def _kept_schemas() -> list[str]:
    return db.session.scalars(
        text("SELECT nspname FROM pg_namespace WHERE nspname ~ '^import_[0-9]+$'")
    ).all()


def _checked_batch(client, runner, tmp_path, source: str) -> ImportBatch:
    sign_in(client, Role.MANAGER)
    path, _ = vn2000_survey(tmp_path)
    upload(client, path.read_bytes(), "khao_sat.csv", crs="EPSG:9213", source=source)
    run_jobs(runner)
    return db.session.scalar(select(ImportBatch))


def _commit(client, batch) -> None:
    token = csrf_from(client, f"/imports/{batch.id}")
    client.post(f"/imports/{batch.id}/commit", data={"csrf_token": token})


def test_the_write_takes_the_checked_rows_without_reading_the_file_again(
    client, runner, upload_dir, tmp_path
):
    batch = _checked_batch(client, runner, tmp_path, "ks-once")
    assert batch.status == ImportStatus.REVIEW and batch.summary["ready"] == 5
    assert _kept_schemas() == [f"import_{batch.id}"]
    Path(batch.stored_path).write_bytes(b"this is no longer the survey\n")
    _commit(client, batch)
    run_jobs(runner)
    done = db.session.get(ImportBatch, batch.id)
    assert done.status == ImportStatus.DONE and done.summary["created"] == 5
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 5
    assert _kept_schemas() == []  # the kept rows go once written


def test_kept_rows_lost_in_a_database_restart_are_read_again_from_the_file(
    client, runner, upload_dir, tmp_path
):
    batch = _checked_batch(client, runner, tmp_path, "ks-lost")
    db.session.execute(text(f"TRUNCATE import_{batch.id}.import_rows"))  # as a crash leaves it
    db.session.commit()
    _commit(client, batch)
    run_jobs(runner)
    done = db.session.get(ImportBatch, batch.id)
    assert done.status == ImportStatus.DONE and done.summary["created"] == 5


def test_the_check_job_is_queued_in_the_transaction_that_makes_the_batch(
    client, upload_dir, tmp_path
):
    sign_in(client, Role.MANAGER)
    path, _ = vn2000_survey(tmp_path)
    upload(client, path.read_bytes(), "khao_sat.csv", crs="EPSG:9213")
    upload(client, b"", "empty.csv")  # refused: neither a batch nor a job is left
    batch = db.session.scalar(select(ImportBatch))
    jobs = db.session.execute(
        text("SELECT task_name, args FROM procrastinate_jobs ORDER BY id")
    ).all()
    assert jobs == [("smarttrees:check_import", {"batch_id": batch.id})]


def test_a_fixed_row_whose_id_another_row_has_stays_in_error(client, runner, upload_dir, tmp_path):
    batch = _checked_batch(client, runner, tmp_path, "ks-dup")
    row = db.session.scalar(
        select(ImportRowError.row_number).where(ImportRowError.code == "number_invalid")
    )
    values = db.session.get(ImportBatch, batch.id)
    taken = db.session.scalar(
        text(f"SELECT external_id FROM import_{batch.id}.import_rows WHERE problem IS NULL LIMIT 1")
    )
    id_column = values.mapping["external_id"]
    token = csrf_from(client, f"/imports/{batch.id}")
    client.post(
        f"/imports/{batch.id}/rows/{row}",
        data={"csrf_token": token, "cell:D1.3": "40", f"cell:{id_column}": taken},
    )
    codes = db.session.scalars(
        select(ImportRowError.code).where(ImportRowError.row_number == row)
    ).all()
    assert codes == ["external_id_duplicate", "same_point"]
    db.session.commit()  # the test's own reads let go of the kept table, which the write drops
    _commit(client, batch)
    run_jobs(runner)
    done = db.session.get(ImportBatch, batch.id)
    assert done.status == ImportStatus.DONE and done.summary["created"] == 4


@pytest.mark.parametrize(
    ("step", "job"),
    [
        ("smarttrees.services.imports.pipeline.open_file", "check"),
        ("smarttrees.services.imports.staging.stage", "check"),
        ("smarttrees.services.imports.checks.check", "check"),
        ("smarttrees.services.imports.writing.write", "write"),
    ],
)
def test_a_job_that_fails_at_any_step_leaves_the_batch_failed_with_a_reason(
    client, runner, upload_dir, tmp_path, monkeypatch, step, job
):
    from smarttrees.services import imports

    batch = _checked_batch(client, runner, tmp_path, f"ks-fail-{job}")
    if job == "write":
        db.session.execute(text("DELETE FROM procrastinate_jobs"))
        batch.status = ImportStatus.COMMITTING
        db.session.commit()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(step, broken)
    run = imports.run_check if job == "check" else imports.run_write
    with pytest.raises(RuntimeError):
        run(batch.id)
    failed = db.session.get(ImportBatch, batch.id)
    assert failed.status == ImportStatus.FAILED and "unexpected error" in failed.failure
    assert failed.summary == {"error": {"code": "internal"}}
    assert _kept_schemas() == []
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 0


def test_a_failed_import_is_checked_again_or_discarded_with_its_file(
    client, runner, upload_dir, tmp_path
):
    sign_in(client, Role.MANAGER)
    upload(client, b"id,species\n1,Sau\n", "no_coordinates.csv")
    run_jobs(runner)
    batch = db.session.scalar(select(ImportBatch))
    assert batch.status == ImportStatus.FAILED
    stored = Path(batch.stored_path)
    token = csrf_from(client, f"/imports/{batch.id}")
    client.post(f"/imports/{batch.id}/retry", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.UPLOADED
    run_jobs(runner)
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.FAILED
    token = csrf_from(client, f"/imports/{batch.id}")
    response = client.post(f"/imports/{batch.id}/discard", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert not stored.exists()


def test_a_written_import_cannot_be_discarded(client, runner, upload_dir, tmp_path):
    batch = _checked_batch(client, runner, tmp_path, "ks-keep")
    _commit(client, batch)
    run_jobs(runner)
    token = csrf_from(client, f"/imports/{batch.id}")
    response = client.post(f"/imports/{batch.id}/discard", data={"csrf_token": token})
    assert response.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 5


def test_stands_go_through_the_same_review_and_commit_in_the_browser_flow(
    client, runner, upload_dir, tmp_path
):
    from smarttrees.models import Stand
    from tests.helpers.surveys import stand_map

    sign_in(client, Role.MANAGER)
    path, _ = stand_map(tmp_path)
    upload(client, path.read_bytes(), "hien_trang_rung.gpkg", kind="stands", source="htr")
    run_jobs(runner)
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.kind, batch.status, batch.summary["ready"]) == ("stands", ImportStatus.REVIEW, 3)
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "Tiểu khu" in page and "geometry_not_polygon" in page and "area_differs" in page
    assert 'class="fix-row"' not in page  # a stand's polygon is fixed in its file
    _commit(client, batch)
    run_jobs(runner)
    done = db.session.get(ImportBatch, batch.id)
    assert done.status == ImportStatus.DONE and done.summary["created"] == 3
    assert db.session.scalar(select(func.count()).select_from(Stand)) == 3


def test_the_map_link_of_an_import_centres_on_its_trees_not_on_rows_refused_abroad(
    client, runner, upload_dir
):
    sign_in(client, Role.MANAGER)
    content = b"id,longitude,latitude\nA,105.81,21.59\nB,105.83,21.60\nC,36.78,-1.29\n"
    upload(client, content, "two_here_one_in_nairobi.csv")
    run_jobs(runner)
    batch = db.session.scalar(select(ImportBatch))
    _commit(client, batch)
    run_jobs(runner)
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    zoom, lat, lon, only = re.search(
        r'id="see-on-map" href="[^"#]*#map=(\d+)/([\d.-]+)/([\d.-]+)&amp;batch=(\d+)', page
    ).groups()
    assert 21.5 < float(lat) < 21.7 and 105.7 < float(lon) < 105.9 and int(zoom) >= 12
    assert int(only) == batch.id  # the map shows the trees of this import alone


def test_past_imports_are_listed_and_an_unfinished_one_discarded_from_the_list(
    client, runner, upload_dir
):
    manager = sign_in(client, Role.MANAGER)
    upload(client, b"id,longitude,latitude\nA,105.81,21.59\nB,105.83,21.60\n", "written.csv")
    run_jobs(runner)
    written = db.session.scalar(select(ImportBatch).where(ImportBatch.filename == "written.csv"))
    _commit(client, written)
    run_jobs(runner)
    upload(client, b"id,longitude,latitude\nC,105.82,21.61\n", "left_in_review.csv")
    run_jobs(runner)
    page = client.get("/imports").get_data(as_text=True)
    rows = re.findall(r'<tr class="status-(\w+)">(.*?)</tr>', page, re.S)
    assert [(status, "written.csv" in row) for status, row in rows] == [
        ("review", False),
        ("done", True),
    ]
    assert manager.name in rows[1][1] and re.search(r'class="num">2</td>', rows[1][1])
    assert "Hủy bỏ" in rows[0][1] and "Hủy bỏ" not in rows[1][1]  # what wrote trees stays
    review = db.session.scalar(
        select(ImportBatch).where(ImportBatch.filename == "left_in_review.csv")
    )
    token = csrf_from(client, "/imports")
    answer = client.post(f"/imports/{review.id}/discard", data={"csrf_token": token})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/imports")
    assert "left_in_review.csv" not in client.get("/imports").get_data(as_text=True)


def test_the_list_of_imports_is_for_managers(client):
    sign_in(client, Role.FIELD)
    assert client.get("/imports").status_code == 403


def test_a_file_read_in_the_wrong_place_says_so_first(client, runner, upload_dir):
    sign_in(client, Role.MANAGER)
    content = b"id,longitude,latitude\nA,36.78,-1.29\nB,36.79,-1.28\nC,36.80,-1.27\n"
    upload(client, content, "nairobi.csv")
    run_jobs(runner)
    batch = db.session.scalar(select(ImportBatch))
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    verdict = re.search(r'id="verdict"><b>(.*?)</b>', page).group(1)
    assert verdict.startswith("Cả 3 điểm đều nằm ngoài tỉnh, cách tỉnh khoảng 7.910 km")
