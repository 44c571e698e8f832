"""The export writers, without a database: shapefile names within dBase's 10 characters and a
readme naming them, KML that stays well-formed whatever the notes hold, a workbook that goes on
to a second sheet past Excel's last row, and an empty selection still a file in every format."""

import zipfile
from datetime import date
from xml.etree import ElementTree

import openpyxl
import pyogrio
import pytest

from smarttrees.exporters import COLUMNS, FORMATS, kml, open_writer, xlsx
from smarttrees.exporters.columns import SHAPEFILE_NAME_LIMIT, readme

KML = "{http://www.opengis.net/kml/2.2}"
ROW = (105.84, 21.59, "A2B3C4D", "Khaya senegalensis", "Xà cừ", "urban", 32.5, None, 6.5,
       "poor", date(2019, 2, 1), "Gia Sàng", "gốc bị sâu")  # fmt: skip


def test_shapefile_field_names_fit_dbase_and_the_readme_names_each():
    names = [column.field for column in COLUMNS]
    assert all(len(name) <= SHAPEFILE_NAME_LIMIT for name in names)
    assert len(set(names)) == len(names)
    text = readme("trees", crs="EPSG:9213", count=1_130_000)
    assert "1,130,000" in text and "EPSG:9213" in text
    for column in COLUMNS:
        assert any(line.split()[:2] == [column.field, column.name] for line in text.splitlines())


def test_a_placemark_escapes_its_text_and_leaves_out_what_xml_cannot_hold():
    notes = "rễ < 2 m & lộ\x0b\x00 gốc"
    placemark = kml.placemark(1.5, 2.5, (*ROW[2:-1], notes))
    element = ElementTree.fromstring(f'<kml xmlns="{KML[1:-1]}">{placemark}</kml>')
    data = {d.get("name"): d.text for d in element.iter(f"{KML}SimpleData")}
    assert data["notes"] == "rễ < 2 m & lộ gốc" and data["planted_on"] == "2019-02-01"
    assert "height_m" not in data  # a missing value is left out, not written empty
    assert element.find(f".//{KML}coordinates").text == "1.5,2.5"


def test_a_workbook_goes_on_to_a_second_sheet_past_the_last_row(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 3)  # a header and two trees a sheet
    writer = open_writer("xlsx", tmp_path / "trees.xlsx")
    writer.add([ROW] * 3)
    book = openpyxl.load_workbook(writer.finish())
    assert book.sheetnames == ["trees", "trees 2"]
    assert [c.value for c in book["trees 2"][1]] == list(xlsx.HEADER)
    assert book["trees"]["A2"].value == "A2B3C4D" and book["trees 2"].max_row == 2
    assert book["trees"]["K2"].value.date() == date(2019, 2, 1)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_selection_is_still_a_file_with_every_column(tmp_path, fmt):
    path = open_writer(fmt, tmp_path / f"trees{FORMATS[fmt].suffix}").finish()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no work files left
    if fmt == "xlsx":
        assert [c.value for c in openpyxl.load_workbook(path).active[1]] == list(xlsx.HEADER)
        return
    if fmt == "shp":
        assert "README.txt" in zipfile.ZipFile(path).namelist()
    info = pyogrio.read_info(path)
    assert info["features"] == 0
    if fmt != "kml":  # GDAL lists a KML schema's fields only when a placemark uses it
        assert {c.name for c in COLUMNS} <= set(info["fields"])
