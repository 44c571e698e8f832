"""Every format survey teams bring, through `flask trees import`: zipped shapefiles, KMZ,
Excel, Kobo/ODK exports, WKT and "lat lon" columns; and the files that must be refused."""

import json
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import shapely
from pyogrio import raw
from pyproj import Transformer
from sqlalchemy import select

from smarttrees.extensions import db
from smarttrees.models import ImportRowError, Tree
from tests.helpers.factories import commune_named, point_in
from tests.helpers.surveys import SAMPLES, distance_m, run

pytestmark = pytest.mark.external
SHAPEFILES = SAMPLES / "15_shapefile_edge_cases"
KOBO = SAMPLES / "17_kobo_odk_ona_exports"
WKT = SAMPLES / "16_csv_edge_cases_wkt_gdal"


@pytest.fixture
def anywhere(monkeypatch):
    """The sample files come from all over the world, not from Thái Nguyên."""
    monkeypatch.setenv("SMARTTREES_SERVICE_AREA", "none")


def zip_folder(folder: Path, target: Path, only: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(folder.iterdir()):
            if not only or part.suffix in only:
                archive.write(part, part.name)
    return target


def test_a_zipped_point_shapefile_in_vn2000_lands_within_a_metre(runner, tmp_path):
    """A shapefile as a provincial team exports it: VN-2000 TM-3 with its .prj, UTF-8 names."""
    lon, lat = point_in(commune_named("Gia Sàng"))
    easting, northing = Transformer.from_crs(4326, 9213, always_xy=True).transform(lon, lat)
    folder = tmp_path / "shp"
    folder.mkdir()
    raw.write(
        folder / "cay_xanh.shp",
        geometry=np.array([shapely.Point(easting, northing).wkb], dtype=object),
        field_data=[np.array(["Sấu"], dtype=object), np.array([31.5])],
        fields=["ten_loai", "d13"],
        crs="EPSG:9213",
        driver="ESRI Shapefile",
        geometry_type="Point",
        encoding="UTF-8",
    )
    archive = zip_folder(folder, tmp_path / "cay_xanh.zip")
    code, summary, output = run(runner, archive, "--commit")
    assert code == 0, output
    assert (summary["rows_read"], summary["ready"], summary["created"]) == (1, 1, 1)
    tree = db.session.scalar(select(Tree))
    assert tree.species.vi_name == "Sấu" and float(tree.dbh_cm) == 31.5
    assert distance_m(tree.id, lon, lat) < 1.0


@pytest.mark.parametrize(
    ("folder", "rows"),
    [("fiona_coutwildrnp_latin1_cpg", 67), ("sf_olinda1_grs80_no_cpg", 470)],
)
def test_polygon_shapefiles_are_read_and_every_feature_named_not_a_point(
    runner, tmp_path, anywhere, folder, rows
):
    archive = zip_folder(SHAPEFILES / folder, tmp_path / f"{folder}.zip")
    code, summary, output = run(runner, archive)
    assert code == 1 and "No row of this file can be imported" in output
    assert summary["rows_read"] == rows and summary["errors_by_code"] == {
        "geometry_not_point": rows
    }
    named = db.session.scalars(select(ImportRowError.columns).distinct()).all()
    assert named == [["geometry"]]  # the feature's own geometry, not the reader's __x, __y


@pytest.mark.parametrize(
    ("folder", "missing"),
    [
        ("pyshp_latin1_no_cpg_no_shx", "missing .shx, .prj"),
        ("sf_storms_xyz_3d_no_prj", "missing .prj"),
        ("fiona_test_tin_multipatch_no_prj", "missing .prj"),
    ],
)
def test_a_shapefile_missing_a_part_is_refused_naming_it(runner, tmp_path, folder, missing):
    archive = zip_folder(SHAPEFILES / folder, tmp_path / f"{folder}.zip")
    code, summary, output = run(runner, archive)
    assert code == 1 and summary is None
    assert missing in output


def test_a_shapefile_without_prj_is_read_when_the_coordinate_system_is_declared(
    runner, tmp_path, anywhere
):
    archive = zip_folder(SHAPEFILES / "sf_storms_xyz_3d_no_prj", tmp_path / "storms.zip")
    code, summary, _ = run(runner, archive, "--crs", "4326")
    assert code == 1 and summary["errors_by_code"] == {"geometry_not_point": 71}


def test_a_corrupt_shapefile_is_refused_with_gdals_reason(runner, tmp_path, anywhere):
    archive = zip_folder(SHAPEFILES / "pyshp_corrupt_too_long", tmp_path / "corrupt.zip")
    code, summary, output = run(runner, archive, "--crs", "4326")
    assert code == 1
    assert summary is None or summary["ready"] == 0, output


def test_archives_that_climb_out_link_or_explode_are_refused(runner, tmp_path):
    slip = tmp_path / "slip.zip"
    with zipfile.ZipFile(slip, "w") as archive:
        archive.writestr("../../etc/cay.shp", b"x")
    code, _, output = run(runner, slip)
    assert code == 1 and "outside its folder" in output
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as archive:
        info = zipfile.ZipInfo("cay.shp")
        info.external_attr = (0o120777 << 16) | 0x20  # a symbolic link
        archive.writestr(info, "/etc/passwd")
    code, _, output = run(runner, link)
    assert code == 1 and "link" in output
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cay.shp", b"\0" * (50 * 1024**2))  # 50 MB of zeros: ~50 kB packed
    code, _, output = run(runner, bomb)
    assert code == 1 and "unpacks to far more" in output
    assert not any(tmp_path.glob("**/cay.shp"))


def test_a_kmz_is_read_like_its_kml(runner, tmp_path, anywhere):
    kml = SAMPLES / "14_kml_google_earth_gdal_cases" / "gpsbabel_google_earth_points.kml"
    kmz = tmp_path / "diem.kmz"
    with zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(kml, "doc.kml")
    code, summary, _ = run(runner, kmz)
    assert code == 0 and (summary["rows_read"], summary["ready"]) == (9, 9)


def test_xml_entity_bombs_are_refused_before_gdal_reads_them(runner, tmp_path):
    bomb = tmp_path / "bomb.kml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&b;</name>'
        "<Point><coordinates>105.8,21.6</coordinates></Point></Placemark></kml>",
        encoding="utf-8",
    )
    code, summary, output = run(runner, bomb)
    assert code == 1 and summary is None and "XML entities" in output


def test_a_gpx_with_only_a_track_says_so(runner):
    code, summary, output = run(
        runner, SAMPLES / "13_gpx_waypoints_gps_units/fiona_runkeeper_track.gpx"
    )
    assert code == 1 and summary is None and "no waypoints" in output


KOBO_FILES = {
    # Four identical submissions: the geopoint pair _location_latitude/_longitude; one tree.
    "onadata_GeoLocationForm_2015_01_15_01_28_45.csv": (4, 1, 0, {"row_repeated": 3}),
    "onadata_tutorial_w_repeats.csv": (1, 1, 0, {}),
    "kobo_formpack_all_geo_types_v1.json": (1, 1, 0, {}),
    "kobo_formpack_all_geo_types_v2.json": (1, 1, 0, {}),
}


@pytest.mark.parametrize("name", sorted(KOBO_FILES))
def test_kobo_and_odk_exports_import_with_the_expected_counts(runner, anywhere, name):
    code, summary, output = run(runner, KOBO / name, "--commit")
    assert code == 0, output
    read, ready, errors, by_code = KOBO_FILES[name]
    assert (summary["rows_read"], summary["ready"], summary["errors"]) == (read, ready, errors)
    assert summary["errors_by_code"] == by_code and summary["created"] == ready


def test_a_kobo_geopoint_lat_lon_string_and_uuid_are_used(runner, anywhere, tmp_path):
    """ODK writes a geopoint "lat lon altitude accuracy", latitude first; _uuid is the id."""
    run(runner, KOBO / "kobo_formpack_all_geo_types_v2.json", "--commit")
    tree = db.session.scalar(select(Tree))
    assert tree.external_id == "4a5ad9e6-87e3-4d03-bc0c-9e4b42b84eca"
    assert distance_m(tree.id, -58.442238, -34.631098) < 1.0  # Buenos Aires
    path = tmp_path / "khao_sat.csv"
    path.write_text('ma cay,toa do,loai cay\nA1,"21.5931, 105.8442",Sấu\n', encoding="utf-8")
    code, _, output = run(runner, path, "--commit")
    assert code == 0, output
    tree = db.session.scalar(select(Tree).where(Tree.external_id == "A1"))
    assert distance_m(tree.id, 105.8442, 21.5931) < 1.0


WKT_FILES = {
    "sf_pt.csv": (3, 3, {}),
    "fiona_test_tin_wkt_3d.csv": (3, 0, {"geometry_not_point": 3}),
    "fiona_curves_line_wkt.csv": (9, 0, {"geometry_not_point": 9}),
}


@pytest.mark.parametrize("name", sorted(WKT_FILES))
def test_wkt_columns_give_points_and_name_everything_else(runner, anywhere, name):
    code, summary, output = run(runner, WKT / name)
    read, ready, by_code = WKT_FILES[name]
    assert (summary["rows_read"], summary["ready"]) == (read, ready), output
    assert summary["errors_by_code"] == by_code
    assert code == (0 if ready else 1)


@pytest.mark.parametrize(
    "name",
    [
        "gdal_header_with_line_break.csv",
        "gdal_inf_nan.csv",
        "gdal_testtypeautodetect.csv",
        "gdal_unbalanced_double_quotes.csv",
    ],
)
def test_csv_files_without_coordinates_are_refused_naming_their_columns(runner, name):
    code, summary, output = run(runner, WKT / name)
    assert code == 1 and summary is None
    assert "No coordinate columns" in output and '"columns"' in output


FIELDS = ("external_id", "species", "dbh", "height")


def mapping_file(tmp_path: Path, **content) -> Path:
    """A mapping for `flask trees import --mapping FILE.json`."""
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


def test_an_excel_survey_with_dates_units_and_vietnamese_headers(runner, tmp_path):
    """XLSX as a team fills it: real Excel dates, DBH in millimetres, a second sheet."""
    places = [point_in(commune_named(name)) for name in ("Gia Sàng", "Quan Triều")]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Khảo sát"
    sheet.append(
        ["Mã cây", "Loài cây", "Đường kính (mm)", "Chiều cao", "Ngày trồng", "Kinh độ", "Vĩ độ"]
    )
    sheet.append(["X-1", "Keo tai tượng", 125, 9.5, datetime(2018, 6, 15), *places[0]])
    sheet.append(["X-2", "Sấu", "310", "11,5", "22/09/2017", *places[1]])
    sheet.append(["X-3", "Sấu", "nhiều", 10, None, *places[1]])
    book.create_sheet("Ghi chú").append(["not the survey"])
    path = tmp_path / "khao_sat.xlsx"
    book.save(path)
    columns = dict(zip(FIELDS, ("Mã cây", "Loài cây", "Đường kính (mm)", "Chiều cao"), strict=True))
    columns |= {"planted": "Ngày trồng", "lon": "Kinh độ", "lat": "Vĩ độ"}
    mapping = mapping_file(tmp_path, columns=columns, units={"dbh": "mm"})
    code, summary, output = run(runner, path, "--mapping", mapping, "--commit")
    assert code == 0, output
    assert (summary["rows_read"], summary["ready"], summary["errors"]) == (3, 3, 0)
    assert summary["errors_by_code"] == {"number_invalid": 1, "same_point": 1}
    third = db.session.scalar(select(Tree).where(Tree.external_id == "X-3"))
    assert third.dbh_cm is None and third.surveyed == {"dbh": "nhiều"}
    first = db.session.scalar(select(Tree).where(Tree.external_id == "X-1"))
    assert float(first.dbh_cm) == 12.5 and first.planted_on.isoformat() == "2018-06-15"
    second = db.session.scalar(select(Tree).where(Tree.external_id == "X-2"))
    assert float(second.dbh_cm) == 31.0 and float(second.height_m) == 11.5
    assert distance_m(second.id, *places[1]) < 1.0


def test_a_circumference_column_gives_the_diameter(runner, tmp_path):
    lon, lat = point_in(commune_named("Gia Sàng"))
    path = tmp_path / "chu_vi.csv"
    path.write_text(
        f"id,species,girth,height_ft,lon,lat\n1,Sấu,100,33,{lon},{lat}\n", encoding="utf-8"
    )
    columns = dict(zip(FIELDS, ("id", "species", "girth", "height_ft"), strict=True))
    columns |= {"lon": "lon", "lat": "lat"}
    mapping = mapping_file(
        tmp_path, columns=columns, units={"dbh": "circumference_cm", "height": "ft"}
    )
    code, _, output = run(runner, path, "--mapping", mapping, "--commit")
    assert code == 0, output
    tree = db.session.scalar(select(Tree))
    assert float(tree.dbh_cm) == 31.8 and float(tree.height_m) == 10.1  # one decimal stored


def test_an_unknown_unit_is_refused_with_the_choices(runner, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,lon,lat,dbh\n1,105.8,21.6,10\n", encoding="utf-8")
    mapping = mapping_file(tmp_path, units={"dbh": "inch"})
    code, _, output = run(runner, path, "--mapping", mapping)
    assert code == 1 and "Unknown unit" in output and "circumference_cm" in output


def test_repeated_headers_are_numbered_and_nul_bytes_dropped(runner, tmp_path):
    lon, lat = point_in(commune_named("Gia Sàng"))
    path = tmp_path / "hai_ghi_chu.csv"
    path.write_bytes(
        b"id,longitude,latitude,species,ghi chu,ghi chu\n"
        + f"G1,{lon},{lat},Keo lai,a,b\n".encode()
        + f"G2,{lon + 1e-4},{lat},Keo lai,c\x00d,e\n".encode()
    )
    mapping = tmp_path / "mapping.json"
    columns = {"external_id": "id", "lon": "longitude", "lat": "latitude", "notes": "ghi chu (2)"}
    mapping.write_text(json.dumps({"columns": columns}), encoding="utf-8")
    code, summary, _ = run(runner, path, "--mapping", mapping, "--commit")
    assert code == 0 and summary["created"] == 2
    assert db.session.scalars(select(Tree.notes).order_by(Tree.external_id)).all() == ["b", "e"]
    code, summary, _ = run(runner, path, "--commit", "--source", "other")
    assert code == 0 and summary["created"] == 2  # the first "ghi chu", with the NUL dropped
    notes = select(Tree.notes).where(Tree.source == "other").order_by(Tree.external_id)
    assert db.session.scalars(notes).all() == ["a", "cd"]


def test_a_row_with_more_values_than_columns_is_an_error_not_a_shifted_tree(runner, tmp_path):
    lon, lat = point_in(commune_named("Gia Sàng"))
    path = tmp_path / "dau_phay.csv"
    path.write_text(
        "id,longitude,latitude,species,dbh,notes\n"
        f'C1,{lon},{lat},Keo lai,"12,5",bờ suối\n'
        f"C2,{lon + 1e-4},{lat},Keo lai,12,5,bờ suối\n"  # the decimal comma unquoted
        f"C3,{lon + 2e-4},{lat},Keo lai,13,\n",
        encoding="utf-8",
    )
    code, summary, _ = run(runner, path, "--commit")
    assert code == 0 and (summary["ready"], summary["errors"]) == (2, 1)
    assert summary["errors_by_code"] == {"row_too_many_values": 1}
    error = db.session.scalar(select(ImportRowError).where(ImportRowError.row_number == 3))
    assert error.code == "row_too_many_values" and error.value == "bờ suối"
    trees = db.session.execute(select(Tree.external_id, Tree.dbh_cm).order_by(Tree.external_id))
    assert [(i, float(d)) for i, d in trees] == [("C1", 12.5), ("C3", 13.0)]


def test_a_geojson_whose_crs_is_a_web_link_is_refused_and_nothing_is_fetched(
    runner, tmp_path, anywhere
):
    import http.server
    import threading

    asked = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    link = f"http://127.0.0.1:{server.server_port}/crs.wkt"
    path = tmp_path / "linked.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "crs": {"type": "link", "properties": {"href": "'
        + link
        + '", "type": "ogcwkt"}}, "features": [{"type": "Feature", "properties": {"id": 1}, '
        '"geometry": {"type": "Point", "coordinates": [105.8, 21.6]}}]}'
    )
    code, summary, output = run(runner, path)
    server.shutdown()
    assert code == 1 and summary is None
    assert "web link" in output and asked == []
