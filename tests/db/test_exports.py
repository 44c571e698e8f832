"""The trees a filter selects, as CSV and GeoJSON (streamed), Excel, GeoPackage, zipped Shapefile
and KML (at once when few, in the background when many): readable by Excel and QGIS (GDAL), and
brought back by SmartTrees' own import with nothing changed."""

import csv
import io
import json
import re
import unicodedata
import zipfile
from urllib.parse import urlsplit

import openpyxl
import pyogrio
import pytest
from geoalchemy2.shape import to_shape
from pyogrio import raw
from sqlalchemy import select, text

from smarttrees.exporters import COLUMNS
from smarttrees.extensions import db
from smarttrees.models import Role, Tree
from tests.helpers.factories import make_tree, species_named
from tests.helpers.imports import run_jobs
from tests.helpers.surveys import run
from tests.helpers.web import csrf_from, sign_in

FIELDS = ("species_id", "category", "dbh_cm", "height_m", "crown_m", "condition", "planted_on")


def _trees():
    """Four trees as surveys have them: a decimal DBH, no height, a Vietnamese note, a date."""
    return [
        make_tree(commune="Gia Sàng", dbh_cm="32,5", notes="gốc bị sâu"),
        make_tree(commune="Gia Sàng", height_m="", condition="poor", planted_on="01/02/2019"),
        make_tree(
            commune="Quan Triều",
            species_id=species_named("Khaya senegalensis").id,
            category="scattered",
            crown_m="6,5",
        ),
        make_tree(commune="Phan Đình Phùng", dbh_cm="", condition="dead"),
    ]


def _values(tree: Tree) -> tuple:
    point = to_shape(tree.geom)
    return (*(getattr(tree, f) for f in FIELDS), tree.notes, round(point.x, 6), round(point.y, 6))


def test_a_csv_export_opens_in_excel_and_comes_back_unchanged(client, runner, tmp_path):
    originals = _trees()
    sign_in(client, Role.VIEWER)
    answer = client.get("/trees/export.csv", buffered=True)
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads UTF-8 with its BOM
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 4 and {r["code"] for r in rows} == {t.code for t in originals}
    exported = tmp_path / "cay_xanh.csv"
    exported.write_text(text, encoding="utf-8")
    code, summary, output = run(runner, exported, "--source", "export", "--commit")
    assert code == 0 and summary["created"] == 4, output
    back = {t.external_id: t for t in db.session.scalars(select(Tree).filter_by(source="export"))}
    for tree in originals:
        db.session.refresh(tree)
        assert _values(back[tree.code]) == _values(tree), tree.code


def test_a_geojson_export_is_read_by_gdal_and_comes_back_unchanged(client, runner, tmp_path):
    import subprocess

    originals = _trees()
    sign_in(client, Role.VIEWER)
    answer = client.get(
        "/trees/export.geojson?commune_id=" + str(originals[0].commune_id), buffered=True
    )
    assert answer.mimetype == "application/geo+json"
    collection = json.loads(answer.get_data(as_text=True))
    assert {f["id"] for f in collection["features"]} == {originals[0].code, originals[1].code}
    exported = tmp_path / "cay_xanh.geojson"
    exported.write_bytes(answer.data)
    info = subprocess.run(
        ["ogrinfo", "-so", "-al", str(exported)], capture_output=True, text=True, check=True
    ).stdout
    assert "Feature Count: 2" in info and "Geometry: Point" in info
    code, summary, output = run(runner, exported, "--source", "export-gis", "--commit")
    assert code == 0 and summary["created"] == 2, output
    back = {
        t.external_id: t for t in db.session.scalars(select(Tree).filter_by(source="export-gis"))
    }
    for tree in originals[:2]:
        db.session.refresh(tree)
        assert _values(back[tree.code]) == _values(tree), tree.code


# The other formats: each comes back through the importer with every value unchanged, in WGS 84
# and (GeoPackage, Shapefile) in VN-2000 TM-3; small selections at once, large in the background.

KINDS = {  # test id → (format in the URL, coordinate system asked for, file suffix)
    "xlsx": ("xlsx", None, ".xlsx"),
    "gpkg": ("gpkg", None, ".gpkg"),
    "gpkg-vn2000": ("gpkg", 9213, ".gpkg"),
    "shp": ("shp.zip", None, ".shp.zip"),
    "shp-vn2000": ("shp.zip", 9213, ".shp.zip"),
    "kml": ("kml", None, ".kml"),
}
PROVINCE_VIEW = "105.2,21.2,106.4,22.9"  # the map's view over the whole province: a filter


@pytest.fixture
def export_dir(app, tmp_path):
    previous = app.config["EXPORT_DIR"]
    app.config["EXPORT_DIR"] = str(tmp_path / "exports")
    yield tmp_path / "exports"
    app.config["EXPORT_DIR"] = previous


def _texts(path) -> list[str]:
    """Every text value of an exported file, as a spreadsheet or GDAL reads it."""
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        return [
            v for row in book.active.iter_rows(values_only=True) for v in row if isinstance(v, str)
        ]
    _, _, _, columns = raw.read(path)
    return [v for column in columns for v in column if isinstance(v, str)]


def _comes_back_unchanged(runner, exported, originals, source: str) -> None:
    code, summary, output = run(runner, exported, "--source", source, "--commit")
    assert code == 0 and summary["created"] == len(originals), output
    back = {t.external_id: t for t in db.session.scalars(select(Tree).filter_by(source=source))}
    for tree in originals:
        db.session.refresh(tree)
        assert _values(back[tree.code]) == _values(tree), tree.code


@pytest.mark.parametrize("kind", KINDS)
def test_each_file_format_comes_back_unchanged_with_its_vietnamese(client, runner, tmp_path, kind):
    fmt, crs, suffix = KINDS[kind]
    originals = _trees()
    sign_in(client, Role.VIEWER)
    asked = {"bbox": PROVINCE_VIEW} | ({"crs": crs} if crs else {})
    answer = client.get(f"/trees/export.{fmt}", query_string=asked, buffered=True)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert answer.headers["Content-Disposition"].startswith("attachment")
    assert suffix in answer.headers["Content-Disposition"]
    exported = tmp_path / f"cay_xanh{suffix}"
    exported.write_bytes(answer.data)
    texts = _texts(exported)
    vietnamese = {"gốc bị sâu", "Gia Sàng", "Quan Triều", "Phan Đình Phùng"}
    assert vietnamese <= set(texts) and all(unicodedata.is_normalized("NFC", t) for t in texts)
    if suffix != ".xlsx":
        assert pyogrio.read_info(exported)["crs"] == f"EPSG:{crs or 4326}"
    _comes_back_unchanged(runner, exported, originals, source=f"export-{kind}")


def test_a_zipped_shapefile_says_utf8_has_its_prj_and_a_readme_of_its_short_names(client):
    _trees()
    sign_in(client, Role.VIEWER)
    answer = client.get("/trees/export.shp.zip", query_string={"bbox": PROVINCE_VIEW, "crs": 9213})
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    stems = {name.rpartition(".")[0] for name in archive.namelist() if name != "README.txt"}
    assert stems == {"trees_vn2000"} and "README.txt" in archive.namelist()
    assert archive.read("trees_vn2000.cpg") == b"UTF-8"
    assert "VN-2000" in archive.read("trees_vn2000.prj").decode()
    readme = archive.read("README.txt").decode("utf-8")
    fields = pyogrio.read_info(io.BytesIO(answer.data))["fields"]
    assert all(len(name) <= 10 for name in fields)
    for column in COLUMNS:  # each short name beside its full name
        assert re.search(rf"^{column.field}\s+{column.name}\s", readme, re.M), column.name


def test_a_selection_over_the_limit_is_offered_in_the_background(app, client, monkeypatch):
    originals = _trees()
    monkeypatch.setitem(app.config, "EXPORT_AT_ONCE", 3)
    sign_in(client, Role.VIEWER)
    few = client.get("/trees/export.kml", query_string={"commune_id": originals[0].commune_id})
    assert few.mimetype == "application/vnd.google-earth.kml+xml"
    many = client.get("/trees/export.kml", query_string={"bbox": PROVINCE_VIEW})
    assert many.mimetype == "text/html" and 'id="export-make"' in many.get_data(as_text=True)


def _start(client, path: str) -> str:
    """Ask for a background export as the offer's button does; the export page's path."""
    offer = client.get(path)
    assert 'id="export-make"' in offer.get_data(as_text=True)
    started = client.post(path, data={"csrf_token": csrf_from(client, path)})
    assert started.status_code == 302
    return urlsplit(started.headers["Location"]).path


def test_the_whole_province_is_made_in_the_background_and_comes_back_unchanged(
    app, client, runner, export_dir, tmp_path
):
    originals = _trees()
    sign_in(client, Role.VIEWER)
    page = _start(client, "/trees/export.gpkg?crs=9213")
    status = client.get("/api/v1" + page).get_json()
    assert status["status"] == "queued" and status["file"] is None
    assert 'id="export-progress"' in client.get(page).get_data(as_text=True)
    run_jobs(runner)
    status = client.get("/api/v1" + page).get_json()
    assert status["status"] == "done" and status["rows_done"] == status["rows_total"] == 4
    assert 'id="export-file"' in client.get(page).get_data(as_text=True)
    answer = client.get(status["file"], buffered=True)
    assert answer.mimetype == "application/geopackage+sqlite3"
    exported = tmp_path / "trees_vn2000.gpkg"
    exported.write_bytes(answer.data)
    _comes_back_unchanged(runner, exported, originals, source="export-province")
    other = app.test_client()
    sign_in(other, Role.MANAGER)
    assert other.get(page).status_code == 404  # someone else's export
    sign_in(other, Role.ADMIN)
    assert other.get(page).status_code == 200


def test_an_export_that_cannot_write_its_file_ends_failed_with_the_reason(
    client, runner, export_dir, monkeypatch
):
    from smarttrees.services.exports import background, files

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    _trees()
    sign_in(client, Role.VIEWER)
    page = _start(client, "/trees/export.xlsx")
    monkeypatch.setattr(files, "open_writer", disk_full)
    run_jobs(runner)
    status = client.get("/api/v1" + page + "?lang=en").get_json()
    assert status["status"] == "failed" and status["failure"] == background.NOT_WRITTEN
    shown = client.get(page + "?lang=en").get_data(as_text=True)
    assert background.NOT_WRITTEN in shown
    assert [p.name for p in (export_dir / page.rpartition("/")[2]).iterdir()] == ["state.json"]


def test_an_export_whose_job_died_is_said_to_have_failed(client, export_dir):
    _trees()
    sign_in(client, Role.VIEWER)
    page = _start(client, "/trees/export.kml")
    db.session.execute(text("UPDATE procrastinate_jobs SET status = 'failed'"))
    db.session.commit()
    assert client.get("/api/v1" + page).get_json()["status"] == "failed"


def test_old_files_are_removed_and_their_page_says_so(client, runner, export_dir):
    from smarttrees.services import exports
    from smarttrees.services.exports import state

    _trees()
    sign_in(client, Role.VIEWER)
    page = _start(client, "/trees/export.xlsx")
    run_jobs(runner)
    export_id = page.rpartition("/")[2]
    assert exports.prune(export_dir, keep_days=7) == 0
    export = state.load(export_dir, export_id)
    export.finished_at = "2020-01-01T00:00:00+00:00"
    state.save(export, export_dir)
    assert exports.prune(export_dir, keep_days=7) == 1
    assert not (export_dir / export_id / export.filename).exists()
    assert client.get("/api/v1" + page).get_json()["status"] == "expired"
    assert client.get(page + "/file").status_code == 404


def test_the_map_s_view_and_an_import_s_trees_export_alone(client, runner, tmp_path):
    """The map's "these trees as a GeoPackage" sends its view as a box, an import's page its
    batch: each file holds those trees and no other."""
    sign_in(client, Role.VIEWER)
    here = make_tree(lon=105.8400, lat=21.5930)
    make_tree(lon=105.9000, lat=21.6500)  # outside the view
    view = "105.835000,21.590000,105.845000,21.596000"
    answer = client.get(f"/trees/export.gpkg?bbox={view}")
    assert answer.status_code == 200
    assert _codes(answer.data) == [here.code]
    survey = tmp_path / "khao_sat.csv"
    survey.write_text("id,longitude,latitude\nA,105.81,21.59\nB,105.83,21.60\n")
    assert runner.invoke(args=["trees", "import", str(survey), "--commit"]).exit_code == 0
    batch = db.session.scalar(select(Tree.import_batch_id).where(Tree.external_id == "A"))
    page = client.get(f"/imports/{batch}")
    assert page.status_code == 403  # a viewer does not see imports; the link is the manager's
    answer = client.get(f"/trees/export.gpkg?batch={batch}")
    codes = _codes(answer.data)
    assert len(codes) == 2 and here.code not in codes


def _codes(gpkg: bytes) -> list[str]:
    """The trees' codes a GeoPackage holds, as GDAL reads them."""
    meta, _, _, columns = raw.read(io.BytesIO(gpkg), read_geometry=False)
    return list(columns[list(meta["fields"]).index("code")])


def _inside(stand) -> dict:
    point = to_shape(stand.geom).representative_point()
    return {"lon": point.x, "lat": point.y}


def test_a_stand_s_and_a_trace_s_trees_export_alone(client):
    """The stand card's file holds the stand's trees; a lot's trace page offers the trees it
    reaches (its stand's, and those planted from it as points) and no other; a trace that
    reaches none gives an empty file, never the province."""
    from smarttrees.models import LotEventKind
    from smarttrees.services import custody
    from tests.helpers.factories import make_stand

    manager = sign_in(client, Role.MANAGER)
    stand = make_stand("Gia Sàng")
    in_stand = make_tree(category="plantation", **_inside(stand))
    elsewhere = make_tree()
    nursery = custody.create_nursery(name="Vườn ươm Phú Lương")
    acacia = species_named("Acacia mangium").id
    lot = custody.create_lot(species_id=acacia, nursery_id=nursery.id, seed_source="Ba Vì")
    custody.record_event(lot, LotEventKind.SOWN, 100)
    custody.record_event(lot, LotEventKind.PLANTED, 40, stand_id=stand.id)
    as_point = make_tree(commune="Quan Triều")
    custody.record(lot, {"kind": "planted", "trees": as_point.code}, actor=manager)
    db.session.commit()

    assert _codes(client.get(f"/trees/export.gpkg?stand={stand.id}").data) == [in_stand.code]
    page = client.get(f"/l/{lot.code}/trace").get_data(as_text=True)
    link = re.search(r'href="(/trees/export\.gpkg\?[^"]+)" id="export-gpkg"', page).group(1)
    reached = _codes(client.get(link.replace("&amp;", "&")).data)
    assert sorted(reached) == sorted([in_stand.code, as_point.code])
    assert elsewhere.code not in reached
    listed = client.get(link.replace("/trees/export.gpkg", "/trees").replace("&amp;", "&"))
    assert "Chỉ những cây thuộc các lô rừng:" in listed.get_data(as_text=True)

    unplanted = custody.create_lot(species_id=acacia, nursery_id=nursery.id, seed_source="Ba Vì")
    db.session.commit()
    empty = client.get(f"/trees/export.gpkg?lot={unplanted.id}")
    assert empty.status_code == 200 and _codes(empty.data) == []
