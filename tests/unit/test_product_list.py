"""The forest-product list (bảng kê lâm sản, form 01) as a PDF, read back with poppler's tools."""

import datetime
import io
import re
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from smarttrees.labels.product_list import (
    Origin,
    Party,
    ProductList,
    Row,
    Transport,
    render,
)
from smarttrees.labels.vn_format import long_date, vn_number

REGULAR = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
URL = "https://cayxanh.example.vn/v/BK-2026-000123"


def _row(volume: str, mass: str, batch: str, pieces: int = 40) -> Row:
    return Row(
        product="Gỗ tròn",
        common_name="Keo tai tượng",
        scientific_name="Acacia mangium",
        hs_code="4403",
        unit="m³",
        pieces=pieces,
        volume_m3=Decimal(volume),
        mass_kg=Decimal(mass),
        batch_code=batch,
    )


def _list(rows: tuple[Row, ...] | None = None, **changes) -> ProductList:
    product_list = ProductList(
        number="BK-2026-000123",
        made_on=datetime.date(2026, 11, 26),
        place="Thái Nguyên",
        owner=Party("Hộ ông Nguyễn Văn Đức", "Xóm Na Mao, xã Phú Đình, tỉnh Thái Nguyên"),
        buyer=Party("Công ty TNHH Gỗ Thái Nguyên", "Phường Túc Duyên, tỉnh Thái Nguyên"),
        origin=Origin(
            source_document="Biên bản khai thác KT-2026-0012",
            forest_owner="Hộ ông Nguyễn Văn Đức",
            plots="Lô 2, khoảnh 4, tiểu khu 123",
            commune="Phú Đình",
        ),
        transport=Transport(
            vehicle="20C-123.45",
            origin_place="Xã Phú Đình",
            destination="Phường Túc Duyên",
            date=datetime.date(2026, 11, 26),
            valid_until=datetime.date(2026, 11, 28),
        ),
        rows=rows
        if rows is not None
        else (_row("12.345", "12500", "LH-0001", 1200), _row("7.655", "7500", "LH-0002", 34)),
        verify_url=URL,
        made_by="Nguyễn Văn Đức",
    )
    return replace(product_list, **changes)


def _pdf(tmp_path: Path, product_list: ProductList) -> Path:
    out = io.BytesIO()
    render(product_list, out, regular_font=REGULAR, bold_font=BOLD)
    path = tmp_path / "list.pdf"
    path.write_bytes(out.getvalue())
    return path


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _text(pdf: Path) -> str:
    return _run("pdftotext", "-layout", str(pdf), "-")


def _pages(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(pdf)), re.M).group(1))


def test_the_form_names_its_number_and_both_parties_with_their_diacritics(tmp_path):
    text = _text(_pdf(tmp_path, _list()))
    assert "BẢNG KÊ LÂM SẢN" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Số: BK-2026-000123" in text
    assert "Hộ ông Nguyễn Văn Đức" in text
    assert "Công ty TNHH Gỗ Thái Nguyên" in text
    assert "Biên bản khai thác KT-2026-0012" in text
    assert "20C-123.45" in text
    assert "từ ngày 26/11/2026 đến ngày 28/11/2026" in text
    assert "Thái Nguyên, ngày 26 tháng 11 năm 2026" in text


def test_rows_show_species_and_hs_code_and_totals_use_a_decimal_comma(tmp_path):
    text = _text(_pdf(tmp_path, _list()))
    assert "Acacia mangium" in text
    assert "Keo tai tượng" in text
    assert re.search(r"\b4403\b", text)
    assert "12,345" in text and "7,655" in text
    total = next(line for line in text.splitlines() if "Tổng cộng" in line)
    assert re.search(r"\b1\.234\s+20,000\s+20\.000\b", total), total


def test_blank_fields_print_dots_to_fill_in_by_hand(tmp_path):
    text = _text(_pdf(tmp_path, _list(origin=Origin(), made_by="")))
    assert re.search(r"Chủ rừng: …{3,}", text)
    assert re.search(r"Tọa độ nơi khai thác \(kinh độ; vĩ độ\): …{3,}", text)


def test_a_sixty_row_list_continues_with_its_heading_and_counts_its_sheets(tmp_path):
    rows = tuple(_row("1.000", "800", f"LH-{n:04d}") for n in range(1, 61))
    pdf = _pdf(tmp_path, _list(rows=rows))
    total = _pages(pdf)
    assert total >= 2
    pages = [page for page in _text(pdf).split("\f") if page.strip()]
    assert len(pages) == total
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"Tờ số: {number} / Tổng số tờ: {total}\b", page), number
        assert all(heading in page for heading in ("STT", "Mã HS", "Mã lô hàng", "Ghi chú")), number
    assert "Bảng kê lâm sản số: BK-2026-000123 (tiếp theo)" in pages[1]
    assert "LH-0060" in pages[-1] and "LH-0060" not in pages[0]
    assert re.search(r"Tổng cộng\s+2\.400\s+60,000\s+48\.000", pages[-1])


def test_the_qr_code_reads_as_the_verification_address(tmp_path):
    pdf = _pdf(tmp_path, _list())
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    (image,) = tmp_path.glob("p*.png")
    found = zxingcpp.read_barcodes(Image.open(image))
    assert [code.text for code in found] == [URL]


def test_every_font_is_embedded(tmp_path):
    lines = _run("pdffonts", str(_pdf(tmp_path, _list()))).splitlines()[2:]
    assert lines, "no fonts listed"
    for line in lines:
        # name, type, encoding, emb, sub, uni, object, id: emb is the fourth from the right
        assert line.split()[-5] == "yes", line


def test_the_metadata_names_the_list_and_its_maker(tmp_path):
    info = _run("pdfinfo", str(_pdf(tmp_path, _list())))
    assert re.search(r"^Title:\s+Bảng kê lâm sản BK-2026-000123$", info, re.M)
    assert re.search(r"^Author:\s+Nguyễn Văn Đức$", info, re.M)
    assert re.search(r"^Page size:.*\(A4\)", info, re.M)


def test_a_long_species_name_wraps_inside_its_cell(tmp_path):
    long_name = "Keo lai giâm hom dòng BV10 trồng thuần loài trên đất đồi"
    row = replace(_row("3.000", "2400", "LH-0001"), common_name=long_name)
    text = _text(_pdf(tmp_path, _list(rows=(row,))))
    lines = [line for line in text.splitlines() if "Keo lai" in line or "thuần loài" in line]
    # the name is cut over several lines of its cell, not run through the next columns
    assert long_name not in text
    assert len(lines) >= 2
    assert "trên đất đồi" in text


@pytest.mark.parametrize(
    ("value", "places", "written"),
    [
        (Decimal("12.345"), 3, "12,345"),
        (Decimal("20"), 3, "20,000"),
        (Decimal("1234567.8915"), 3, "1.234.567,892"),
        (Decimal("12500"), 0, "12.500"),
        (Decimal("0.5"), 0, "1"),
        (1234, 0, "1.234"),
        (None, 3, ""),
    ],
)
def test_numbers_are_written_the_vietnamese_way(value, places, written):
    assert vn_number(value, places) == written


def test_dates_take_the_leading_zeros_of_administrative_writing():
    assert long_date(datetime.date(2026, 11, 26)) == "ngày 26 tháng 11 năm 2026"
    assert long_date(datetime.date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert long_date(datetime.date(2026, 3, 5)) == "ngày 05 tháng 3 năm 2026"


def test_the_totals_are_the_sum_of_what_the_rows_print(tmp_path):
    from decimal import Decimal

    from smarttrees.labels.product_list import _amount

    class Style:  # what _amount reads of a ParagraphStyle
        fontSize, fontName = 8, "Helvetica"

        def clone(self, name, **changes):
            from reportlab.lib.styles import ParagraphStyle

            return ParagraphStyle(name, fontName="Helvetica", **changes)

    masses = [Decimal("1389.4"), Decimal("2000.6"), Decimal("512.6")]  # print 1.389, 2.001, 513
    assert _amount(masses, 0, 7, Style()).text == "3.903"
    assert _amount([3, None], 0, 5, Style()).text == ""  # a row without pieces: no total
