"""Mappings proposed from headings as survey teams write them and from the values themselves."""

import pytest

from smarttrees.importers.headings import Heading, read_heading
from smarttrees.importers.layout import find_layout, is_footer
from smarttrees.importers.proposal import propose_mapping


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("D1.3 (cm)", Heading("d1 3", "cm")),
        ("d1,3", Heading("d1 3")),
        ("Hvn (m)", Heading("hvn", "m")),
        ("Chu vi [mm]", Heading("chu vi", "mm")),
        ("X (m)", Heading("x", "m")),
        ("Tọa độ  X", Heading("toa do x")),
        ("Đường kính (cm)", Heading("duong kinh", "cm")),
        ("Ghi chú (2)", Heading("ghi chu 2")),  # a repeated column's number is not a unit
        ("Diameter.Breast.Height", Heading("diameter breast height")),
    ],
)
def test_a_heading_is_folded_and_its_unit_read_apart(text, heading):
    assert read_heading(text) == heading


def _rows(columns, *rows):
    return [dict(zip(columns, row, strict=True)) for row in rows]


def test_units_in_headings_set_the_units_and_vietnamese_notation_is_known():
    columns = ["STT", "Loài cây", "Kinh độ", "Vĩ độ", "Chu vi [mm]", "Hvn (m)", "Hdc (m)", "Doo"]
    proposal = propose_mapping(columns, [])
    assert proposal.mapping == {
        "lon": "Kinh độ",
        "lat": "Vĩ độ",
        "species": "Loài cây",
        "dbh": "Chu vi [mm]",
        "height": "Hvn (m)",
        "external_id": "STT",
    }
    assert proposal.units == {"dbh": "circumference_mm", "height": "m"}


def test_an_id_column_of_repeated_zeros_is_passed_over_for_one_of_unique_ids():
    columns = ["id", "tree_code", "lat", "lon"]
    rows = _rows(columns, *[("0", f"T-{n}", f"21.{n:02d}", f"105.{n:02d}") for n in range(40)])
    proposal = propose_mapping(columns, rows)
    assert proposal.mapping["external_id"] == "tree_code"
    assert "'id' has repeated or missing values" in proposal.reasons["external_id"]


def test_coordinates_are_found_by_their_values_when_the_headings_do_not_say():
    columns = ["ref", "where", "girth"]
    rows = _rows(columns, *[(f"A{n}", f"21.5{n}, 105.8{n}", "120") for n in range(10)])
    assert propose_mapping(columns, rows).mapping["latlon"] == "where"
    columns = ["ref", "E", "N"]
    rows = _rows(columns, *[(f"A{n}", f"105.8{n}1234", f"21.5{n}3456") for n in range(10)])
    assert {"lon": "E", "lat": "N"}.items() <= propose_mapping(columns, rows).mapping.items()


def test_metres_inside_a_plot_are_not_taken_for_degrees():
    columns = ["tag", "lx", "ly", "dbh"]
    rows = _rows(columns, *[(f"{n}", f"{n}.5", f"1{n}.2", "300") for n in range(10)])
    assert "lon" not in propose_mapping(columns, rows).mapping


def test_x_and_y_holding_degrees_are_longitude_and_latitude():
    columns = ["X", "Y", "Loài"]
    rows = _rows(columns, *[(f"105.8{n}", f"21.6{n}", "Sấu") for n in range(10)])
    mapping = propose_mapping(columns, rows).mapping
    assert (mapping.get("lon"), mapping.get("lat"), mapping.get("x")) == ("X", "Y", None)


@pytest.mark.parametrize(("dbh", "unit"), [("0,3", "m"), ("310", "mm"), ("31", None)])
def test_a_dbh_without_a_unit_takes_one_from_its_magnitudes(dbh, unit):
    columns = ["lon", "lat", "dbh"]
    rows = _rows(columns, *[("105.8", "21.6", dbh)] * 20)
    proposal = propose_mapping(columns, rows)
    assert proposal.units.get("dbh") == unit
    if unit:
        assert "to confirm" in proposal.reasons["unit:dbh"]


def test_a_gis_file_takes_no_column_for_its_points():
    columns = ["PERIMETER", "AREA"]
    rows = _rows(columns, *[(f"1.{n}5", f"0.0{n}2") for n in range(10)])
    assert propose_mapping(columns, rows, spatial=True).mapping == {}


def _sheet(*rows):
    return [(n, list(row)) for n, row in enumerate(rows, start=1) if any(rows[n - 1])]


def test_the_header_is_found_below_letterhead_and_title_and_two_rows_are_joined():
    head = _sheet(
        ["UBND XÃ GIA SÀNG", "", "", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", ""],
        ["", "", "", "", "", ""],
        ["DANH SÁCH CÂY XANH", "", "", "", "", ""],
        ["STT", "Loài cây", "Tọa độ VN-2000", "", "D1.3 (cm)", "Hvn (m)"],
        ["", "", "X (m)", "Y (m)", "", ""],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        ["1", "Sấu", "2390000,5", "431000,2", "25", "8"],
    )
    layout = find_layout(head)
    assert layout.header_rows == [4, 5] and layout.skipped_rows == [1, 3, 6]
    assert layout.first_data_row == 7
    assert layout.columns == [
        "STT",
        "Loài cây",
        "Tọa độ VN-2000/X (m)",
        "Tọa độ VN-2000/Y (m)",
        "D1.3 (cm)",
        "Hvn (m)",
    ]
    assert find_layout(head, header_row=7).header_rows == [7]


@pytest.mark.parametrize(
    ("cells", "footer"),
    [
        (["Tổng cộng", "", "152 cây"], True),
        (["", "Cộng:"], True),
        (["", "Người lập biểu", "", "Thủ trưởng đơn vị"], True),
        (["Thái Nguyên, ngày 15 tháng 6 năm 2025"], True),
        (["12", "Cộng đồng dân cư", "Sấu"], False),
        (["Tổng đài", "Sấu"], False),
    ],
)
def test_totals_and_signatures_end_the_data(cells, footer):
    assert is_footer(cells) is footer


def test_a_subtotal_is_passed_over_and_the_rows_after_it_are_read():
    from smarttrees.importers.layout import read_table

    sheet = [
        ["STT", "Loài cây", "Kinh độ", "Vĩ độ"],
        ["1", "Sấu", "105,81", "21,59"],
        ["Cộng", "", "", ""],
        ["2", "Xà cừ", "105,82", "21,58"],
        ["Người lập biểu", "", "", ""],
        ["", "Nguyễn Văn A", "", ""],
    ]
    _, rows, layout = read_table(iter(enumerate(sheet, start=1)))
    assert [number for number, _ in rows] == [2, 4]
    assert layout.footer_rows == [3, 5, 6]
