"""Survey imports through the CLI and the service, on real files and on files made here."""

import json

import pytest
from sqlalchemy import func, select, text

from smarttrees.errors import DomainError
from smarttrees.extensions import db
from smarttrees.models import ImportRowError, Tree
from smarttrees.services import imports
from tests.helpers.factories import commune_named, point_in
from tests.helpers.surveys import (
    SAMPLES,
    SF,
    distance_m,
    next_month,
    official_form_workbook,
    run,
    vn2000_survey,
)

pytestmark = pytest.mark.external


@pytest.fixture(autouse=True)
def _samples_present():
    assert SF.exists(), f"the sample files are missing: expected {SAMPLES}"


def test_a_city_inventory_imports_and_a_second_import_updates(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("SMARTTREES_SERVICE_AREA", "none")  # San Francisco is not Thái Nguyên
    code, summary, _ = run(runner, SF)
    assert code == 0
    # A DBH out of range no longer stops its tree: 44 warnings, every row ready.
    assert summary["rows_read"] == 9875 and summary["ready"] == 9875
    assert summary["errors"] == 0 and summary["errors_by_code"]["out_of_range"] == 44
    assert summary["errors_by_code"]["species_unknown"] == 9868 and summary["warnings"] == 9868
    assert summary["errors_by_code"]["same_point"] == 846  # records sharing a point, own ids
    assert summary["created"] == 0  # only checked
    code, summary, _ = run(runner, SF, "--commit", "--category", "urban")
    assert (summary["created"], summary["updated"]) == (9875, 0)
    code, summary, _ = run(runner, SF, "--commit", "--category", "urban")
    assert summary["already_imported"] == 9875
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 9875)
    # Next month's file: 100 trees measured again, one new tree.
    code, summary, _ = run(runner, next_month(SF, tmp_path), "--commit", "--source", SF.stem)
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (1, 100, 9775)
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 9876
    remeasured = db.session.scalar(select(Tree.dbh_cm).where(Tree.external_id == "99001"))
    assert remeasured == 77
    raw = db.session.scalar(select(Tree.species_raw).where(Tree.external_id == "99001"))
    assert raw == "Lophostemon confertus :: Brisbane Box"
    unread = db.session.scalars(
        select(ImportRowError).where(
            ImportRowError.batch_id == summary["batch_id"], ImportRowError.code == "out_of_range"
        )
    ).all()
    assert len(unread) == 44 and all(e.columns == ["dbh"] for e in unread)
    kept = db.session.execute(
        select(Tree.dbh_cm, Tree.surveyed).where(Tree.surveyed.is_not(None))
    ).all()
    assert len(kept) == 44
    assert all(dbh is None and not 0 < float(s["dbh"]) <= 500 for dbh, s in kept)


def test_a_vn2000_survey_lands_within_a_metre_with_each_problem_named(runner, tmp_path):
    path, points = vn2000_survey(tmp_path)
    code, summary, _ = run(runner, path, "--crs", "9213", "--commit", "--source", "ks-2025")
    assert code == 0
    assert summary["errors_by_code"] == {
        "date_invalid": 1,
        "external_id_duplicate": 2,
        "number_invalid": 1,
        "outside_service_area": 1,
        "same_point": 5,  # the survey puts several trees on one point of each commune
        "species_ambiguous": 1,
    }
    # Only a point outside the area and an id twice block a row: 5 trees, 3 rows refused.
    assert (summary["rows_read"], summary["ready"], summary["errors"]) == (8, 5, 3)
    assert summary["created"] == 5
    surveyed = dict(db.session.execute(select(Tree.external_id, Tree.surveyed)).all())
    assert surveyed["TN-4"] == {"dbh": "abc"} and surveyed["TN-5"] == {"planted": "31/02/2020"}
    bo_de = db.session.scalar(select(Tree).where(Tree.external_id == "TN-3"))
    assert (bo_de.species_id, bo_de.species_raw) == (None, "Bo de")
    for tree in db.session.scalars(select(Tree)):
        lon, lat = points[tree.external_id]
        distance = db.session.scalar(
            text(
                "SELECT ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"
                "::geography) FROM trees WHERE id = :id"
            ),
            {"lon": lon, "lat": lat, "id": tree.id},
        )
        assert distance < 1.0
    keo = db.session.scalar(select(Tree).where(Tree.external_id == "TN-1"))
    assert keo.species.scientific_name == "Acacia mangium" and float(keo.dbh_cm) == 12.5
    assert keo.planted_on.isoformat() == "2018-06-15" and keo.commune.name == "Gia Sàng"
    lagerstroemia = db.session.scalar(select(Tree).where(Tree.external_id == "TN-2"))
    assert lagerstroemia.planted_on.isoformat() == "2017-09-22"  # Excel serial 43000


def test_a_windows_1258_file_is_read_and_stored_as_nfc(runner, tmp_path):
    path, _ = vn2000_survey(tmp_path, encoding="cp1258")
    _, summary, _ = run(runner, path, "--crs", "EPSG:9213", "--commit")
    assert summary["created"] == 5
    species = db.session.scalar(select(Tree.species_id).where(Tree.external_id == "TN-2"))
    assert species is not None  # "Bằng lăng nước", decoded from Windows-1258 and matched


def test_a_file_without_coordinates_is_refused_naming_its_columns(runner, tmp_path):
    path = tmp_path / "no_coordinates.csv"
    path.write_text("id,species,dbh\n1,Sấu,20\n", encoding="utf-8")
    code, summary, output = run(runner, path)
    assert code == 1 and summary is None
    assert "No coordinate columns" in output and "species" in output


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(DomainError) as refused:
        imports.import_file(path, source="x")
    assert refused.value.code == "file_unreadable"


VECTOR_FILES = {
    # 13 features repeat another exactly (same OBJECTID, same values): each is imported once;
    # 167 trunk diameters of 0 are warnings (no DBH), no longer refused trees.
    "05_trees_pasadena_geojson/pasadena_street_trees.geojson": (1013, 1000, 0),
    # The last three apiaries are one feature saved three times: imported once.
    "18_qfield_sample_project_gpkg/qfield_simple_bee_farming_bees.gpkg": (40, 38, 0),
    "13_gpx_waypoints_gps_units/gpsbabel_garmin_gdb_sample.gpx": (9, 9, 0),
    "14_kml_google_earth_gdal_cases/gpsbabel_google_earth_points.kml": (9, 9, 0),
    "13_gpx_waypoints_gps_units/gpxpy_unicode_with_bom_no_ns.gpx": (1, 1, 0),
}


@pytest.mark.parametrize("name", sorted(VECTOR_FILES))
def test_vector_survey_files_import_with_the_expected_counts(runner, monkeypatch, name):
    monkeypatch.setenv("SMARTTREES_SERVICE_AREA", "none")
    code, summary, output = run(runner, SAMPLES / name, "--commit")
    assert code == 0, output
    assert (summary["rows_read"], summary["ready"], summary["errors"]) == VECTOR_FILES[name]
    assert summary["created"] == summary["ready"]


def test_a_geopackage_in_web_mercator_lands_where_it_belongs(runner, monkeypatch):
    monkeypatch.setenv("SMARTTREES_SERVICE_AREA", "none")
    path = SAMPLES / "18_qfield_sample_project_gpkg" / "qfield_simple_bee_farming_bees.gpkg"
    run(runner, path, "--commit", "--layer", "apiary")
    west, south, east, north = db.session.execute(
        text("SELECT min(ST_X(geom)), min(ST_Y(geom)), max(ST_X(geom)), max(ST_Y(geom)) FROM trees")
    ).one()
    assert 9.0 < west < east < 9.5 and 46.7 < south < north < 46.9  # Laax, Switzerland
    code, _, output = run(runner, path, "--layer", "nope")
    assert code == 1 and "apiary" in output


def test_overlapping_commits_update_and_never_duplicate(app, runner, tmp_path):
    """Another import writes TN-2 of the same source and commits while ours is committing:
    ours waits for it on the unique (source, external id), then updates that tree."""
    import threading
    import time

    path, points = vn2000_survey(tmp_path)
    lon, lat = points["TN-2"]
    other = db.engine.connect()
    other.execute(
        text(
            "INSERT INTO trees (code, category, source, external_id, geom) VALUES "
            "('0000001', 'urban', 'ks-2025', 'TN-2', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"
        ),
        {"lon": lon, "lat": lat},
    )  # not committed yet: the import cannot see it when it starts
    results = []
    worker = threading.Thread(
        target=lambda: results.append(
            runner.invoke(
                args=[
                    "trees",
                    "import",
                    str(path),
                    "--crs",
                    "9213",
                    "--commit",
                    "--source",
                    "ks-2025",
                ]
            )
        )
    )
    worker.start()
    time.sleep(2)
    assert worker.is_alive()  # waiting on the other transaction's TN-2
    other.commit()
    other.close()
    worker.join(timeout=60)
    summary = json.loads(results[0].output.splitlines()[-1])
    assert (summary["created"], summary["updated"]) == (4, 1)  # TN-2 was the other's
    db.session.expire_all()
    rows = db.session.execute(
        text("SELECT count(*), count(DISTINCT external_id) FROM trees WHERE source = 'ks-2025'")
    ).one()
    assert tuple(rows) == (5, 5)


def test_an_official_form_workbook_imports_without_a_mapping(runner, tmp_path):
    path, trees = official_form_workbook(tmp_path)
    code, summary, output = run(runner, path, "--crs", "9213", "--commit")
    assert code == 0, output
    assert (summary["rows_read"], summary["created"], summary["errors"]) == (3, 3, 0)
    decisions = summary["decisions"]
    assert decisions["header_rows"] == [5, 6] and decisions["skipped_rows"] == [1, 2, 4, 7]
    assert decisions["first_data_row"] == 8 and decisions["footer_rows"] == [11, 13, 14]
    assert decisions["columns"] == {
        "x": "Tọa độ VN-2000/X (m)",
        "y": "Tọa độ VN-2000/Y (m)",
        "species": "Loài cây",
        "dbh": "D1.3 (cm)",
        "height": "Hvn (m)",
        "notes": "Ghi chú",
        "external_id": "Mã cây",
    }
    assert decisions["units"] == {"dbh": "cm", "height": "m"}
    for code_in_file, (lon, lat) in trees.items():
        tree = db.session.scalar(select(Tree).where(Tree.external_id == code_in_file))
        assert tree.species.vi_name == "Sấu" and float(tree.height_m) == 8.5
        assert distance_m(tree.id, lon, lat) < 1.0


def test_the_header_row_can_be_named_when_the_guess_is_wrong(runner, tmp_path):
    path, _ = official_form_workbook(tmp_path)
    code, summary, output = run(runner, path, "--crs", "9213", "--header-row", "4")
    assert code == 1 and summary is None
    assert "No coordinate columns" in output  # the title row holds no column names


def test_an_unexpected_failure_ends_the_cli_in_one_line_and_writes_nothing(
    runner, tmp_path, monkeypatch
):
    path, _ = vn2000_survey(tmp_path)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("smarttrees.services.imports.writing.write", broken)
    code, summary, output = run(runner, path, "--crs", "9213", "--commit")
    assert code == 1 and summary is None
    assert "unexpected error (RuntimeError: disk on fire)" in output
    assert "Traceback" not in output and len(output.strip().splitlines()) == 1
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 0


def test_condition_words_and_size_classes_are_read_and_what_is_not_is_kept(runner, tmp_path):
    lon, lat = point_in(commune_named("Gia Sàng"))
    rows = [
        ("C1", "Good", "07-12"),
        ("C2", "Very_Good", "25"),
        ("C3", "Xấu", "0-6"),
        ("C4", "leaning a bit", "abc"),
    ]
    lines = ["id;lon;lat;condition;dbh"]
    lines += [f"{i};{lon + n * 1e-4};{lat};{c};{d}" for n, (i, c, d) in enumerate(rows)]
    path = tmp_path / "conditions.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, summary, output = run(runner, path, "--commit")
    assert code == 0, output
    assert summary["created"] == 4
    assert summary["errors_by_code"] == {
        "condition_unknown": 1,
        "number_invalid": 1,
        "size_class": 2,
    }
    trees = {t.external_id: t for t in db.session.scalars(select(Tree))}
    conditions = [trees[i].condition for i in ("C1", "C2", "C3", "C4")]
    assert [c.value if c else None for c in conditions] == [
        "good",
        "good",
        "poor",
        None,
    ]
    assert float(trees["C1"].dbh_cm) == 9.5 and trees["C1"].surveyed == {"dbh": "07-12"}
    assert float(trees["C3"].dbh_cm) == 3.0
    assert trees["C4"].surveyed == {"dbh": "abc", "condition": "leaning a bit"}
